import { eq } from 'drizzle-orm';
import { kindOfRole, unit, user, type Role } from '../../db/schema/index.ts';
import type { ServiceContext } from '../context.ts';
import { fail } from '../errors.ts';
import { generatePassword, hashPassword } from '../lib/password.ts';
import { assertPasswordAllowed } from './account.ts';
import { assertRole } from './access.ts';
import { audit } from './audit.ts';
import { accountFor, assertDuty, DUTIES, dutiesOn, mayDo, rolesWithin } from './duties.ts';
import { lockedAccounts, UNLOCK_ACTION } from './login-throttle.ts';
import { endSessionsOf } from './sessions.ts';
import { getSettings } from './settings.ts';

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

/** The unit a role needs: a unit user belongs to exactly one unit, nobody else to any. */
function unitIdFor(ctx: Pick<ServiceContext, 'db'>, role: Role, unitName: string | undefined) {
	if (role !== 'unit') {
		if (unitName) throw fail('bad_request', 'user.unit_for_unit_only');
		return null;
	}
	if (!unitName) throw fail('bad_request', 'user.unit_required');
	const found = ctx.db.select({ id: unit.id }).from(unit).where(eq(unit.name, unitName)).get();
	if (!found) throw fail('bad_request', 'user.unit_unknown', { unit: unitName });
	return found.id;
}

/**
 * The system administrator creates business accounts (office, leader, unit) with a temporary password;
 * administrator accounts are set up at the console (actor null). The account's kind follows from its first
 * role and never changes.
 */
export async function createUser(ctx: ServiceContext, input: NewUser) {
	// A machine client's account has a token, not a password: made by createServiceAccount.
	if (input.role === 'service') throw fail('unprocessable', 'user.service_role');
	const kind = kindOfRole(input.role);
	if (ctx.actor) assertDuty(ctx.actor, 'create', kind);
	assertPasswordAllowed(ctx, input.password, input.username);
	const unitId = unitIdFor(ctx, input.role, input.unitName);
	if (ctx.db.select({ id: user.id }).from(user).where(eq(user.username, input.username)).get()) {
		throw fail('conflict', 'user.name_taken', { username: input.username });
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
				kind,
				unitId,
				email: input.email,
				passwordHash,
				mustChangePassword,
				passwordChangedAt: ctx.clock.now()
			})
			.returning({ id: user.id, username: user.username, role: user.role, kind: user.kind })
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

/**
 * Accounts with their security state, what the caller may do to each (from the duties table) and the roles
 * it may give each; the system admin and the security admin both need this list.
 */
export function listUsers(ctx: ServiceContext) {
	assertRole(ctx.actor, DUTIES.read.accounts, 'role.users_read');
	const role = ctx.actor.role;
	const locks = lockedAccounts(ctx.db, ctx.clock.now(), getSettings(ctx.db));
	return ctx.db
		.select({
			id: user.id,
			username: user.username,
			name: user.name,
			role: user.role,
			kind: user.kind,
			email: user.email,
			disabled: user.disabled,
			unitName: unit.name,
			mustChangePassword: user.mustChangePassword,
			passwordChangedAt: user.passwordChangedAt,
			totpEnabled: user.totpEnabledAt,
			createdAt: user.createdAt
		})
		.from(user)
		.leftJoin(unit, eq(unit.id, user.unitId))
		.orderBy(user.id)
		.all()
		.map((u) => {
			// Against the application's clock, which the browser does not know.
			const lockedUntil = locks.get(u.username) ?? null;
			return {
				...u,
				totpEnabled: u.totpEnabled !== null,
				lockedUntil,
				locked: lockedUntil !== null,
				may: u.id === ctx.actor!.id ? [] : dutiesOn(role, u.kind),
				roles: u.id !== ctx.actor!.id && mayDo(role, 'changeRole', u.kind) ? rolesWithin(u.kind) : []
			};
		});
}

/** Disabling ends the account's sessions at once; enabling lets it sign in again. */
export function setDisabled(ctx: ServiceContext, id: number, disabled: boolean) {
	const row = accountFor(ctx, id, 'disable');
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
 * Who may is decided by the account's kind (the duties table), never by its current role.
 */
export async function resetPassword(ctx: ServiceContext, id: number) {
	accountFor(ctx, id, 'resetPassword');
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

/**
 * The security admin's grants: one role per account, so no one holds two administrator roles. A role
 * stays within the account's kind: a business user who becomes an administrator gets a new account.
 */
export function setRole(ctx: ServiceContext, id: number, input: { role: Role; unitName?: string }) {
	const row = accountFor(ctx, id, 'changeRole');
	if (row.role === 'service' || input.role === 'service') throw fail('unprocessable', 'user.service_role');
	if (kindOfRole(input.role) !== row.kind) {
		audit(ctx, {
			action: 'user.role',
			result: 'denied',
			objectType: 'user',
			objectId: id,
			before: { role: row.role, kind: row.kind },
			after: { role: input.role }
		});
		throw fail('unprocessable', 'user.kind_change', undefined, {
			kind: row.kind,
			roles: rolesWithin(row.kind)
		});
	}
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

/**
 * Lifts the sign-in throttles of an account from every address (the security administrator's task): the
 * failures before this audit row no longer count.
 */
export function unlockUser(ctx: ServiceContext, id: number) {
	const row = accountFor(ctx, id, 'unlock');
	audit(ctx, { action: UNLOCK_ACTION, objectType: 'user', objectId: id, after: { username: row.username } });
	return { unlocked: true };
}

/** For a lost phone: the user enrols a new authenticator at the next sign-in. */
export function resetTotp(ctx: ServiceContext, id: number) {
	accountFor(ctx, id, 'resetTotp');
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
