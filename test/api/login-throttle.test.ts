import { sql } from 'drizzle-orm';
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.ts';
import { query } from '../../db/client.ts';
import { openDatabase } from '../../db/open.ts';
import { Client, PASSWORD, startTestServer, type TestServer } from '../support/harness.ts';

/**
 * Sign-in throttling keyed by (typed username, client address) and by address, read from the audit log:
 * an attacker cannot lock the owner out, cannot brute-force from one address, cannot tell real names
 * from unknown ones, and the owner and the security administrator hear of the attack once.
 */
let s: TestServer;
let sec: Client & { username: string };

beforeAll(async () => {
	s = await startTestServer({
		env: { TRUST_PROXY: '1', SESSION_IDLE_MINUTES: '500000', SESSION_MAX_HOURS: '9000' }
	});
	sec = await s.as('security');
});
afterAll(() => s.close());

let addressSeq = 0;
/** A client that comes from its own address (behind the trusted proxy). */
function from(address = `10.0.${Math.floor(++addressSeq / 250)}.${(addressSeq % 250) + 1}`, base = s.base) {
	const c = new Client(base);
	c.headers['x-forwarded-for'] = address;
	return c;
}
const login = (c: Client, username: string, password: string) =>
	c.post('/api/v1/auth/login', { username, password });

const notifications = (username: string) =>
	query<{ title: string; body: string }>(
		s.db,
		sql`select n.title, n.body from notification n join "user" u on u.id = n.user_id where u.username = ${username} order by n.id`
	);
const mailsTo = (address: string) =>
	query<{ subject: string; text: string }>(
		s.db,
		sql`select subject, text from outbox where recipient = ${address}`
	);

describe('an attack on one account does not lock its owner out', () => {
	it('50 failures from an attacker address: the owner still signs in from another; the attacker address is refused even with the right password', async () => {
		const owner = await s.createAccount('office', undefined, 'owner@throttle.test');
		const attacker = from();
		const statuses: number[] = [];
		for (let i = 0; i < 50; i++) statuses.push((await login(attacker, owner, `Wrong#${i}x`)).status);
		expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
		expect(new Set(statuses.slice(5))).toEqual(new Set([429]));
		const right = await login(attacker, owner, PASSWORD);
		expect(right.status).toBe(429);
		expect(right.data.error.message).toMatch(
			/^登录失败次数过多，请于 \d\d:\d\d 后再试，或联系安全管理员解锁$/
		);

		const home = from();
		const started = performance.now();
		expect((await login(home, owner, PASSWORD)).status).toBe(200);
		expect(performance.now() - started).toBeLessThan(1500);
		// Nothing on the account says "locked": the owner's own address is not throttled.
		expect((await login(from(), owner, PASSWORD)).status).toBe(200);
	});

	it('the owner (in the app and by mail) and the security admin are told once per window', async () => {
		const owner = await s.createAccount('leader', undefined, 'victim@throttle.test');
		const other = await s.as('security', undefined, 'sec2@throttle.test');
		for (let i = 0; i < 12; i++) await login(from(), owner, `Wrong#${i}x`);
		const attacker = from();
		for (let i = 0; i < 20; i++) await login(attacker, owner, `Wrong#${i}y`);
		for (const who of [owner, sec.username, other.username]) {
			const list = (await notifications(who)).filter((n) => n.body.includes(owner));
			expect(list, who).toHaveLength(1);
			expect(list[0]!.title).toBe('账户正遭受登录尝试');
			expect(list[0]!.body).toContain(owner);
		}
		expect(await mailsTo('victim@throttle.test')).toHaveLength(1);
		expect((await mailsTo('victim@throttle.test'))[0]!.subject).toBe('【督办系统】您的账户正遭受登录尝试');
		expect(await mailsTo('sec2@throttle.test')).toHaveLength(1);
		// The next window brings the next alert.
		s.clock.advance(16 * 60_000);
		for (let i = 0; i < 12; i++) await login(from(), owner, `Wrong#${i}z`);
		expect(await notifications(owner)).toHaveLength(2);
		const [audit] = await query<{ n: number }>(
			s.db,
			sql`select count(*) as n from audit_log where action = 'auth.attack_alert' and username = ${owner}`
		);
		expect(audit!.n).toBe(2);
	});

	it('a few own typing errors alert nobody; the security admin lifts an address throttle by unlocking', async () => {
		const owner = await s.createAccount('office');
		const home = from();
		for (let i = 0; i < 5; i++) await login(home, owner, `Wrong#${i}x`);
		expect((await login(home, owner, PASSWORD)).status).toBe(429);
		expect(await notifications(owner)).toEqual([]);
		const listed = (await sec.get('/api/v1/users')).data.items.find((u: any) => u.username === owner);
		expect(listed).toMatchObject({ locked: true, lockedUntil: expect.any(String) });
		expect((await sec.post(`/api/v1/security/users/${listed.id}/unlock`)).status).toBe(200);
		expect((await login(home, owner, PASSWORD)).status).toBe(200);
	});

	it('the throttle is kept in the database: a second instance on the same data refuses the attacker too', async () => {
		const owner = await s.createAccount('office');
		const { db, close } = await openDatabase(s.config);
		const app = createApp({ ...s.deps, db });
		const server: ServerType = await new Promise((resolve) => {
			const srv = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(srv));
		});
		try {
			const second = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
			for (let i = 0; i < 5; i++) await login(from('10.9.9.9'), owner, `Wrong#${i}x`);
			expect((await login(from('10.9.9.9', second), owner, PASSWORD)).status).toBe(429);
			expect((await login(from('10.9.9.10', second), owner, PASSWORD)).status).toBe(200);
		} finally {
			await new Promise((r) => server.close(r));
			await close();
		}
	});
});

