import { eq } from 'drizzle-orm';
import { ADMIN_ROLES, user, type Role } from '../../db/schema/index.ts';
import type { ServiceContext } from '../context.ts';
import { ApiError } from '../errors.ts';
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
	if (!ctx.actor) throw new ApiError('unauthorized', '请先登录');
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
	if (problems.length) throw new ApiError('bad_request', problems.join('；'), { problems });
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
		throw new ApiError('bad_request', '当前密码不正确');
	}
	if (input.newPassword === input.currentPassword)
		throw new ApiError('bad_request', '新密码不能与当前密码相同');
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
	if (row.totpEnabledAt) throw new ApiError('conflict', '已启用动态验证码；如需更换请先停用');
	const secret = newTotpSecret();
	ctx.db.transaction((tx) => {
		tx.update(user).set({ totpSecret: secret }).where(eq(user.id, row.id)).run();
		audit({ ...ctx, db: tx }, { action: 'auth.totp_setup', objectType: 'user', objectId: row.id });
	});
	return { secret, uri: totpUri('督办系统', row.username, secret) };
}

export function enableTotp(ctx: ServiceContext, code: string) {
	const row = me(ctx);
	if (row.totpEnabledAt) throw new ApiError('conflict', '已启用动态验证码');
	if (!row.totpSecret) throw new ApiError('bad_request', '请先生成密钥并添加到验证器');
	const step = matchTotpStep(row.totpSecret, code);
	if (step === null) throw new ApiError('bad_request', '验证码不正确，请核对验证器上的 6 位数字和手机时间');
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
	if (!row.totpEnabledAt || !row.totpSecret) throw new ApiError('conflict', '尚未启用动态验证码');
	const { totpRequiredForAdmins } = getSettings(ctx.db);
	if (totpRequiredForAdmins && (ADMIN_ROLES as readonly Role[]).includes(row.role))
		throw new ApiError('conflict', '安全策略要求管理员使用动态验证码，不能停用');
	if (matchTotpStep(row.totpSecret, code) === null) throw new ApiError('bad_request', '验证码不正确');
	ctx.db.transaction((tx) => {
		tx.update(user)
			.set({ totpSecret: null, totpEnabledAt: null, totpLastStep: null })
			.where(eq(user.id, row.id))
			.run();
		audit({ ...ctx, db: tx }, { action: 'auth.totp_disable', objectType: 'user', objectId: row.id });
	});
	return { enabled: false };
}
