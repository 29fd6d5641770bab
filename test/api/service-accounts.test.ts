import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, serviceToken } from '../../db/schema/index.ts';
import { importPlan, startTestServer, type Client, type TestServer } from '../support/harness.ts';

/**
 * A machine client (another government system) reads the plan and the dashboard with a service token:
 * created by the office or the system administrator, shown once, stored hashed, revocable, limited per
 * minute, and every call is in the audit log.
 */
let s: TestServer;
let office: Client;
beforeAll(async () => {
	s = await startTestServer({ start: new Date('2020-04-05T02:00:00Z') });
	office = await s.as('office');
	await importPlan(office, [['领域', '', '任务一', '机器客户端指标', '2020年3月底前', '省大数据局']]);
});
afterAll(() => s.close());

function machine(token: string) {
	const client = s.anonymous();
	client.headers.authorization = `Bearer ${token}`;
	return client;
}

describe('service accounts', () => {
	it('the token is shown once and stored as its hash; the account cannot sign in with a password', async () => {
		const made = await office.post('/api/v1/service-accounts', { username: 'cockpit', name: '领导驾驶舱' });
		expect(made.status).toBe(201);
		const { token } = made.data;
		expect(token.token).toMatch(/^dbn_[\w-]{43}$/);
		const stored = (await s.db.select().from(serviceToken).where(eq(serviceToken.id, token.id)).limit(1))[0]!;
		expect(stored.tokenHash).toMatch(/^[0-9a-f]{64}$/);
		expect(JSON.stringify(stored)).not.toContain(token.token);
		const listed = await office.get('/api/v1/service-accounts');
		expect(JSON.stringify(listed.data)).not.toContain(token.token);
		expect(listed.data.items[0].tokens[0]).toMatchObject({ id: token.id, prefix: token.token.slice(0, 10) });
		// No password sign-in, and no browser session, for a machine account.
		const login = await s.anonymous().post('/api/v1/auth/login', { username: 'cockpit', password: 'x' });
		expect(login.status).toBe(401);
		// People's account forms cannot make one either.
		const admin = await s.as('admin');
		const person = await admin.post('/api/v1/users', {
			username: 'bot2',
			name: '冒名',
			role: 'service',
			password: 'Passw0rd!x'
		});
		expect(person.status).toBe(422);
		expect(person.data.error.key).toBe('user.service_role');
	});

	it('reads the plan and the dashboard, is refused everything else, and every call is audited', async () => {
		const made = await office.post('/api/v1/service-accounts', { username: 'zzd', name: '浙政钉工作通知' });
		const bot = machine(made.data.token.token);
		bot.headers['x-request-id'] = 'zzd-sync-1';
		const plans = await bot.get('/api/v1/plans');
		expect(plans.status).toBe(200);
		expect(plans.data.items.length).toBeGreaterThan(0);
		expect((await bot.get(`/api/v1/indicators?planId=${plans.data.items[0].id}`)).data.total).toBe(1);
		expect((await bot.get('/api/v1/dashboard/summary?asOf=2020-04-05')).status).toBe(200);
		expect((await bot.get('/api/v1/dashboard/ranking?period=2020-03')).status).toBe(200);

		for (const [method, path, body] of [
			['GET', '/reports', undefined],
			['GET', '/users', undefined],
			['GET', '/audit', undefined],
			['GET', '/service-accounts', undefined],
			['PUT', '/reports/mine/2020-03', { revision: null, items: [] }],
			['POST', '/notices', { unitId: 1, indicatorIds: [1], level: 'red', message: '冒名' }],
			['POST', '/auth/logout', undefined]
		] as const) {
			const res = await bot.request(method, `/api/v1${path}`, body);
			expect(res.status, `${method} ${path}`).toBe(403);
			expect(res.data.error.key).toBe('auth.service_fenced');
		}

		const rows = await s.db.select().from(auditLog).where(eq(auditLog.username, 'zzd'));
		const calls = rows.filter((r) => r.action === 'service.call');
		expect(calls.map((r) => r.objectId)).toEqual([
			'GET /api/v1/plans',
			'GET /api/v1/indicators',
			'GET /api/v1/dashboard/summary',
			'GET /api/v1/dashboard/ranking'
		]);
		expect(calls[0]!.after).toMatchObject({ status: 200, requestId: 'zzd-sync-1' });
		expect(rows.filter((r) => r.action === 'authz.denied')).toHaveLength(7);
	});

	it('a revoked or unknown token is a 401, never an anonymous call', async () => {
		const made = await office.post('/api/v1/service-accounts', { username: 'revoked', name: '已停用的系统' });
		const { account, token } = made.data;
		const bot = machine(token.token);
		expect((await bot.get('/api/v1/plans')).status).toBe(200);
		const revoked = await office.request(
			'DELETE',
			`/api/v1/service-accounts/${account.id}/tokens/${token.id}`
		);
		expect(revoked.status).toBe(200);
		const refused = await bot.get('/api/v1/plans');
		expect(refused.status).toBe(401);
		expect(refused.data.error.key).toBe('auth.token_invalid');
		expect((await machine('dbn_not-a-token').get('/api/v1/health')).status).toBe(401);
		// A new token for the same account works (rotation).
		const next = await office.post(`/api/v1/service-accounts/${account.id}/tokens`);
		expect(next.status).toBe(201);
		expect((await machine(next.data.token).get('/api/v1/plans')).status).toBe(200);
		expect(
			await s.db.select().from(auditLog).where(eq(auditLog.action, 'service_token.revoke'))
		).toHaveLength(1);
	});

	it('allows 120 requests a minute per token (SERVICE_RATE_LIMIT), then 429 with Retry-After', async () => {
		const made = await office.post('/api/v1/service-accounts', { username: 'busy', name: '频繁调用的系统' });
		const bot = machine(made.data.token.token);
		for (let i = 0; i < s.config.serviceRateLimit; i++)
			expect((await bot.get('/api/v1/health')).status).toBe(200);
		const limited = await bot.get('/api/v1/health');
		expect(limited.status).toBe(429);
		expect(limited.data.error.key).toBe('auth.service_rate_limited');
		expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
		s.clock.advance(61_000);
		expect((await bot.get('/api/v1/health')).status).toBe(200);
	});
});
