import { eq } from 'drizzle-orm';
import { ADMIN_ROLES, user, type Role } from '../../db/schema/index.ts';
import type { ServiceContext } from '../context.ts';
import { fail } from '../errors.ts';
import { hashPassword, verifyPassword } from '../lib/password.ts';
import { passwordProblems } from '../lib/password-policy.ts';
import { matchTotpStep, newTotpSecret, totpUri } from '../lib/totp.ts';
import { audit } from './audit.ts';
import { assertNotThrottled } from './auth.ts';
import { loginThrottle } from './login-throttle.ts';
import { endSessionsOf, openSession } from './sessions.ts';
import { getSettings } from './settings.ts';
import { withTransaction } from '../../db/client.ts';

/** The signed-in user's own account: password and second factor. */
async function me(ctx: ServiceContext) {
	if (!ctx.actor) throw fail('unauthorized', 'auth.login_required');
	return (await ctx.db.select().from(user).where(eq(user.id, ctx.actor.id)).limit(1))[0]!;
}

/** What the account page shows about the caller's own account. */
export async function accountState(ctx: ServiceContext) {
	const row = await me(ctx);
	return { totpEnabled: row.totpEnabledAt !== null, passwordChangedAt: row.passwordChangedAt };
}

export async function passwordPolicy(ctx: Pick<ServiceContext, 'db'>) {
	const s = await getSettings(ctx.db);
	return {
		minLength: s.passwordMinLength,
		minClasses: s.passwordMinClasses,
		maxAgeDays: s.passwordMaxAgeDays
	};
}

/** Refuses a password that breaks the policy, listing every problem. */
export async function assertPasswordAllowed(
	ctx: Pick<ServiceContext, 'db'>,
	password: string,
	username: string
) {
	const problems = passwordProblems(password, username, await passwordPolicy(ctx));
	if (problems.length)
		throw fail('bad_request', 'password.policy', { problems: problems.join('；') }, { problems });
}

/**
 * Changes the caller's password after checking the current one, ends all of the user's sessions and opens a
 * new one for this browser (returned so the route can set its cookie).
 */
export async function changePassword(
	ctx: ServiceContext,
	input: { currentPassword: string; newPassword: string; userAgent: string | null }
) {
	const row = await me(ctx);
	const now = ctx.clock.now();
	// A stolen session cannot guess the current password faster than a sign-in could: the same throttle.
	await assertNotThrottled(
		ctx,
		row.username,
		await loginThrottle(ctx.db, {
			username: row.username,
			ip: ctx.ip,
			now,
			settings: await getSettings(ctx.db)
		})
	);
	if (!(await verifyPassword(row.passwordHash, input.currentPassword))) {
		await audit(ctx, {
			action: 'auth.password_change',
			result: 'failed',
			objectType: 'user',
			objectId: row.id
		});
		throw fail('bad_request', 'password.current_wrong');
	}
	if (input.newPassword === input.currentPassword) throw fail('bad_request', 'password.same');
	await assertPasswordAllowed(ctx, input.newPassword, row.username);
	const passwordHash = await hashPassword(input.newPassword);
	return await withTransaction(ctx, async (tx) => {
		await tx.db
			.update(user)
			.set({ passwordHash, mustChangePassword: false, passwordChangedAt: now })
			.where(eq(user.id, row.id));
		const ended = await endSessionsOf(tx.db, row.id);
		await audit(tx, {
			action: 'auth.password_change',
			objectType: 'user',
			objectId: row.id,
			after: { endedSessions: ended }
		});
		return openSession(tx.db, {
			userId: row.id,
			now,
			idleMs: ctx.config.sessionIdleMs,
			ip: ctx.ip,
			userAgent: input.userAgent
		});
	});
}

/** Starts enrolment: a new secret (not active until a code from it is confirmed). */
export async function setupTotp(ctx: ServiceContext) {
	const row = await me(ctx);
	if (row.totpEnabledAt) throw fail('conflict', 'totp.enabled_change');
	const secret = newTotpSecret();
	await withTransaction(ctx, async (tx) => {
		await tx.db.update(user).set({ totpSecret: secret }).where(eq(user.id, row.id));
		await audit(tx, { action: 'auth.totp_setup', objectType: 'user', objectId: row.id });
	});
	return { secret, uri: totpUri('督办系统', row.username, secret) };
}

export async function enableTotp(ctx: ServiceContext, code: string) {
	const row = await me(ctx);
	if (row.totpEnabledAt) throw fail('conflict', 'totp.enabled');
	if (!row.totpSecret) throw fail('bad_request', 'totp.secret_first');
	const step = matchTotpStep(row.totpSecret, code);
	if (step === null) throw fail('bad_request', 'totp.code_wrong_setup');
	await withTransaction(ctx, async (tx) => {
		await tx.db
			.update(user)
			.set({ totpEnabledAt: ctx.clock.now(), totpLastStep: step })
			.where(eq(user.id, row.id));
		await audit(tx, { action: 'auth.totp_enable', objectType: 'user', objectId: row.id });
	});
	return { enabled: true };
}

export async function disableTotp(ctx: ServiceContext, code: string) {
	const row = await me(ctx);
	if (!row.totpEnabledAt || !row.totpSecret) throw fail('conflict', 'totp.not_enabled');
	const { totpRequiredForAdmins } = await getSettings(ctx.db);
	if (totpRequiredForAdmins && (ADMIN_ROLES as readonly Role[]).includes(row.role))
		throw fail('conflict', 'totp.required_for_admins');
	if (matchTotpStep(row.totpSecret, code) === null) throw fail('bad_request', 'totp.code_wrong');
	await withTransaction(ctx, async (tx) => {
		await tx.db
			.update(user)
			.set({ totpSecret: null, totpEnabledAt: null, totpLastStep: null })
			.where(eq(user.id, row.id));
		await audit(tx, { action: 'auth.totp_disable', objectType: 'user', objectId: row.id });
	});
	return { enabled: false };
}
