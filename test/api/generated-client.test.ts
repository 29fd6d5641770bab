import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importPlan, PASSWORD, startTestServer, type TestServer } from '../support/harness.ts';

/**
 * Another system's developer generates a TypeScript client from the served document (openapi-typescript)
 * and calls the API with openapi-fetch: the code below is what they would write. It is type-checked
 * against the generated types (names, parameters, bodies, replies) and then run against a real server:
 * sign in, read the plan, fill in and submit the month's report, and meet a refusal by its stable key.
 */
const FLOW = `import createClient from 'openapi-fetch';
import type { paths } from './schema.ts';

export async function flow(baseUrl: string, username: string, password: string, period: string) {
	const anonymous = createClient<paths>({ baseUrl });
	const login = await anonymous.POST('/auth/login', { body: { username, password } });
	if (!login.data) throw new Error('sign-in refused: ' + login.error.error.key);
	const role: 'admin' | 'security' | 'auditor' | 'office' | 'leader' | 'unit' | 'service' = login.data.user.role;
	const cookie = login.response.headers.getSetCookie()[0]!.split(';')[0]!;
	const client = createClient<paths>({ baseUrl, headers: { cookie } });

	const plans = await client.GET('/plans');
	if (!plans.data) throw new Error(plans.error.error.key);
	const planId: number = plans.data.items[0]!.id;
	const indicators = await client.GET('/indicators', { params: { query: { planId, pageSize: 500 } } });
	if (!indicators.data) throw new Error(indicators.error.error.key);

	const form = await client.GET('/reports/mine/{period}', { params: { path: { period } } });
	if (!form.data) throw new Error(form.error.error.key);
	const items = form.data.items.map((i) => ({ indicatorId: i.indicatorId, progressStatus: 'on_track' as const }));
	const incomplete = await client.POST('/reports/mine/{period}/submit', {
		params: { path: { period } },
		body: { revision: form.data.report?.revision ?? null, items }
	});
	const problems = incomplete.error?.error.details;
	const submitted = await client.POST('/reports/mine/{period}/submit', {
		params: { path: { period } },
		body: {
			revision: form.data.report?.revision ?? null,
			items: items.map((i) => ({ ...i, progress: '按计划推进' }))
		}
	});
	if (!submitted.data) throw new Error(submitted.error.error.key);
	return {
		role,
		planId,
		indicators: indicators.data.total,
		refusal: incomplete.error?.error.key,
		requestId: incomplete.error?.error.requestId,
		problems,
		status: submitted.data.report?.status
	};
}
`;

let s: TestServer;
let dir: string;
beforeAll(async () => {
	s = await startTestServer({ start: new Date('2020-04-05T02:00:00Z') });
	// Inside the checkout, so that 'openapi-fetch' resolves from its node_modules.
	dir = mkdtempSync(join(process.cwd(), 'test', '.client-'));
});
afterAll(async () => {
	rmSync(dir, { recursive: true, force: true });
	await s.close();
});

describe('a client generated from the OpenAPI document', () => {
	it('type-checks and runs sign-in → plan → submit against the server', async () => {
		const office = await s.as('office');
		await importPlan(office, [['领域', '', '任务一', '客户端生成测试指标', '2020年12月底前', '省大数据局']]);
		const doc = (await s.anonymous().get('/api/v1/openapi.json')).data;
		writeFileSync(join(dir, 'schema.ts'), astToString(await openapiTS(doc)));
		writeFileSync(join(dir, 'flow.ts'), FLOW);

		const program = ts.createProgram([join(dir, 'flow.ts')], {
			strict: true,
			noEmit: true,
			target: ts.ScriptTarget.ES2022,
			module: ts.ModuleKind.NodeNext,
			moduleResolution: ts.ModuleResolutionKind.NodeNext,
			allowImportingTsExtensions: true,
			skipLibCheck: true,
			types: ['node']
		});
		const problems = ts
			.getPreEmitDiagnostics(program)
			.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
		expect(problems).toEqual([]);

		const username = await s.createAccount('unit', '省大数据局');
		const { flow } = await import(join(dir, 'flow.ts'));
		const result = await flow(`${s.base}/api/v1`, username, PASSWORD, '2020-03');
		expect(result).toMatchObject({
			role: 'unit',
			indicators: 1,
			refusal: 'report.incomplete',
			requestId: expect.any(String),
			status: 'submitted'
		});
		expect(result.problems).toEqual([
			expect.objectContaining({ path: 'items.0.progress', code: 'required' })
		]);
	});
});