describe('usernames cannot be enumerated', () => {
	type Step = { status: number; body: string; ms: number };
	/** Seven wrong passwords per name, each name from its own address, the names taking turns at each step. */
	async function patterns(names: string[]) {
		const clients = names.map(() => from());
		const steps: Step[][] = names.map(() => []);
		for (let i = 0; i < 7; i++) {
			for (const [n, name] of names.entries()) {
				const started = performance.now();
				const res = await login(clients[n]!, name, `Wrong#${i}q`);
				const body = JSON.stringify(res.data)
					.replace(/\d\d:\d\d/, 'HH:MM')
					.replace(/"retryAt":"[^"]+"/, '')
					.replace(/"requestId":"[^"]+"/, '');
				steps[n]!.push({ status: res.status, body, ms: performance.now() - started });
			}
		}
		return steps;
	}
	const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

	it('an unknown name gets the same statuses, bodies and delays as a real one', async () => {
		const names = [
			await s.createAccount('office'),
			'nobody-alpha',
			await s.createAccount('leader'),
			'nobody-beta',
			await s.createAccount('unit', '省大数据局'),
			'nobody-gamma'
		];
		// Warm every thread of the pool first: a thread's first argon2 run is slower, whichever name it checks.
		for (let i = 0; i < 2; i++)
			await Promise.all([1, 2, 3, 4].map(() => login(from(), 'warm-up', 'Wrong#0w')));
		const all = await patterns(names);
		const real = all.filter((_, i) => i % 2 === 0);
		const unknown = all.filter((_, i) => i % 2 === 1);
		const shape = (p: Step[]) => p.map(({ status, body }) => ({ status, body }));
		for (const p of all) expect(shape(p)).toEqual(shape(real[0]!));
		expect(real[0]!.map((x) => x.status)).toEqual([401, 401, 401, 401, 401, 429, 429]);
		// Pooled medians per phase: no delay (tries 1–3), 250 ms (4), 500 ms (5), refused (6–7).
		const phases = [[0, 1, 2], [3], [4], [5, 6]];
		const at = (ps: Step[][], steps: number[]) => median(ps.flatMap((p) => steps.map((i) => p[i]!.ms)));
		const line = (steps: number[]) =>
			`tries ${steps.map((i) => i + 1).join('/')}: real ${at(real, steps).toFixed(0)} ms, unknown ${at(unknown, steps).toFixed(0)} ms`;
		console.log(`enumeration: ${phases.map(line).join('; ')}`);
		expect(at(real, [3]), line([3])).toBeGreaterThan(240);
		expect(at(unknown, [3]), line([3])).toBeGreaterThan(240);
		expect(at(real, [4]), line([4])).toBeGreaterThan(480);
		expect(at(unknown, [4]), line([4])).toBeGreaterThan(480);
		// The same time within the noise of a busy machine.
		for (const steps of phases) {
			const r = at(real, steps);
			const u = at(unknown, steps);
			expect(Math.abs(r - u), line(steps)).toBeLessThan(Math.max(80, Math.max(r, u) * 0.4));
		}
	});
});
