import { eq } from 'drizzle-orm';
import { ROLES_OF_KIND, user, type AccountKind, type Role } from '../../db/schema/index.ts';
import type { Actor, ServiceContext } from '../context.ts';
import { fail, forbidden } from '../errors.ts';

/**
 * 三员分立: the one table of who does what. Every account check (services and route guards) and the
 * fence around the security and audit administrators' areas read it; the README shows it as a table.
 *
 * `accounts`: which role may do an operation to an account of each kind. The kind is fixed at creation, so
 * a role change cannot move an account to another party's care. Business accounts are kept by the system
 * administrator, administrator accounts by the security administrator; the security functions (locks,
 * second factors, sessions, roles) are the security administrator's for both.
 */
export const DUTIES = {
	accounts: {
		create: { business: ['admin'], administrator: [] },
		disable: { business: ['admin'], administrator: ['security'] },
		resetPassword: { business: ['admin'], administrator: ['security'] },
		unlock: { business: ['security'], administrator: ['security'] },
		resetTotp: { business: ['security'], administrator: ['security'] },
		endSessions: { business: ['security'], administrator: ['security'] },
		changeRole: { business: ['security'], administrator: ['security'] }
	},
	/** Reading the account list (with each account's state) and the live sessions. */
	read: { accounts: ['admin', 'security'], sessions: ['security'], policy: ['security'] },
	/** The only API areas (below /api/v1) the security and audit administrators reach; 403 elsewhere. */
	areas: {
		// The unit directory: a unit user's role needs its unit.
		security: ['/health', '/auth/', '/security/', '/users', '/units'],
		auditor: ['/health', '/auth/', '/audit'],
		// A machine client reads the plan and the dashboards (GET only: the fence refuses other methods).
		service: ['/health', '/meta', '/units', '/plans', '/indicators', '/dashboard', '/alerts', '/openapi.json']
	}
} as const satisfies {
	accounts: Record<string, Record<AccountKind, readonly Role[]>>;
	read: Record<string, readonly Role[]>;
	areas: Partial<Record<Role, readonly string[]>>;
};

export type AccountDuty = keyof typeof DUTIES.accounts;
export const ACCOUNT_DUTIES = Object.keys(DUTIES.accounts) as AccountDuty[];

const MESSAGES: Record<AccountDuty, string> = {
	create: '创建账户',
	disable: '停用或启用账户',
	resetPassword: '重置密码',
	unlock: '解锁账户',
	resetTotp: '重置动态验证码',
	endSessions: '结束会话',
	changeRole: '变更角色'
};
const ROLE_LABEL: Record<Role, string> = {
	admin: '系统管理员',
	security: '安全管理员',
	auditor: '审计管理员',
	office: '联席办督查员',
	leader: '领导',
	unit: '单位填报员',
	service: '服务账号'
};
const KIND_LABEL: Record<AccountKind, string> = { business: '业务账户', administrator: '管理员账户' };

/** Every role that may perform the operation on some kind of account (for the route guards). */
export function rolesFor(duty: AccountDuty): Role[] {
	const byKind: Record<AccountKind, readonly Role[]> = DUTIES.accounts[duty];
	return [...new Set([...byKind.business, ...byKind.administrator])];
}

export const mayDo = (role: Role | undefined, duty: AccountDuty, kind: AccountKind) =>
	role !== undefined && (DUTIES.accounts[duty][kind] as readonly Role[]).includes(role);

/** Refuses, in Chinese, an operation the table does not give the actor for this kind of account. */
export function assertDuty(actor: Actor | null, duty: AccountDuty, kind: AccountKind) {
	if (!actor) throw fail('unauthorized', 'auth.login_required');
	if (mayDo(actor.role, duty, kind)) return;
	const who = (DUTIES.accounts[duty][kind] as readonly Role[]).map((r) => ROLE_LABEL[r]).join('或');
	const params = { kind: KIND_LABEL[kind], duty: MESSAGES[duty], who };
	throw forbidden(who ? 'duty.other_role' : 'duty.console_only', params);
}

/** What the actor may do to an existing account of this kind, in the table's order (the account list shows it). */
export const dutiesOn = (role: Role, kind: AccountKind) =>
	ACCOUNT_DUTIES.filter((d) => d !== 'create' && mayDo(role, d, kind));

/** The roles an account of this kind may be given: only those of its own kind. */
export const rolesWithin = (kind: AccountKind): readonly Role[] => ROLES_OF_KIND[kind];

/** The account an administrator acts on, once the table allowed the operation for the account's kind. */
export async function accountFor(ctx: ServiceContext, id: number, duty: AccountDuty) {
	const row = (await ctx.db.select().from(user).where(eq(user.id, id)).limit(1))[0];
	if (!row) throw fail('not_found', 'not_found.user');
	if (row.id === ctx.actor?.id) throw forbidden('duty.self');
	assertDuty(ctx.actor, duty, row.kind);
	return row;
}
