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

/** The signed-in user's own account: password and second factor. */
function me(ctx: ServiceContext) {
	if (!ctx.actor) throw fail('unauthorized', 'auth.login_required');
	return ctx.db.select().from(user).where(eq(user.id, ctx.actor.id)).get()!;
}

/** What the account page shows about the caller's own account. */
export function accountState(ctx: ServiceContext) {
	const row = me(ctx);
	return { totpEnabled: row.totpEnabledAt !== null, passwordChangedAt: row.passwordChangedAt };
}

export function passwordPolicy(ctx: Pick<ServiceContext, 'db'>) {
	const s = getSettings(ctx.db);
	return {
		minLength: s.passwordMinLength,
		minClasses: s.passwordMinClasses,
		maxAgeDays: s.passwordMaxAgeDays
	};
}

/** Refuses a password that breaks the policy, listing every problem. */
export function assertPasswordAllowed(ctx: Pick<ServiceContext, 'db'>, password: string, username: string) {
	const problems = passwordProblems(password, username, passwordPolicy(ctx));
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
	const row = me(ctx);
	const now = ctx.clock.now();
	// A stolen session cannot guess the current password faster than a sign-in could: the same throttle.
	assertNotThrottled(
		ctx,
		row.username,
		loginThrottle(ctx.db, { username: row.username, ip: ctx.ip, now, settings: getSettings(ctx.db) })
	);
	if (!(await verifyPassword(row.passwordHash, input.currentPassword))) {
		audit(ctx, { action: 'auth.password_change', result: 'failed', objectType: 'user', objectId: row.id });
		throw fail('bad_request', 'password.current_wrong');
	}
	if (input.newPassword === input.currentPassword) throw fail('bad_request', 'password.same');
	assertPasswordAllowed(ctx, input.newPassword, row.username);
	const passwordHash = await hashPassword(input.newPassword);
	return ctx.db.transaction((tx) => {
		tx.update(user)
			.set({ passwordHash, mustChangePassword: false, passwordChangedAt: now })
			.where(eq(user.id, row.id))
			.run();
		const ended = endSessionsOf(tx, row.id);
		audit(
			{ ...ctx, db: tx },
			{
				action: 'auth.password_change',
				objectType: 'user',
				objectId: row.id,
				after: { endedSessions: ended }
			}
		);
		return openSession(tx, {
			userId: row.id,
			now,
			idleMs: ctx.config.sessionIdleMs,
			ip: ctx.ip,
			userAgent: input.userAgent
		});
	});
}

/** Starts enrolment: a new secret (not active until a code from it is confirmed). */
export function setupTotp(ctx: ServiceContext) {
	const row = me(ctx);
	if (row.totpEnabledAt) throw fail('conflict', 'totp.enabled_change');
	const secret = newTotpSecret();
	ctx.db.transaction((tx) => {
		tx.update(user).set({ totpSecret: secret }).where(eq(user.id, row.id)).run();
		audit({ ...ctx, db: tx }, { action: 'auth.totp_setup', objectType: 'user', objectId: row.id });
	});
	return { secret, uri: totpUri('督办系统', row.username, secret) };
}

export function enableTotp(ctx: ServiceContext, code: string) {
	const row = me(ctx);
	if (row.totpEnabledAt) throw fail('conflict', 'totp.enabled');
	if (!row.totpSecret) throw fail('bad_request', 'totp.secret_first');
	const step = matchTotpStep(row.totpSecret, code);
	if (step === null) throw fail('bad_request', 'totp.code_wrong_setup');
	ctx.db.transaction((tx) => {
		tx.update(user)
			.set({ totpEnabledAt: ctx.clock.now(), totpLastStep: step })
			.where(eq(user.id, row.id))
			.run();
		audit({ ...ctx, db: tx }, { action: 'auth.totp_enable', objectType: 'user', objectId: row.id });
	});
	return { enabled: true };
}

export function disableTotp(ctx: ServiceContext, code: string) {
	const row = me(ctx);
	if (!row.totpEnabledAt || !row.totpSecret) throw fail('conflict', 'totp.not_enabled');
	const { totpRequiredForAdmins } = getSettings(ctx.db);
	if (totpRequiredForAdmins && (ADMIN_ROLES as readonly Role[]).includes(row.role))
		throw fail('conflict', 'totp.required_for_admins');
	if (matchTotpStep(row.totpSecret, code) === null) throw fail('bad_request', 'totp.code_wrong');
	ctx.db.transaction((tx) => {
		tx.update(user)
			.set({ totpSecret: null, totpEnabledAt: null, totpLastStep: null })
			.where(eq(user.id, row.id))
			.run();
		audit({ ...ctx, db: tx }, { action: 'auth.totp_disable', objectType: 'user', objectId: row.id });
	});
	return { enabled: false };
}
