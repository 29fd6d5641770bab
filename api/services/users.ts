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
import { withTransaction } from '../../db/client.ts';

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

/**
 * The unit a role needs: a unit user belongs to exactly one unit; an office supervisor may belong to one
 * (a city's or county's supervisor, over that unit's subtree: rules/access.ts) or to none (provincial);
 * nobody else to any.
 */
async function unitIdFor(ctx: Pick<ServiceContext, 'db'>, role: Role, unitName: string | undefined) {
	if (role !== 'unit' && role !== 'office') {
		if (unitName) throw fail('bad_request', 'user.unit_for_unit_only');
		return null;
	}
	if (!unitName) {
		if (role === 'office') return null;
		throw fail('bad_request', 'user.unit_required');
	}
	const found = (await ctx.db.select({ id: unit.id }).from(unit).where(eq(unit.name, unitName)).limit(1))[0];
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
	await assertPasswordAllowed(ctx, input.password, input.username);
	const unitId = await unitIdFor(ctx, input.role, input.unitName);
	if (
		(await ctx.db.select({ id: user.id }).from(user).where(eq(user.username, input.username)).limit(1))[0]
	) {
		throw fail('conflict', 'user.name_taken', { username: input.username });
	}
	const passwordHash = await hashPassword(input.password);
	const mustChangePassword = input.temporary ?? ctx.actor !== null;
	return await withTransaction(ctx, async (tx) => {
		const created = (
			await tx.db
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
		)[0]!;
		await audit(tx, {
			action: 'user.create',
			objectType: 'user',
			objectId: created.id,
			after: { ...created, unitId, mustChangePassword }
		});
		return created;
	});
}

/**
 * Accounts with their security state, what the caller may do to each (from the duties table) and the roles
 * it may give each; the system admin and the security admin both need this list.
 */
export async function listUsers(ctx: ServiceContext) {
	assertRole(ctx.actor, DUTIES.read.accounts, 'role.users_read');
	const role = ctx.actor.role;
	const locks = await lockedAccounts(ctx.db, ctx.clock.now(), await getSettings(ctx.db));
	return (
		await ctx.db
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
	).map((u) => {
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
export async function setDisabled(ctx: ServiceContext, id: number, disabled: boolean) {
	const row = await accountFor(ctx, id, 'disable');
	return await withTransaction(ctx, async (tx) => {
		await tx.db.update(user).set({ disabled }).where(eq(user.id, id));
		const ended = disabled ? await endSessionsOf(tx.db, id) : 0;
		await audit(tx, {
			action: disabled ? 'user.disable' : 'user.enable',
			objectType: 'user',
			objectId: id,
			before: { disabled: row.disabled },
			after: { disabled, endedSessions: ended }
		});
		return { disabled, endedSessions: ended };
	});
}

/**
 * A new temporary password, shown once to whoever reset it and to be changed at the next sign-in.
 * Who may is decided by the account's kind (the duties table), never by its current role.
 */
export async function resetPassword(ctx: ServiceContext, id: number) {
	await accountFor(ctx, id, 'resetPassword');
	const password = generatePassword();
	const passwordHash = await hashPassword(password);
	await withTransaction(ctx, async (tx) => {
		await tx.db
			.update(user)
			.set({ passwordHash, mustChangePassword: true, passwordChangedAt: ctx.clock.now() })
			.where(eq(user.id, id));
		const ended = await endSessionsOf(tx.db, id);
		await audit(tx, {
			action: 'user.reset_password',
			objectType: 'user',
			objectId: id,
			after: { endedSessions: ended }
		});
	});
	return { temporaryPassword: password };
}

/**
 * The security admin's grants: one role per account, so no one holds two administrator roles. A role
 * stays within the account's kind: a business user who becomes an administrator gets a new account.
 */
export async function setRole(ctx: ServiceContext, id: number, input: { role: Role; unitName?: string }) {
	const row = await accountFor(ctx, id, 'changeRole');
	if (row.role === 'service' || input.role === 'service') throw fail('unprocessable', 'user.service_role');
	if (kindOfRole(input.role) !== row.kind) {
		await audit(ctx, {
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
	const unitId = await unitIdFor(ctx, input.role, input.unitName);
	return await withTransaction(ctx, async (tx) => {
		await tx.db.update(user).set({ role: input.role, unitId }).where(eq(user.id, id));
		// New privileges take effect at the next sign-in.
		const ended = await endSessionsOf(tx.db, id);
		await audit(tx, {
			action: 'user.role',
			objectType: 'user',
			objectId: id,
			before: { role: row.role, unitId: row.unitId },
			after: { role: input.role, unitId, endedSessions: ended }
		});
		return { role: input.role, unitId };
	});
}

/**
 * Lifts the sign-in throttles of an account from every address (the security administrator's task): the
 * failures before this audit row no longer count.
 */
export async function unlockUser(ctx: ServiceContext, id: number) {
	const row = await accountFor(ctx, id, 'unlock');
	await audit(ctx, {
		action: UNLOCK_ACTION,
		objectType: 'user',
		objectId: id,
		after: { username: row.username }
	});
	return { unlocked: true };
}

/** For a lost phone: the user enrols a new authenticator at the next sign-in. */
export async function resetTotp(ctx: ServiceContext, id: number) {
	await accountFor(ctx, id, 'resetTotp');
	await withTransaction(ctx, async (tx) => {
		await tx.db
			.update(user)
			.set({ totpSecret: null, totpEnabledAt: null, totpLastStep: null })
			.where(eq(user.id, id));
		await endSessionsOf(tx.db, id);
		await audit(tx, { action: 'user.reset_totp', objectType: 'user', objectId: id });
	});
	return { reset: true };
}
