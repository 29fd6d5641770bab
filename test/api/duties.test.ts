import { sql } from 'drizzle-orm';
import { query } from '../../db/client.ts';
import { failureOf, rawWrite } from '../support/database.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../db/schema/index.ts';
import { PASSWORD, startTestServer, type Client, type TestServer } from '../support/harness.ts';

/**
 * 三员分立 and account kinds: an account is a business account (office, leader, unit) or an administrator
 * account (admin, security, auditor) from its creation on. Who may reset its password, disable it, unlock
 * it … is decided by that kind, and a role change never crosses it, so no order of role changes and
 * resets hands one administrator another party's account.
 */
let s: TestServer;
let admin: Client & { username: string };
let sec: Client & { username: string };

beforeAll(async () => {
	s = await startTestServer({ env: { SESSION_IDLE_MINUTES: '500000', SESSION_MAX_HOURS: '9000' } });
	admin = await s.as('admin');
	sec = await s.as('security');
});
afterAll(() => s.close());

const BUSINESS: Role[] = ['office', 'leader', 'unit'];
const ADMINS: Role[] = ['admin', 'security', 'auditor'];
const unitFor = (role: Role) => (role === 'unit' ? '省大数据局' : undefined);

async function account(username: string) {
	return (
		await query<{ id: number; role: Role; kind: string }>(
			s.db,
			sql`select id, role, kind from "user" where username = ${username}`
		)
	)[0]!;
}
const signIn = (username: string, password: string) =>
	s.anonymous().post('/api/v1/auth/login', { username, password });
const setRole = (id: number, role: Role) =>
	sec.put(`/api/v1/security/users/${id}/role`, {
		role,
		...(unitFor(role) ? { unitName: unitFor(role) } : {})
	});
const auditRows = async (action: string, id: number) =>
	(
		await query<{ n: number }>(
			s.db,
			sql`select count(*) as n from audit_log where action = ${action} and object_id = ${String(id)} and result = 'ok'`
		)
	)[0]!;

describe('role changes never cross the account kind', () => {
	it('the take-over round trip fails at its first step: office → security is refused, the reset is refused, the office password still works', async () => {
		const office = await s.as('office');
		const { id } = await account(office.username);
		const toSecurity = await setRole(id, 'security');
		expect(toSecurity.status).toBe(422);
		expect(toSecurity.data.error).toMatchObject({
			code: 'unprocessable',
			message: '业务账户与管理员账户之间不能变更角色；如需管理员账户，请新建账户',
			details: { kind: 'business', roles: ['office', 'leader', 'unit'] }
		});
		expect((await account(office.username)).role).toBe('office');
		// The office user's session is untouched by the refused change.
		expect((await office.get('/api/v1/auth/me')).status).toBe(200);
		const reset = await sec.post(`/api/v1/users/${id}/reset-password`);
		expect(reset.status).toBe(403);
		expect(reset.data.temporaryPassword).toBeUndefined();
		expect((await account(office.username)).role).toBe('office');
		expect((await signIn(office.username, PASSWORD)).status).toBe(200);
	});

	it('every business role → every administrator role and back is refused, in any order with resets', async () => {
		for (const from of BUSINESS) {
			for (const to of ADMINS) {
				const username = await s.createAccount(from, unitFor(from));
				const { id } = await account(username);
				// Reset first, then the role change, then the reset again.
				expect((await sec.post(`/api/v1/users/${id}/reset-password`)).status, `${from} reset`).toBe(403);
				expect((await setRole(id, to)).status, `${from} → ${to}`).toBe(422);
				expect((await sec.post(`/api/v1/users/${id}/reset-password`)).status).toBe(403);
				expect(await account(username)).toMatchObject({ role: from, kind: 'business' });
				expect((await signIn(username, PASSWORD)).status).toBe(200);
			}
		}
		for (const from of ADMINS) {
			for (const to of BUSINESS) {
				const username = await s.createAccount(from);
				const { id } = await account(username);
				expect((await setRole(id, to)).status, `${from} → ${to}`).toBe(422);
				// The system admin cannot reset it before or after the refused change.
				expect((await admin.post(`/api/v1/users/${id}/reset-password`)).status).toBe(403);
				expect(await account(username)).toMatchObject({ role: from, kind: 'administrator' });
			}
		}
	});

	it('a change within the kind is allowed, ends the sessions and is audited; the kind keeps deciding who resets', async () => {
		const leader = await s.as('leader');
		const { id } = await account(leader.username);
		expect((await setRole(id, 'unit')).status).toBe(200);
		expect((await leader.get('/api/v1/auth/me')).status).toBe(401);
		expect((await auditRows('user.role', id)).n).toBe(1);
		expect((await sec.post(`/api/v1/users/${id}/reset-password`)).status).toBe(403);
		expect((await admin.post(`/api/v1/users/${id}/reset-password`)).status).toBe(200);

		const auditor = await s.as('auditor');
		const aid = (await account(auditor.username)).id;
		expect((await setRole(aid, 'security')).status).toBe(200);
		expect((await auditor.get('/api/v1/auth/me')).status).toBe(401);
		expect((await auditRows('user.role', aid)).n).toBe(1);
		expect((await admin.post(`/api/v1/users/${aid}/reset-password`)).status).toBe(403);
		const reset = await sec.post(`/api/v1/users/${aid}/reset-password`);
		expect(reset.status).toBe(200);
		// Back to auditor: still an administrator account, still the security admin's to reset.
		expect((await setRole(aid, 'auditor')).status).toBe(200);
		expect((await auditRows('user.role', aid)).n).toBe(2);
		expect((await admin.post(`/api/v1/users/${aid}/reset-password`)).status).toBe(403);
	});

	it('the system admin can neither change roles nor reach administrator accounts', async () => {
		const office = await s.createAccount('office');
		const { id } = await account(office);
		const change = await admin.put(`/api/v1/security/users/${id}/role`, { role: 'admin' });
		expect(change.status).toBe(403);
		for (const role of ['security', 'auditor'] as Role[]) {
			const target = await s.as(role);
			const tid = (await account(target.username)).id;
			expect((await admin.post(`/api/v1/users/${tid}/disable`)).status, `disable ${role}`).toBe(403);
			expect((await admin.post(`/api/v1/users/${tid}/reset-password`)).status).toBe(403);
			expect((await target.get('/api/v1/auth/me')).status).toBe(200);
		}
		expect(
			(
				await admin.post('/api/v1/users', {
					username: 'newsec',
					name: '某',
					role: 'security',
					password: 'Zx9#kLm2Qp'
				})
			).status
		).toBe(403);
	});

	it('the database itself refuses a role of the other kind or a change of kind', async () => {
		const { id } = await account(admin.username);
		expect(await failureOf(rawWrite(s.db, sql`update "user" set role = 'office' where id = ${id}`))).toMatch(
			/kind/
		);
		expect(
			await failureOf(rawWrite(s.db, sql`update "user" set kind = 'business' where id = ${id}`))
		).toMatch(/kind/);
		expect(await account(admin.username)).toMatchObject({ role: 'admin', kind: 'administrator' });
	});
});

