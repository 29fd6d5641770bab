import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, startTestServer, type TestServer } from '../support/harness.ts';
import { sql } from 'drizzle-orm';
import { query } from '../../db/client.ts';

let s: TestServer;
beforeAll(async () => {
	s = await startTestServer();
});
afterAll(() => s.close());

describe('sign-in', () => {
	it('logs in, answers /me with the user and unit, and sets an HttpOnly SameSite cookie', async () => {
		const username = await s.createAccount('unit', '省大数据局');
		const client = s.anonymous();
		const res = await client.post('/api/v1/auth/login', { username, password: PASSWORD });
		expect(res.status).toBe(200);
		const cookie = res.headers.getSetCookie().join(';');
		expect(cookie).toMatch(/duban_session=[a-z2-7]{32}/);
		expect(cookie).toMatch(/HttpOnly/);
		expect(cookie).toMatch(/SameSite=Lax/);
		const me = await client.get('/api/v1/auth/me');
		expect(me.status).toBe(200);
		expect(me.data.user).toMatchObject({ username, role: 'unit', unit: { name: '省大数据局' } });
		expect(Object.keys(me.data.user).sort()).toEqual(['id', 'name', 'role', 'unit', 'username']);
	});

	it('refuses a wrong password and an unknown user with the same generic 401', async () => {
		const username = await s.createAccount('office');
		const wrong = await s.anonymous().post('/api/v1/auth/login', { username, password: 'nope-nope' });
		const unknown = await s
			.anonymous()
			.post('/api/v1/auth/login', { username: 'nobody-here', password: PASSWORD });
		expect(wrong.status).toBe(401);
		expect(unknown.status).toBe(401);
		// The same body but for the request's own id.
		expect({ ...wrong.data.error, requestId: '' }).toEqual({ ...unknown.data.error, requestId: '' });
		expect(wrong.data.error.message).toBe('用户名或密码错误');
		expect(wrong.headers.getSetCookie()).toEqual([]);
	});

	it('answers 401 on protected routes without a session', async () => {
		for (const path of ['/api/v1/auth/me', '/api/v1/plans', '/api/v1/indicators', '/api/v1/units']) {
			const res = await s.anonymous().get(path);
			expect(res.status, path).toBe(401);
			expect(res.data.error.code).toBe('unauthorized');
		}
	});

	it('logout ends the session on the server: the old token no longer works', async () => {
		const client = await s.as('leader');
		const token = client.cookie;
		expect((await client.post('/api/v1/auth/logout')).status).toBe(200);
		const replay = s.anonymous();
		replay.cookie = token;
		expect((await replay.get('/api/v1/auth/me')).status).toBe(401);
	});

	it('expires a session after the idle timeout (injected clock)', async () => {
		const client = await s.as('leader');
		expect((await client.get('/api/v1/auth/me')).status).toBe(200);
		s.clock.advance(s.config.sessionIdleMs + 1000);
		expect((await client.get('/api/v1/auth/me')).status).toBe(401);
	});

	it('ends a session 12 hours after sign-in even while it is in use (absolute limit, injected clock)', async () => {
		const client = await s.as('leader');
		const signedInAt = s.clock.now().getTime();
		// Active every 20 minutes: the idle timeout never strikes, the absolute limit does.
		while (s.clock.now().getTime() + 20 * 60_000 < signedInAt + s.config.sessionMaxMs) {
			s.clock.advance(20 * 60_000);
			expect((await client.get('/api/v1/auth/me')).status).toBe(200);
			// The request does not wait for its session's refresh to be written; twenty real minutes would.
			const seen = s.clock.now().getTime();
			await expect
				.poll(
					async () =>
						(
							await query<{ n: number }>(
								s.db,
								sql`select count(*) as n from session where last_seen_at = ${seen}`
							)
						)[0]!.n
				)
				.toBeGreaterThan(0);
		}
		s.clock.advance(20 * 60_000);
		expect((await client.get('/api/v1/auth/me')).status).toBe(401);
		expect(s.config.sessionMaxMs).toBe(12 * 3_600_000);
	});

	it('slows down repeated failures for one account', async () => {
		const username = await s.createAccount('office');
		const client = s.anonymous();
		const times: number[] = [];
		for (let i = 0; i < 5; i++) {
			const t = performance.now();
			await client.post('/api/v1/auth/login', { username, password: 'wrong-password' });
			times.push(performance.now() - t);
		}
		expect(times[4]! - Math.min(...times.slice(0, 3))).toBeGreaterThan(400);
	});

	it('refuses an address after 5 failures for a name in 15 minutes, even the right password, until then or until unlocked', async () => {
		const username = await s.createAccount('leader');
		const client = s.anonymous();
		const attempt = (password: string) => client.post('/api/v1/auth/login', { username, password });
		for (let i = 0; i < 5; i++) expect((await attempt('wrong-password')).status).toBe(401);
		const locked = await attempt(PASSWORD);
		expect(locked.status).toBe(429);
		expect(locked.data.error.message).toMatch(
			/^登录失败次数过多，请于 \d\d:\d\d 后再试，或联系安全管理员解锁$/
		);
		s.clock.advance(16 * 60_000);
		expect((await attempt(PASSWORD)).status).toBe(200);

		for (let i = 0; i < 5; i++) await attempt('wrong-password');
		expect((await attempt(PASSWORD)).status).toBe(429);
		const security = await s.as('security');
		const listed = (await security.get('/api/v1/users')).data.items.find((u: any) => u.username === username);
		expect(listed).toMatchObject({ locked: true, lockedUntil: expect.any(String) });
		expect((await security.post(`/api/v1/security/users/${listed.id}/unlock`)).status).toBe(200);
		expect((await attempt(PASSWORD)).status).toBe(200);
	});

	it('rejects malformed bodies with 400 and a message', async () => {
		const res = await s.anonymous().post('/api/v1/auth/login', { username: '' });
		expect(res.status).toBe(400);
		expect(res.data.error.code).toBe('bad_request');
		expect(res.data.error.details.length).toBeGreaterThan(0);
	});
});

describe('service endpoints', () => {
	it('health answers ok without a session', async () => {
		const res = await s.anonymous().get('/api/v1/health');
		expect(res.status).toBe(200);
		expect(res.data).toEqual({ status: 'ok', pid: process.pid });
	});

	it('serves an OpenAPI document generated from the route schemas', async () => {
		const res = await s.anonymous().get('/api/v1/openapi.json');
		expect(res.status).toBe(200);
		expect(res.data.openapi).toBe('3.1.0');
		const list = res.data.paths['/indicators'].get;
		expect(list.parameters.map((p: { name: string }) => p.name)).toEqual(
			expect.arrayContaining(['planId', 'unitId', 'dueFrom', 'q', 'page', 'pageSize'])
		);
		expect(
			res.data.paths['/auth/login'].post.requestBody.content['application/json'].schema.required
		).toEqual(['username', 'password']);
		expect(res.data.paths['/indicators/{id}'].get.parameters[0]).toMatchObject({ name: 'id', in: 'path' });
	});

	it('answers unknown API paths with the JSON error shape', async () => {
		const client = await s.as('office');
		const res = await client.get('/api/v1/nothing-here');
		expect(res.status).toBe(404);
		expect(res.data.error.code).toBe('not_found');
	});
});
