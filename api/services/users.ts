import { eq } from 'drizzle-orm';
import { ADMIN_ROLES, BUSINESS_ROLES, unit, user, type Role } from '../../db/schema/index.ts';
import type { ServiceContext } from '../context.ts';
import { ApiError, forbidden } from '../errors.ts';
import { generatePassword, hashPassword } from '../lib/password.ts';
import { assertPasswordAllowed } from './account.ts';
import { assertRole } from './access.ts';
import { audit } from './audit.ts';
import { endSessionsOf } from './sessions.ts';

export type NewUser = {
	username: string;
	name: string;
	role: Role;
	unitName?: string;
	email?: string;
	password: string;
	/** Someone other than the user chose the password: it must be changed at the first sign-in. */
	temporary?: boolean;
};

const isAdminRole = (role: Role) => (ADMIN_ROLES as readonly Role[]).includes(role);

/** The unit a role needs: a unit user belongs to exactly one unit, nobody else to any. */
function unitIdFor(ctx: Pick<ServiceContext, 'db'>, role: Role, unitName: string | undefined) {
	if (role !== 'unit') {
		if (unitName) throw new ApiError('bad_request', '只有单位填报员可以绑定单位');
		return null;
	}
	if (!unitName) throw new ApiError('bad_request', '单位填报员必须指定所属单位');
	const found = ctx.db.select({ id: unit.id }).from(unit).where(eq(unit.name, unitName)).get();
	if (!found) throw new ApiError('bad_request', `单位“${unitName}”不存在`);
	return found.id;
}

/**
 * The system administrator creates business accounts (office, leader, unit) with a temporary password;
 * the administrator roles are granted by the security administrator, or set up at the console (actor null).
 */
export async function createUser(ctx: ServiceContext, input: NewUser) {
	if (ctx.actor) {
		if (ctx.actor.role !== 'admin') throw forbidden('仅系统管理员可创建用户');
		if (!(BUSINESS_ROLES as readonly Role[]).includes(input.role))
			throw forbidden('系统管理员只能创建业务账户；管理员角色由安全管理员授予');
	}
	assertPasswordAllowed(ctx, input.password, input.username);
	const unitId = unitIdFor(ctx, input.role, input.unitName);
	if (ctx.db.select({ id: user.id }).from(user).where(eq(user.username, input.username)).get()) {
		throw new ApiError('conflict', `用户名“${input.username}”已存在`);
	}
	const passwordHash = await hashPassword(input.password);
	const mustChangePassword = input.temporary ?? ctx.actor !== null;
	return ctx.db.transaction((tx) => {
		const created = tx
			.insert(user)
			.values({
				username: input.username,
				name: input.name,
				role: input.role,
				unitId,
				email: input.email,
				passwordHash,
				mustChangePassword,
				passwordChangedAt: ctx.clock.now()
			})
			.returning({ id: user.id, username: user.username, role: user.role })
			.get();
		audit(
			{ ...ctx, db: tx },
			{
				action: 'user.create',
				objectType: 'user',
				objectId: created.id,
				after: { ...created, unitId, mustChangePassword }
			}
		);
		return created;
	});
}

/** Accounts with their security state; the system admin and the security admin both need this list. */
export function listUsers(ctx: ServiceContext) {
	assertRole(ctx.actor, ['admin', 'security'], '仅系统管理员或安全管理员可查看用户');
	const now = ctx.clock.now();
	return ctx.db
		.select({
			id: user.id,
			username: user.username,
			name: user.name,
			role: user.role,
			email: user.email,
			disabled: user.disabled,
			unitName: unit.name,
			lockedUntil: user.lockedUntil,
			mustChangePassword: user.mustChangePassword,
			passwordChangedAt: user.passwordChangedAt,
			totpEnabled: user.totpEnabledAt,
			createdAt: user.createdAt
		})
		.from(user)
		.leftJoin(unit, eq(unit.id, user.unitId))
		.orderBy(user.id)
		.all()
		.map((u) => ({
			...u,
			totpEnabled: u.totpEnabled !== null,
			// Against the application's clock, which the browser does not know.
			locked: u.lockedUntil !== null && u.lockedUntil > now
		}));
}