/**
 * The duties table, route by route: for each administrator role and each kind of target account, the
 * operations it may perform. This is the README's table; the code keeps it in one place (api/services/duties.ts).
 */
const TABLE: Record<string, { business: string; administrator: string }> = {
	disable: { business: 'A', administrator: 'S' },
	enable: { business: 'A', administrator: 'S' },
	resetPassword: { business: 'A', administrator: 'S' },
	unlock: { business: 'S', administrator: 'S' },
	resetTotp: { business: 'S', administrator: 'S' },
	endSessions: { business: 'S', administrator: 'S' },
	endOneSession: { business: 'S', administrator: 'S' },
	changeRole: { business: 'S', administrator: 'S' }
};
const LETTER: Record<string, Role> = { A: 'admin', S: 'security', D: 'auditor' };

describe('the duties table of 三员分立, route by route', () => {
	async function call(actor: Client, op: string, kind: 'business' | 'administrator') {
		const role: Role = kind === 'business' ? 'leader' : 'auditor';
		const target = await s.as(role);
		const { id } = await account(target.username);
		const other = kind === 'business' ? 'office' : 'security';
		switch (op) {
			case 'disable':
				return actor.post(`/api/v1/users/${id}/disable`);
			case 'enable':
				await rawWrite(s.db, sql`update "user" set disabled = true where id = ${id}`);
				return actor.post(`/api/v1/users/${id}/enable`);
			case 'resetPassword':
				return actor.post(`/api/v1/users/${id}/reset-password`);
			case 'unlock':
				return actor.post(`/api/v1/security/users/${id}/unlock`);
			case 'resetTotp':
				return actor.post(`/api/v1/security/users/${id}/reset-totp`);
			case 'endSessions':
				return actor.post(`/api/v1/security/users/${id}/end-sessions`);
			case 'endOneSession': {
				const [row] = await query<{ id: string }>(s.db, sql`select id from session where user_id = ${id}`);
				return actor.request('DELETE', `/api/v1/security/sessions/${row!.id}`);
			}
			default:
				return actor.put(`/api/v1/security/users/${id}/role`, { role: other });
		}
	}

	it('each administrator may do exactly what the table says to each kind of account', async () => {
		const actors: Record<string, Client> = { A: admin, S: sec, D: await s.as('auditor') };
		let checked = 0;
		for (const [op, byKind] of Object.entries(TABLE)) {
			for (const kind of ['business', 'administrator'] as const) {
				for (const letter of ['A', 'S', 'D']) {
					const res = await call(actors[letter]!, op, kind);
					const expected = byKind[kind].includes(letter) ? 200 : 403;
					expect(res.status, `${LETTER[letter]} ${op} ${kind}: ${JSON.stringify(res.data)}`).toBe(expected);
					checked++;
				}
			}
		}
		expect(checked).toBe(48);
	});

	it('the account list tells each administrator what it may do to each account and which roles it may give', async () => {
		const leader = await s.createAccount('leader');
		const auditor = await s.createAccount('auditor');
		const row = async (c: Client, username: string) =>
			(await c.get('/api/v1/users')).data.items.find((u: any) => u.username === username);
		expect(await row(admin, leader)).toMatchObject({
			kind: 'business',
			may: ['disable', 'resetPassword'],
			roles: []
		});
		expect(await row(admin, auditor)).toMatchObject({ kind: 'administrator', may: [], roles: [] });
		expect(await row(sec, leader)).toMatchObject({
			may: ['unlock', 'resetTotp', 'endSessions', 'changeRole'],
			roles: ['office', 'leader', 'unit']
		});
		expect(await row(sec, auditor)).toMatchObject({
			may: ['disable', 'resetPassword', 'unlock', 'resetTotp', 'endSessions', 'changeRole'],
			roles: ['admin', 'security', 'auditor']
		});
	});
});
