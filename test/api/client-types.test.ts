import type { hc, InferResponseType } from 'hono/client';
import { describe, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import type { AppType } from '../../api/app.ts';
import type { reportForm } from '../../api/routes/contract/reports.ts';
import type { requestDetail } from '../../api/routes/contract/requests.ts';
import type { ApiErrorBody } from '../../api/routes/contract/shapes.ts';

/**
 * The typed Hono client (`hc<AppType>`, as the web app uses it) gives every JSON reply its real type:
 * the web app needs no hand-written reply types. Checked by the type checker (`tsc -p tsconfig.node.json`);
 * at run time these are no-ops.
 */
type Api = ReturnType<typeof hc<AppType>>;

describe('replies through the typed client', () => {
	it('carry their fields, not any', () => {
		type RequestRow = InferResponseType<Api['requests']['$get'], 200>['items'][number];
		expectTypeOf<RequestRow>().not.toBeAny();
		expectTypeOf<RequestRow['kind']>().toEqualTypeOf<'completion' | 'extension'>();
		expectTypeOf<RequestRow['status']>().toEqualTypeOf<'pending' | 'approved' | 'rejected'>();
		expectTypeOf<RequestRow['newDueOn']>().toEqualTypeOf<string | null>();
		type RequestDetail = InferResponseType<Api['requests'][':id']['$get'], 200>;
		expectTypeOf<RequestDetail['attachments'][number]['size']>().toEqualTypeOf<number>();
		// What the client infers fits the contract's schema of the same reply.
		expectTypeOf<RequestDetail>().toExtend<z.infer<typeof requestDetail>>();

		type Form = InferResponseType<Api['reports']['mine'][':period']['$get'], 200>;
		expectTypeOf<Form>().toExtend<z.infer<typeof reportForm>>();
		type Saved = InferResponseType<Api['reports']['mine'][':period']['submit']['$post'], 200>;
		expectTypeOf<Saved>().toExtend<z.infer<typeof reportForm>>();

		type Plans = InferResponseType<Api['plans']['$get'], 200>['items'][number];
		expectTypeOf<Plans['title']>().toEqualTypeOf<string>();
		expectTypeOf<InferResponseType<Api['meta']['$get'], 200>['today']>().toEqualTypeOf<string>();
		type Summary = InferResponseType<Api['dashboard']['summary']['$get'], 200>;
		expectTypeOf<Summary>().not.toBeAny();
		type Notices = InferResponseType<Api['notices']['$get'], 200>['items'][number];
		expectTypeOf<Notices['level']>().toEqualTypeOf<'blue' | 'yellow' | 'red'>();
		type Accounts = InferResponseType<Api['service-accounts']['$get'], 200>['items'][number];
		expectTypeOf<Accounts['tokens'][number]['revokedAt']>().toEqualTypeOf<string | null>();
		type Issued = InferResponseType<Api['service-accounts']['$post'], 201>;
		expectTypeOf<Issued['token']['token']>().toEqualTypeOf<string>();
	});

	it('the one error body has a type from its schema', () => {
		expectTypeOf<ApiErrorBody['error']['requestId']>().toEqualTypeOf<string>();
		expectTypeOf<ApiErrorBody['error']['key']>().toEqualTypeOf<string>();
	});
});