function target(ctx: ServiceContext, id: number) {
	const row = ctx.db.select().from(user).where(eq(user.id, id)).get();
	if (!row) throw new ApiError('not_found', '用户不存在');
	if (row.id === ctx.actor?.id) throw forbidden('不能对自己的账户执行此操作');
	return row;
}

/** Disabling ends the account's sessions at once; enabling lets it sign in again. */
export function setDisabled(ctx: ServiceContext, id: number, disabled: boolean) {
	assertRole(ctx.actor, ['admin'], '仅系统管理员可停用或启用账户');
	const row = target(ctx, id);
	return ctx.db.transaction((tx) => {
		tx.update(user).set({ disabled }).where(eq(user.id, id)).run();
		const ended = disabled ? endSessionsOf(tx, id) : 0;
		audit(
			{ ...ctx, db: tx },
			{
				action: disabled ? 'user.disable' : 'user.enable',
				objectType: 'user',
				objectId: id,
				before: { disabled: row.disabled },
				after: { disabled, endedSessions: ended }
			}
		);
		return { disabled, endedSessions: ended };
	});
}

/**
 * A new temporary password, shown once to whoever reset it and to be changed at the next sign-in.
 * Business accounts are reset by the system admin, administrator accounts by the security admin.
 */
export async function resetPassword(ctx: ServiceContext, id: number) {
	const row = target(ctx, id);
	const allowed = isAdminRole(row.role) ? ctx.actor?.role === 'security' : ctx.actor?.role === 'admin';
	if (!allowed)
		throw forbidden(
			isAdminRole(row.role) ? '管理员账户的密码由安全管理员重置' : '业务账户的密码由系统管理员重置'
		);
	const password = generatePassword();
	const passwordHash = await hashPassword(password);
	ctx.db.transaction((tx) => {
		tx.update(user)
			.set({ passwordHash, mustChangePassword: true, passwordChangedAt: ctx.clock.now() })
			.where(eq(user.id, id))
			.run();
		const ended = endSessionsOf(tx, id);
		audit(
			{ ...ctx, db: tx },
			{ action: 'user.reset_password', objectType: 'user', objectId: id, after: { endedSessions: ended } }
		);
	});
	return { temporaryPassword: password };
}

/** The security admin's grants: one role per account, so no one holds two administrator roles. */
export function setRole(ctx: ServiceContext, id: number, input: { role: Role; unitName?: string }) {
	assertRole(ctx.actor, ['security'], '仅安全管理员可变更角色');
	const row = target(ctx, id);
	const unitId = unitIdFor(ctx, input.role, input.unitName);
	return ctx.db.transaction((tx) => {
		tx.update(user).set({ role: input.role, unitId }).where(eq(user.id, id)).run();
		// New privileges take effect at the next sign-in.
		const ended = endSessionsOf(tx, id);
		audit(
			{ ...ctx, db: tx },
			{
				action: 'user.role',
				objectType: 'user',
				objectId: id,
				before: { role: row.role, unitId: row.unitId },
				after: { role: input.role, unitId, endedSessions: ended }
			}
		);
		return { role: input.role, unitId };
	});
}

/** Lifts a sign-in lock (the security administrator's task). */
export function unlockUser(ctx: ServiceContext, id: number) {
	assertRole(ctx.actor, ['security'], '仅安全管理员可解锁账户');
	const row = target(ctx, id);
	ctx.db.transaction((tx) => {
		tx.update(user)
			.set({ failedLogins: 0, lastFailedAt: null, lockedUntil: null })
			.where(eq(user.id, id))
			.run();
		audit(
			{ ...ctx, db: tx },
			{ action: 'user.unlock', objectType: 'user', objectId: id, before: { lockedUntil: row.lockedUntil } }
		);
	});
	return { unlocked: true };
}

/** For a lost phone: the user enrols a new authenticator at the next sign-in. */
export function resetTotp(ctx: ServiceContext, id: number) {
	assertRole(ctx.actor, ['security'], '仅安全管理员可重置动态验证码');
	target(ctx, id);
	ctx.db.transaction((tx) => {
		tx.update(user)
			.set({ totpSecret: null, totpEnabledAt: null, totpLastStep: null })
			.where(eq(user.id, id))
			.run();
		endSessionsOf(tx, id);
		audit({ ...ctx, db: tx }, { action: 'user.reset_totp', objectType: 'user', objectId: id });
	});
	return { reset: true };
}
