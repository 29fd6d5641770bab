import { sql } from 'drizzle-orm';
import { query } from '../../db/client.ts';
import { generateHOTP } from '@oslojs/otp';
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, startTestServer, type Client, type TestServer } from '../support/harness.ts';

/** Identity and sessions: password policy, forced and periodic change, sessions ended, TOTP, the admins' tools. */
let s: TestServer;
let admin: Client & { username: string };
let sec: Client & { username: string };

beforeAll(async () => {
	s = await startTestServer({ env: { SESSION_IDLE_MINUTES: '500000', SESSION_MAX_HOURS: '9000' } });
	admin = await s.as('admin');
	sec = await s.as('security');
});
afterAll(() => s.close());

const login = (client: Client, username: string, password: string, code?: string) =>
	client.post('/api/v1/auth/login', { username, password, ...(code ? { code } : {}) });

async function userId(username: string): Promise<number> {
	return (await query<{ id: number }>(s.db, sql`select id from "user" where username = ${username}`))[0]!.id;
}

let seq = 0;
/** A unit account the system admin creates through the API, with a temporary password. */
async function createdByAdmin(temporary = 'Temp@Pass2020') {
	const username = `zj${++seq}${Date.now().toString(36)}`;
	const res = await admin.post('/api/v1/users', {
		username,
		name: '新用户',
		role: 'unit',
		unitName: '省大数据局',
		password: temporary
	});
	expect(res.status).toBe(201);
	return username;
}

describe('password policy', () => {
	it('refuses weak passwords with every reason in Chinese, and the security admin can tighten the rules', async () => {
		const tryCreate = (username: string, password: string) =>
			admin.post('/api/v1/users', { username, name: '某人', role: 'office', password });
		const short = await tryCreate('weak1', 'Ab1!');
		expect(short.status).toBe(400);
		expect(short.data.error.details.problems).toContain('密码至少 8 位');
		const plain = await tryCreate('weak2', 'abcdefghij');
		expect(plain.data.error.details.problems).toEqual([
			'密码须包含大写字母、小写字母、数字、符号中的至少 3 类'
		]);
		const ownName = await tryCreate('zhangwei', 'Zhangwei@2020');
		expect(ownName.data.error.details.problems).toEqual(['密码不能包含用户名']);
		const common = await tryCreate('weak3', 'P@ssw0rd');
		expect(common.data.error.details.problems).toEqual(['密码过于常见，容易被猜中，请换一个']);
		expect((await admin.get('/api/v1/users')).data.items.map((u: any) => u.username)).not.toContain('weak1');

		expect((await sec.put('/api/v1/security/policy', { passwordMinLength: 12 })).status).toBe(200);
		expect((await tryCreate('weak4', 'Zx9#kLm2Qp')).data.error.details.problems).toEqual(['密码至少 12 位']);
		expect((await sec.put('/api/v1/security/policy', { passwordMinLength: 8 })).status).toBe(200);
		const bad = await sec.put('/api/v1/security/policy', { passwordMinLength: 4 });
		expect(bad.status).toBe(400);
	});
});

