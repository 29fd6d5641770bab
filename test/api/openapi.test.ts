import spectralCore from '@stoplight/spectral-core';
import spectralParsers from '@stoplight/spectral-parsers';
import { oas } from '@stoplight/spectral-rulesets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { errorStatuses } from '../../api/openapi.ts';
import { CONTRACT } from '../../api/routes/contract/index.ts';
import { startTestServer, type TestServer } from '../support/harness.ts';

/**
 * The served OpenAPI document is one a client can be generated from: an independent linter (Spectral,
 * `spectral:oas`) finds nothing, and every operation is named, tagged, described, typed and lists its
 * refusals with the one error body.
 */
let s: TestServer;
let doc: any;
const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

beforeAll(async () => {
	s = await startTestServer();
	doc = (await s.anonymous().get('/api/v1/openapi.json')).data;
});
afterAll(() => s.close());

const operations = () =>
	Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, item]) =>
		Object.entries(item)
			.filter(([m]) => METHODS.includes(m))
			.map(([method, op]) => ({ path, method, op }))
	);

/** A schema's type; a choice (anyOf/oneOf) has its members' type when they all share one. */
const bodyType = (schema: any): string | undefined => {
	const choice: any[] | undefined = schema.anyOf ?? schema.oneOf;
	if (!choice) return schema.type;
	const types = new Set(choice.map(bodyType));
	return types.size === 1 ? [...types][0] : undefined;
};

