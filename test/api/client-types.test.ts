import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { hc, InferResponseType } from 'hono/client';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import type { AppType } from '../../api/app.ts';
import type { reportForm, reportSaved } from '../../api/routes/contract/reports.ts';
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
		expectTypeOf<Saved>().toExtend<z.infer<typeof reportSaved>>();

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

	it('error details, version changes and report states narrow by their fields (no cast needed)', () => {
		type Details = NonNullable<ApiErrorBody['error']['details']>;
		expectTypeOf<Extract<Details, { pending: unknown }>['pending']>().toEqualTypeOf<'password' | 'totp'>();
		expectTypeOf<
			Extract<Details, { retryAfterSeconds: unknown }>['retryAfterSeconds']
		>().toEqualTypeOf<number>();
		expectTypeOf<Extract<Details, { problems: unknown }>['problems']>().toEqualTypeOf<string[]>();
		expectTypeOf<Extract<Details, unknown[]>[number]['path']>().toEqualTypeOf<string>();

		type Change = InferResponseType<Api['reports'][':id']['compare']['$get'], 200>['changes'][number];
		expectTypeOf<Extract<Change, { field: 'status' }>['to']>().toEqualTypeOf<
			'draft' | 'submitted' | 'returned' | 'accepted' | null
		>();
		expectTypeOf<Extract<Change, { field: 'percent' }>['from']>().toEqualTypeOf<number | null>();
		expectTypeOf<Extract<Change, { field: 'attachment' }>['to']>().toEqualTypeOf<{
			id: number;
			name: string;
		} | null>();

		type History = InferResponseType<Api['dashboard']['unit']['$get'], 200>['history'][number];
		expectTypeOf<History['status']>().toEqualTypeOf<'on_time' | 'late' | 'missing' | 'not_due' | 'none'>();
	});
});

/** The text from `open` (an opening bracket's index) to its closing bracket; strings and comments are skipped. */
function balanced(text: string, open: number): string {
	let depth = 0;
	for (let i = open; i < text.length; i++) {
		const ch = text[i]!;
		if (ch === "'" || ch === '"' || ch === '`') {
			for (i++; i < text.length && text[i] !== ch; i++) if (text[i] === '\\') i++;
		} else if (text.startsWith('//', i)) i = text.indexOf('\n', i);
		else if (text.startsWith('/*', i)) i = text.indexOf('*/', i) + 1;
		else if ('([{'.includes(ch)) depth++;
		else if (')]}'.includes(ch) && --depth === 0) return text.slice(open, i + 1);
		if (i <= 0) break;
	}
	return text.slice(open);
}

/**
 * The `$effect`s of a component's script that ask the API for data: directly (`call(`, `api.`) or through
 * one of the component's own functions that does. Page data comes through `Resource` or a `load`
 * function, which keep only the latest answer; an effect that fetches lets a slow, stale answer win.
 */
function effectsThatFetch(source: string): string[] {
	const script = [...source.matchAll(/<script[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]!).join('\n');
	const asks = (code: string) => /\bcall\(|\bapi\./.test(code);
	// The component's own functions: `function f(…) {…}` and `const f = (…) => …`.
	const bodies = new Map<string, string>();
	for (const m of script.matchAll(/\bfunction (\w+)\s*\(/g)) {
		const params = m.index + m[0].length - 1;
		bodies.set(m[1]!, balanced(script, script.indexOf('{', params + balanced(script, params).length)));
	}
	for (const m of script.matchAll(/\bconst (\w+) = (?:async )?(?:\([^)]*\)|\w+) =>/g)) {
		const rest = script.slice(m.index + m[0].length);
		const end = rest.search(/;\n/);
		bodies.set(m[1]!, end < 0 ? rest : rest.slice(0, end));
	}
	// A function fetches if it asks the API or calls one of the component's functions that does.
	const fetching = new Set<string>();
	for (let grew = true; grew;) {
		grew = false;
		for (const [name, body] of bodies)
			if (
				!fetching.has(name) &&
				(asks(body) || [...fetching].some((f) => new RegExp(`\\b${f}\\b`).test(body)))
			) {
				fetching.add(name);
				grew = true;
			}
	}
	return [...script.matchAll(/\$effect\(/g)]
		.map((m) => balanced(script, m.index + m[0].length - 1))
		.filter((body) => asks(body) || [...fetching].some((f) => new RegExp(`\\b${f}\\b`).test(body)));
}

describe('the web app', () => {
	const files = (dir: string): string[] =>
		readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
			e.isDirectory() ? files(join(dir, e.name)) : /\.(ts|svelte)$/.test(e.name) ? [join(dir, e.name)] : []
		);

	it('casts no reply through unknown and writes no reply type by hand', () => {
		const casts = files('web/src').filter((f) => /\bas unknown as\b/.test(readFileSync(f, 'utf8')));
		expect(casts).toEqual([]);
		// Reply types come from the typed client (InferResponseType), never from an interface of its own.
		const replies = readFileSync('web/src/lib/replies.ts', 'utf8');
		expect(replies).not.toMatch(/^export (interface|type \w+ = \{)/m);
	});

	it('fetches no page data inside $effect (Resource or a load function instead)', () => {
		const offenders = files('web/src')
			.filter((f) => f.endsWith('.svelte'))
			.flatMap((f) =>
				effectsThatFetch(readFileSync(f, 'utf8')).map(
					(body) => `${relative('web/src', f).split(sep).join('/')}: ${body.split('\n')[0]}`
				)
			);
		expect(offenders, 'an $effect that asks the API: use Resource (lib/resource.svelte.ts)').toEqual([]);
		// The check sees what it is meant to see.
		const page = (effect: string) =>
			`<script lang="ts">\n\tfunction load(id: number) {\n\t\tcall(api.plans.$get()).then((r) => (plans = r.items));\n\t}\n\tconst reload = () => load(1);\n\t${effect}\n</script>`;
		expect(effectsThatFetch(page('$effect(() => {\n\t\tcall(api.units.$get());\n\t});'))).toHaveLength(1);
		expect(effectsThatFetch(page('$effect(() => load(id));'))).toHaveLength(1);
		expect(effectsThatFetch(page('$effect(() => {\n\t\tif (open) untrack(reload);\n\t});'))).toHaveLength(1);
		expect(effectsThatFetch(page('$effect(load);'))).toHaveLength(1);
		expect(effectsThatFetch(page('$effect(() => {\n\t\tdocument.title = title;\n\t});'))).toEqual([]);
	});

	it('draws its tables with DataTable', () => {
		// DataTable is the one table; OfficialDocument lays out the printed document's page; the milestone
		// editor is a grid of inputs (a form laid out in rows), not a table of data.
		const owners = [
			'lib/components/DataTable.svelte',
			'lib/components/OfficialDocument.svelte',
			'routes/(app)/milestones/MilestoneEditor.svelte'
		];
		const drawn = files('web/src')
			.filter((f) => f.endsWith('.svelte') && /<table\b/.test(readFileSync(f, 'utf8')))
			.map((f) => relative('web/src', f).split(sep).join('/'))
			.filter((f) => !owners.includes(f));
		expect(drawn, 'a <table> of its own: use DataTable').toEqual([]);
		// The check sees the tables it is meant to see.
		expect(files('web/src').filter((f) => owners.some((o) => f.endsWith(o)))).toHaveLength(owners.length);
	});
});