describe('forced and periodic change', () => {
	it('a new account must change its password before anything else; the change ends its other sessions', async () => {
		const username = await createdByAdmin();
		const first = s.anonymous();
		const res = await login(first, username, 'Temp@Pass2020');
		expect(res.status).toBe(200);
		expect(res.data.pending).toBe('password');
		const blocked = await first.get('/api/v1/reports/mine/2020-02');
		expect(blocked.status).toBe(403);
		expect(blocked.data.error.details).toEqual({ pending: 'password' });
		expect((await first.get('/api/v1/auth/me')).data.pending).toBe('password');

		const second = s.anonymous();
		await login(second, username, 'Temp@Pass2020');
		const weak = await first.post('/api/v1/auth/password', {
			currentPassword: 'Temp@Pass2020',
			newPassword: 'password'
		});
		expect(weak.status).toBe(400);
		const same = await first.post('/api/v1/auth/password', {
			currentPassword: 'Temp@Pass2020',
			newPassword: 'Temp@Pass2020'
		});
		expect(same.data.error.message).toBe('新密码不能与当前密码相同');
		const oldToken = first.cookie;
		const changed = await first.post('/api/v1/auth/password', {
			currentPassword: 'Temp@Pass2020',
			newPassword: 'Mine#Own2020x'
		});
		expect(changed.status).toBe(200);
		expect(first.cookie).not.toBe(oldToken);
		expect((await first.get('/api/v1/reports/mine/2020-02')).status).toBe(200);
		// The other browser and the old token are signed out.
		expect((await second.get('/api/v1/auth/me')).status).toBe(401);
		const replay = s.anonymous();
		replay.cookie = oldToken;
		expect((await replay.get('/api/v1/auth/me')).status).toBe(401);
		expect((await login(s.anonymous(), username, 'Mine#Own2020x')).data.pending).toBeNull();
	});

	it('a reset by the system admin ends the sessions and forces a change; admin accounts are reset by the security admin', async () => {
		const username = await createdByAdmin();
		const user = s.anonymous();
		await login(user, username, 'Temp@Pass2020');
		await user.post('/api/v1/auth/password', {
			currentPassword: 'Temp@Pass2020',
			newPassword: 'Mine#Own2020x'
		});
		const id = await userId(username);
		const reset = await admin.post(`/api/v1/users/${id}/reset-password`);
		expect(reset.status).toBe(200);
		expect((await user.get('/api/v1/auth/me')).status).toBe(401);
		expect((await login(s.anonymous(), username, 'Mine#Own2020x')).status).toBe(401);
		const temp = await login(s.anonymous(), username, reset.data.temporaryPassword);
		expect(temp.data.pending).toBe('password');

		const auditor = await s.as('auditor');
		const auditorId = await userId(auditor.username);
		expect((await admin.post(`/api/v1/users/${auditorId}/reset-password`)).status).toBe(403);
		expect((await sec.post(`/api/v1/users/${auditorId}/reset-password`)).status).toBe(200);
		expect((await sec.post(`/api/v1/users/${id}/reset-password`)).status).toBe(403);
	});

	it('a password older than the maximum age must be changed (90 days by default; 0 turns expiry off)', async () => {
		// Its own server: the clock jumps three months, which would age every account of the shared one.
		const t = await startTestServer({
			env: { SESSION_IDLE_MINUTES: '500000', SESSION_MAX_HOURS: '9000' },
			passwordExpiry: true
		});
		try {
			const username = await t.createAccount('leader');
			const security = await t.as('security');
			expect((await login(t.anonymous(), username, PASSWORD)).data.pending).toBeNull();
			t.clock.advance(91 * 86_400_000);
			expect((await login(t.anonymous(), username, PASSWORD)).data.pending).toBe('password');
			// The security admin's own password is as old: it too must be changed first.
			expect((await security.get('/api/v1/security/policy')).data.error.details).toEqual({
				pending: 'password'
			});
			await security.post('/api/v1/auth/password', {
				currentPassword: PASSWORD,
				newPassword: 'Fresh#Pass2020'
			});
			expect((await security.put('/api/v1/security/policy', { passwordMaxAgeDays: 0 })).status).toBe(200);
			expect((await login(t.anonymous(), username, PASSWORD)).data.pending).toBeNull();
		} finally {
			await t.close();
		}
	});
});

