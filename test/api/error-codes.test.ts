import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorsZh } from '../../web/src/lib/i18n/errors.zh.ts';
import { en } from '../../web/src/lib/i18n/en.ts';
import { zh } from '../../web/src/lib/i18n/zh.ts';
import { MESSAGE_CODES } from '../../web/src/lib/rules/messages.ts';
import { startTestServer, type Client, type TestServer } from '../support/harness.ts';

const CJK = /[\u3400-\u9fff]/;
const catalogues: Record<'zh' | 'en', Record<string, string>> = { zh, en };

function sources(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
	});
}

/** Every refusal key the API's code names: the arguments of fail / forbidden / assertRole / tooManyRequests / notFound. */
function keysInApiSource(): Set<string> {
	const keys = new Set<string>();
	for (const file of sources('api')) {
		const text = readFileSync(file, 'utf8');
		for (const call of text.matchAll(/\b(?:fail|forbidden|assertRole|tooManyRequests)\(([^;]*?)\)[;\n]/gs))
			for (const m of call[1]!.matchAll(/'([a-z_]+\.[a-z_.]+)'/g)) keys.add(m[1]!);
		for (const m of text.matchAll(/\bnotFound\('([a-z_]+)'\)/g)) keys.add(`not_found.${m[1]}`);
		for (const m of text.matchAll(/\bkey: '([a-z_]+\.[a-z_]+)'/g)) keys.add(m[1]!);
	}
	return keys;
}

describe('every code the API can send is in both catalogues', () => {
	const apiKeys = Object.keys(errorsZh).filter((k) => k.startsWith('error.'));
	const fieldCodes = Object.keys(errorsZh).filter((k) => k.startsWith('field.'));

	it('the keys named in the API source are all in the catalogue', () => {
		const named = [...keysInApiSource()];
		expect(named.length).toBeGreaterThan(100);
		expect(named.filter((k) => !(`error.${k}` in errorsZh))).toEqual([]);
	});

	it('each key and field code reads in Chinese and in English (no Chinese left in the English)', () => {
		for (const key of [...apiKeys, ...fieldCodes]) {
			expect(catalogues.zh[key], key).toBeTruthy();
			expect(catalogues.en[key], `English for ${key}`).toBeTruthy();
			expect(catalogues.en[key]!.replace(/\{\w+\}/g, ''), key).not.toMatch(CJK);
		}
	});

	it('each notification code renders in English without Chinese of its own', async () => {
		const { messageText } = await import('../../web/src/lib/rules/messages.ts');
		// Every parameter a date-like text (it is only read), the lists empty, the light reason an overdue one.
		const lists = new Set(['items', 'added', 'removed', 'moved', 'shares']);
		const sample = new Proxy(
			{},
			{
				get: (_t, name) =>
					lists.has(String(name))
						? []
						: name === 'reason'
							? { kind: 'overdue', params: { dueOn: '2020-06-30' } }
							: '2020-06-30'
			}
		);
		for (const code of MESSAGE_CODES) {
			const text = messageText({ code, params: sample } as never, '2020-07-01', 'en');
			expect(`${text.title} ${text.body}`, code).not.toMatch(CJK);
		}
	});
});

describe('refusals as sent', () => {
	let s: TestServer;
	let office: Client;
	beforeAll(async () => {
		s = await startTestServer();
		office = await s.as('office');
	});
	afterAll(() => s.close());

	it('carry a key per cause, its parameters, and each field’s path and code', async () => {
		const anonymous = await s.anonymous().get('/api/v1/indicators');
		expect(anonymous.status).toBe(401);
		expect(anonymous.data.error).toMatchObject({ code: 'unauthorized', key: 'auth.login_required' });

		const missing = await office.get('/api/v1/nothing-here');
		expect(missing.data.error).toMatchObject({ code: 'not_found', key: 'route.not_found' });

		const plan = await office.get('/api/v1/plans/999999');
		expect(plan.data.error).toMatchObject({ key: 'not_found.plan', message: '计划不存在或无权查看' });

		const future = await office.get('/api/v1/dashboard/ranking?period=2099-01');
		expect(future.status).toBe(400);
		expect(future.data.error.key).toMatch(/^(request\.invalid|period\.not_begun|period\.window)$/);

		const bad = await office.post('/api/v1/reports/1/return', { reason: '', items: [{ indicatorId: 'x' }] });
		expect(bad.status).toBe(400);
		expect(bad.data.error.key).toBe('request.invalid');
		const byPath = Object.fromEntries(bad.data.error.details.map((d: any) => [d.path, d.code]));
		expect(byPath).toMatchObject({
			reason: 'required',
			'items.0.indicatorId': 'invalid_type',
			'items.0.reason': 'required'
		});

		for (const error of [anonymous, missing, plan, future, bad].map((r) => r.data.error)) {
			expect(`error.${error.key}` in errorsZh, error.key).toBe(true);
			for (const d of error.details ?? []) expect(`field.${d.code}` in errorsZh, d.code).toBe(true);
		}
	});
});