// First: a long lint lets the server close the kept-alive connection under the client (ECONNRESET).
describe('request ids', () => {
	it('echoes X-Request-Id, makes one when absent, and puts it in every error body', async () => {
		const client = s.anonymous();
		client.headers['x-request-id'] = 'caller-42';
		const refused = await client.get('/api/v1/plans');
		expect(refused.status).toBe(401);
		expect(refused.headers.get('x-request-id')).toBe('caller-42');
		expect(refused.data.error).toMatchObject({ key: 'auth.login_required', requestId: 'caller-42' });

		const fresh = await s.anonymous().get('/api/v1/nowhere');
		expect(fresh.status).toBe(404);
		expect(fresh.data.error.requestId).toMatch(/^[0-9a-f-]{36}$/);
		expect(fresh.headers.get('x-request-id')).toBe(fresh.data.error.requestId);

		// A header that is not a plain token is not echoed (no header injection into logs).
		client.headers['x-request-id'] = 'a b<script>';
		const odd = await client.get('/api/v1/health');
		expect(odd.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
	});

	it('a field problem names the field and its code', async () => {
		const res = await s.anonymous().post('/api/v1/auth/login', { username: '', password: 'x' });
		expect(res.status).toBe(400);
		expect(res.data.error.key).toBe('request.invalid');
		expect(res.data.error.details).toEqual([expect.objectContaining({ path: 'username', code: 'required' })]);
	});
});

describe('the OpenAPI document', () => {
	const lint = async (rules: 'recommended' | 'all') => {
		const { Spectral, Document } = spectralCore;
		const spectral = new Spectral();
		spectral.setRuleset({ extends: [[oas as never, rules]] });
		const results = await spectral.run(new Document(JSON.stringify(doc), spectralParsers.Json));
		return results.map((r) => `${r.code} ${r.severity} ${r.path.join('.')}: ${r.message}`);
	};

	it('Spectral (spectral:oas) reports nothing; with every rule on, only that there is no public licence or contact address', async () => {
		expect(await lint('recommended')).toEqual([]);
		// An internal government system publishes no licence, URL or mail address (warnings of the full set).
		expect((await lint('all')).map((r) => r.split(':')[0])).toEqual([
			'info-license 1 info',
			'license-url 1 info',
			'contact-properties 1 info.contact'
		]);
	});

	it('every operation has a unique operationId, a declared tag, a description, a typed success body and its refusals', () => {
		const ops = operations();
		expect(ops.length).toBe(Object.keys(CONTRACT).length);
		const ids = ops.map((o) => o.op.operationId);
		expect(new Set(ids).size).toBe(ids.length);
		const tags = new Set(doc.tags.map((t: { name: string }) => t.name));
		for (const t of doc.tags) expect(t.description, t.name).toBeTruthy();
		expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['serviceToken', 'session']);
		const errorRef = '#/components/schemas/Error';
		for (const { path, method, op } of ops) {
			const where = `${method.toUpperCase()} ${path}`;
			expect(op.operationId, where).toMatch(/^[a-z][A-Za-z]+$/);
			expect(op.tags?.length, where).toBe(1);
			expect(tags.has(op.tags[0]), `${where}: tag ${op.tags[0]}`).toBe(true);
			expect(op.summary, where).toBeTruthy();
			expect(op.description?.length, where).toBeGreaterThan(4);
			expect(Array.isArray(op.security), where).toBe(true);
			const success = Object.keys(op.responses).filter((k) => k.startsWith('2'));
			expect(success, where).toHaveLength(1);
			const content = op.responses[success[0]!].content;
			for (const [type, media] of Object.entries(content as Record<string, { schema: any }>)) {
				// A JSON body is an object schema (or a choice of them: a save answers the whole form, or with
				// Prefer: return=minimal only the report's state); a file (an export, even a .json one) is binary.
				if ('files' in CONTRACT[where]!.ok)
					expect(media.schema, `${where} ${type}`).toEqual({ type: 'string', format: 'binary' });
				else expect([type, bodyType(media.schema)], where).toEqual(['application/json', 'object']);
			}
			const hasInput = !!op.requestBody || !!op.parameters?.length;
			const refusals = Object.keys(op.responses)
				.filter((k) => /^[45]/.test(k))
				.map(Number);
			expect(refusals, where).toEqual(errorStatuses(method, path, CONTRACT[where]!, hasInput));
			if (!op.security.length) expect(refusals, `${where} is public`).not.toContain(401);
			else expect(refusals, where).toEqual(expect.arrayContaining([401, 403]));
			for (const status of refusals) {
				const ref = op.responses[String(status)].$ref as string;
				const response = doc.components.responses[ref.split('/').pop()!];
				expect(response.content['application/json'].schema.$ref, `${where} ${status}`).toBe(errorRef);
			}
		}
	});

	it('no success body is an empty object: every object in a 2xx JSON schema names its fields', () => {
		const empty: string[] = [];
		const seen = new Set<unknown>();
		const walk = (node: unknown, where: string) => {
			if (!node || typeof node !== 'object' || seen.has(node)) return;
			seen.add(node);
			const n = node as Record<string, any>;
			if (typeof n.$ref === 'string' && n.$ref.startsWith('#/components/schemas/'))
				return walk(doc.components.schemas[n.$ref.split('/').pop()!], `${where} → ${n.$ref}`);
			const types = [n.type].flat();
			const named = Object.keys(n.properties ?? {}).length > 0;
			const typedValues = n.additionalProperties && Object.keys(n.additionalProperties).length > 0;
			if (types.includes('object') && !named && !typedValues) empty.push(where);
			for (const [k, v] of Object.entries(n)) walk(v, `${where}.${k}`);
		};
		let bodies = 0;
		for (const { path, method, op } of operations())
			for (const [status, response] of Object.entries(op.responses as Record<string, any>)) {
				const schema = status.startsWith('2') && response.content?.['application/json']?.schema;
				if (!schema) continue;
				bodies++;
				seen.clear();
				walk(schema, `${method.toUpperCase()} ${path} ${status}`);
			}
		expect(bodies).toBeGreaterThan(60);
		expect(empty).toEqual([]);
	});

	it('the error body enumerates the refusal kinds, the stable causes and the field codes', () => {
		const error = doc.components.schemas.Error.properties.error;
		expect(error.required).toEqual(['code', 'key', 'message', 'requestId']);
		expect(error.properties.code.enum).toEqual(
			expect.arrayContaining(['bad_request', 'conflict', 'unprocessable'])
		);
		expect(error.properties.key.enum).toEqual(
			expect.arrayContaining(['report.stale', 'report.incomplete', 'auth.login_failed', 'auth.token_invalid'])
		);
		expect(JSON.stringify(error.properties.details)).toContain('"required"');
	});

	it('every example is valid for its operation’s schema', () => {
		let checked = 0;
		for (const [key, op] of Object.entries(CONTRACT)) {
			if (op.example === undefined || 'files' in op.ok) continue;
			const r = (op.ok as z.ZodType).safeParse(op.example);
			expect(r.success, `${key}: ${r.success ? '' : z.prettifyError(r.error)}`).toBe(true);
			checked++;
		}
		expect(checked).toBeGreaterThanOrEqual(8);
	});
});