describe('sessions', () => {
	it('disabling an account ends its sessions at once; enabling lets it sign in again', async () => {
		const user = await s.as('office');
		const id = await userId(user.username);
		const res = await admin.post(`/api/v1/users/${id}/disable`);
		expect(res.data).toEqual({ disabled: true, endedSessions: 1 });
		expect((await user.get('/api/v1/auth/me')).status).toBe(401);
		expect((await login(s.anonymous(), user.username, PASSWORD)).status).toBe(401);
		await admin.post(`/api/v1/users/${id}/enable`);
		expect((await login(s.anonymous(), user.username, PASSWORD)).status).toBe(200);
		expect((await admin.post(`/api/v1/users/${await userId(admin.username)}/disable`)).status).toBe(403);
	});

	it('the security admin sees who is signed in from where and can end any session', async () => {
		const a = await s.as('leader');
		const b = s.anonymous();
		await login(b, a.username, PASSWORD);
		const list = await sec.get('/api/v1/security/sessions?pageSize=500');
		const mine = list.data.items.filter((x: any) => x.username === a.username);
		expect(mine).toHaveLength(2);
		expect(mine[0]).toMatchObject({
			ip: expect.stringContaining('127.0.0.1'),
			role: 'leader',
			current: false
		});
		expect(list.data.items.filter((x: any) => x.current).map((x: any) => x.username)).toEqual([sec.username]);
		// Which row is which browser is not exposed; end one, then the rest.
		expect((await sec.request('DELETE', `/api/v1/security/sessions/${mine[0].id}`)).status).toBe(200);
		const alive = [(await a.get('/api/v1/auth/me')).status, (await b.get('/api/v1/auth/me')).status].sort();
		expect(alive).toEqual([200, 401]);
		const ended = await sec.post(`/api/v1/security/users/${await userId(a.username)}/end-sessions`);
		expect(ended.data).toEqual({ ended: 1 });
		expect((await a.get('/api/v1/auth/me')).status).toBe(401);
		expect((await b.get('/api/v1/auth/me')).status).toBe(401);
	});

	it('a role change by the security admin replaces the role (one per account), within the account kind, and ends the sessions', async () => {
		const user = await s.as('office');
		const id = await userId(user.username);
		const across = await sec.put(`/api/v1/security/users/${id}/role`, { role: 'auditor' });
		expect(across.status).toBe(422);
		expect((await user.get('/api/v1/auth/me')).status).toBe(200);
		const changed = await sec.put(`/api/v1/security/users/${id}/role`, { role: 'leader' });
		expect(changed.status).toBe(200);
		expect((await user.get('/api/v1/auth/me')).status).toBe(401);
		const again = s.anonymous();
		await login(again, user.username, PASSWORD);
		expect((await again.get('/api/v1/auth/me')).data.user.role).toBe('leader');
		expect((await again.get('/api/v1/reports/mine/2020-02')).status).toBe(403);
		expect((await again.get('/api/v1/dashboard/summary')).status).toBe(200);
		const self = await sec.put(`/api/v1/security/users/${await userId(sec.username)}/role`, {
			role: 'office'
		});
		expect(self.status).toBe(403);
		const noUnit = await sec.put(`/api/v1/security/users/${id}/role`, { role: 'unit' });
		expect(noUnit.data.error.message).toBe('单位填报员必须指定所属单位');
		const granted = await admin.post('/api/v1/users', {
			username: 'sneaky',
			name: '某人',
			role: 'security',
			password: 'Zx9#kLm2Qp'
		});
		expect(granted.status).toBe(403);
	});

	it('over HTTPS the cookie is __Host- prefixed and Secure', async () => {
		const https = await startTestServer({ env: { TRUST_PROXY: '1', SECURE_COOKIES: 'auto' } });
		try {
			const username = await https.createAccount('leader');
			const headers = { 'content-type': 'application/json', 'x-forwarded-proto': 'https' };
			const res = await fetch(`${https.base}/api/v1/auth/login`, {
				method: 'POST',
				headers,
				body: JSON.stringify({ username, password: PASSWORD })
			});
			const cookie = res.headers.getSetCookie()[0]!;
			expect(cookie).toMatch(/^__Host-duban_session=[a-z2-7]{32};/);
			expect(cookie).toMatch(/; Secure/);
			expect(cookie).toMatch(/; Path=\//);
			expect(cookie).not.toMatch(/Domain=/i);
			const me = await fetch(`${https.base}/api/v1/auth/me`, {
				headers: { ...headers, cookie: cookie.split(';')[0]! }
			});
			expect(me.status).toBe(200);
			expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d{8,}; includeSubDomains/);
		} finally {
			await https.close();
		}
	});
});

describe('second factor (TOTP, RFC 6238)', () => {
	const codeAt = (secret: string, offsetSteps = 0) =>
		generateHOTP(decodeBase32IgnorePadding(secret), BigInt(Math.floor(Date.now() / 30_000) + offsetSteps), 6);

	it('enrols with a confirmed code; sign-in then needs a fresh code, and a used code is refused', async () => {
		const user = await s.as('office');
		const setup = await user.post('/api/v1/auth/totp/setup');
		expect(setup.data.uri).toMatch(/^otpauth:\/\/totp\/.+secret=[A-Z2-7]+/);
		expect((await user.post('/api/v1/auth/totp/enable', { code: '000000' })).status).toBe(400);
		expect((await user.post('/api/v1/auth/totp/enable', { code: codeAt(setup.data.secret) })).status).toBe(
			200
		);

		const noCode = await login(s.anonymous(), user.username, PASSWORD);
		expect(noCode.status).toBe(401);
		expect(noCode.data.error).toMatchObject({ message: '请输入动态验证码', details: { totpRequired: true } });
		expect(noCode.headers.getSetCookie()).toEqual([]);
		const wrongPasswordRightCode = await login(
			s.anonymous(),
			user.username,
			'Wrong#2020',
			codeAt(setup.data.secret, 1)
		);
		expect(wrongPasswordRightCode.data.error.message).toBe('用户名或密码错误');
		const wrong = await login(s.anonymous(), user.username, PASSWORD, '123456');
		expect(wrong.status).toBe(401);
		const next = codeAt(setup.data.secret, 1);
		expect((await login(s.anonymous(), user.username, PASSWORD, next)).status).toBe(200);
		expect((await login(s.anonymous(), user.username, PASSWORD, next)).status).toBe(401);
	});

	it('when the policy requires it, an administrator must enrol before doing anything else', async () => {
		// The security admin enrols first: the policy binds the one who turns it on as well.
		const own = await sec.post('/api/v1/auth/totp/setup');
		await sec.post('/api/v1/auth/totp/enable', { code: codeAt(own.data.secret) });
		expect((await sec.put('/api/v1/security/policy', { totpRequiredForAdmins: true })).status).toBe(200);
		try {
			const sys = await s.as('admin');
			expect((await sys.get('/api/v1/auth/me')).data.pending).toBe('totp');
			expect((await sys.get('/api/v1/users')).data.error.details).toEqual({ pending: 'totp' });
			const setup = await sys.post('/api/v1/auth/totp/setup');
			await sys.post('/api/v1/auth/totp/enable', { code: codeAt(setup.data.secret) });
			expect((await sys.get('/api/v1/users')).status).toBe(200);
			const disable = await sys.post('/api/v1/auth/totp/disable', { code: codeAt(setup.data.secret, 1) });
			expect(disable.data.error.message).toBe('安全策略要求管理员使用动态验证码，不能停用');
			// A business account is not asked.
			const office = await s.as('office');
			expect((await office.get('/api/v1/auth/me')).data.pending).toBeNull();
			// The security admin resets a lost authenticator: the user enrols again.
			expect((await sec.post(`/api/v1/security/users/${await userId(sys.username)}/reset-totp`)).status).toBe(
				200
			);
			const again = s.anonymous();
			expect((await login(again, sys.username, PASSWORD)).data.pending).toBe('totp');
		} finally {
			await sec.put('/api/v1/security/policy', { totpRequiredForAdmins: false });
		}
	});
});

describe('audit of identity events', () => {
	it('the audit admin finds sign-ins, failures and denials by user and action, exports them with the offset, and verifies the chain', async () => {
		const unit = await s.as('unit', '省司法厅');
		await login(s.anonymous(), unit.username, 'Wrong#Pass1');
		expect(
			(await unit.post('/api/v1/notices', { unitId: 1, indicatorIds: [1], level: 'red', message: 'x' }))
				.status
		).toBe(403);
		const auditor = await s.as('auditor');
		const q = `username=${unit.username}`;
		const all = await auditor.get(`/api/v1/audit?${q}`);
		expect(all.data.items.map((r: any) => [r.action, r.result])).toEqual([
			['authz.denied', 'denied'],
			['auth.login', 'failed'],
			['auth.login', 'ok']
		]);
		expect(all.data.items[0]).toMatchObject({
			objectId: 'POST /api/v1/notices',
			unitName: '省司法厅',
			ip: expect.any(String)
		});
		const failures = await auditor.get(`/api/v1/audit?${q}&action=auth.&result=failed`);
		expect(failures.data.total).toBe(1);
		const today = s.clock.today();
		expect((await auditor.get(`/api/v1/audit?${q}&from=${today}&to=${today}`)).data.total).toBe(3);
		expect((await auditor.get(`/api/v1/audit?${q}&to=2000-01-01`)).data.total).toBe(0);

		const csv = await auditor.get(`/api/v1/audit/export?${q}&format=csv`);
		expect(csv.status).toBe(200);
		const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(csv.data as ArrayBuffer);
		expect(text.startsWith('\uFEFF序号,时间,用户,单位,操作')).toBe(true);
		expect(text).toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00,/);
		expect(text.trim().split('\r\n')).toHaveLength(4);
		const verify = await auditor.get('/api/v1/audit/verify');
		expect(verify.data).toMatchObject({ ok: true, firstBroken: null });
		// The auditor's own export and verification are audited too.
		const own = await auditor.get(`/api/v1/audit?username=${auditor.username}&action=audit.`);
		expect(own.data.items.map((r: any) => r.action)).toEqual(['audit.verify', 'audit.export']);
	});
});

describe('throttling per address', () => {
	it('after too many failures from one address any sign-in from it gets 429 until the window passes', async () => {
		const t = await startTestServer();
		try {
			const good = await t.createAccount('office');
			const sec2 = await t.as('security');
			await sec2.put('/api/v1/security/policy', { loginIpMaxFailures: 6 });
			// Different (unknown) usernames: no account lock is involved, only the address.
			for (let i = 0; i < 6; i++)
				expect((await login(t.anonymous(), `nobody${i}`, 'Wrong#Pass1')).status).toBe(401);
			const throttled = await login(t.anonymous(), good, PASSWORD);
			expect(throttled.status).toBe(429);
			expect(throttled.data.error.message).toBe('来自该地址的登录失败次数过多，请 15 分钟后再试');
			t.clock.advance(15 * 60_000 + 1000);
			expect((await login(t.anonymous(), good, PASSWORD)).status).toBe(200);
		} finally {
			await t.close();
		}
	});
});
