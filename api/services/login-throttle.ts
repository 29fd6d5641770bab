import { and, eq, gte, inArray } from 'drizzle-orm';
import { auditLog, user } from '../../db/schema/index.ts';
import { type Db, withTransaction } from '../../db/client.ts';
import type { ServiceContext } from '../context.ts';
import { renderNotice } from './mail-templates.ts';
import { enqueueMail } from './mail.ts';
import { audit } from './audit.ts';
import { addNotification } from './notifications.ts';
import { messageText, type NoticeMessage } from '../../web/src/lib/rules/messages.ts';
import type { Settings } from './settings.ts';

/**
 * Sign-in throttling, read from the audit log so that every instance sees the same state and nothing is
 * kept in process memory. Failures count per (typed username, client address): an attacker's address is
 * slowed down and then refused for that name, while the owner's own address is not affected. The name
 * need not exist, so an unknown name is throttled exactly like a real one.
 */
export const UNLOCK_ACTION = 'user.unlock';
const ATTEMPT_ACTIONS = ['auth.login', 'auth.password_change'];
const ALERT_ACTION = 'auth.attack_alert';

type Row = { username: string | null; action: string; result: string; ip: string | null; at: Date };

const windowMs = (settings: Settings) => settings.lockoutMinutes * 60_000;

async function rowsSince(db: Db, since: Date, username?: string): Promise<Row[]> {
	return await db
		.select({
			username: auditLog.username,
			action: auditLog.action,
			result: auditLog.result,
			ip: auditLog.ip,
			at: auditLog.at
		})
		.from(auditLog)
		.where(
			and(
				username === undefined ? undefined : eq(auditLog.username, username),
				inArray(auditLog.action, [...ATTEMPT_ACTIONS, ALERT_ACTION]),
				gte(auditLog.at, since)
			)
		)
		.orderBy(auditLog.id);
}

/** When the security administrator last lifted each account's throttles (within the window). */
async function unlocksSince(db: Db, since: Date): Promise<Map<string, number>> {
	// The name is read from the JSON here, not in SQL (json_extract is SQLite's, ->> PostgreSQL's).
	const rows = await db
		.select({ after: auditLog.after, at: auditLog.at })
		.from(auditLog)
		.where(and(eq(auditLog.action, UNLOCK_ACTION), gte(auditLog.at, since)));
	return new Map(rows.map((r) => [(r.after as { username: string }).username, r.at.getTime()]));
}

/**
 * The failures of one name per address that still count: within the window, after the last successful
 * sign-in from that address and after the last unlock.
 */
function failuresByAddress(rows: Row[], unlockedAt: number) {
	const byIp = new Map<string, number[]>();
	for (const r of rows) {
		if (r.at.getTime() <= unlockedAt || !ATTEMPT_ACTIONS.includes(r.action)) continue;
		const key = r.ip ?? '';
		if (r.action === 'auth.login' && r.result === 'ok') byIp.set(key, []);
		else if (r.result === 'failed') byIp.set(key, [...(byIp.get(key) ?? []), r.at.getTime()]);
	}
	return byIp;
}

/** Refused until enough of the counted failures have left the window (a sliding window). */
function blockedUntil(failures: number[], settings: Settings): Date | null {
	if (failures.length < settings.lockoutThreshold) return null;
	return new Date(failures[failures.length - settings.lockoutThreshold]! + windowMs(settings));
}

export type LoginThrottle = {
	/** Counted failures of this name from this address. */
	failures: number;
	blockedUntil: Date | null;
	/** Failed and refused sign-ins of this name from anywhere within the window, and from how many addresses. */
	attempts: number;
	addresses: number;
	alerted: boolean;
};

export async function loginThrottle(
	db: Db,
	at: { username: string; ip: string | null; now: Date; settings: Settings }
): Promise<LoginThrottle> {
	const since = new Date(at.now.getTime() - windowMs(at.settings));
	const rows = await rowsSince(db, since, at.username);
	const failures =
		failuresByAddress(rows, (await unlocksSince(db, since)).get(at.username) ?? 0).get(at.ip ?? '') ?? [];
	const attempts = rows.filter((r) => r.action === 'auth.login' && r.result !== 'ok');
	return {
		failures: failures.length,
		blockedUntil: blockedUntil(failures, at.settings),
		attempts: attempts.length,
		addresses: new Set(attempts.map((r) => r.ip)).size,
		alerted: rows.some((r) => r.action === ALERT_ACTION)
	};
}

/** Accounts refused from some address now, with the latest time one of those refusals ends. */
export async function lockedAccounts(db: Db, now: Date, settings: Settings): Promise<Map<string, Date>> {
	const since = new Date(now.getTime() - windowMs(settings));
	const byName = new Map<string, Row[]>();
	for (const r of await rowsSince(db, since)) {
		if (r.username !== null) byName.set(r.username, [...(byName.get(r.username) ?? []), r]);
	}
	const unlocks = await unlocksSince(db, since);
	const locked = new Map<string, Date>();
	for (const [name, rows] of byName) {
		for (const failures of failuresByAddress(rows, unlocks.get(name) ?? 0).values()) {
			const until = blockedUntil(failures, settings);
			if (until && until > now && until > (locked.get(name) ?? now)) locked.set(name, until);
		}
	}
	return locked;
}

/**
 * Tells the account's owner (in the app, and by mail when it has an address) and every security
 * administrator that the account is being attacked: once per window, when the failed and refused sign-ins
 * from anywhere reach the policy's number. Called after the attempt's own audit row is written.
 */
export async function alertIfAttacked(
	ctx: ServiceContext,
	account: { id: number; username: string; name: string; email: string | null },
	throttle: LoginThrottle,
	settings: Settings
) {
	const attempts = throttle.attempts + 1;
	if (throttle.alerted || attempts < settings.loginAlertAttempts) return;
	const now = ctx.clock.now();
	const bucket = Math.floor(now.getTime() / windowMs(settings));
	const admins = await ctx.db
		.select({ id: user.id, email: user.email })
		.from(user)
		.where(and(eq(user.role, 'security'), eq(user.disabled, false)));
	const recipients = [{ id: account.id, email: account.email, owner: true }];
	for (const a of admins) if (a.id !== account.id) recipients.push({ ...a, owner: false });
	await withTransaction(ctx, async (tx) => {
		for (const r of recipients) {
			const key = `login-attack|${account.id}|${bucket}|${r.id}`;
			const message: NoticeMessage = {
				code: 'security.login_attack',
				params: {
					username: account.username,
					name: account.name,
					minutes: settings.lockoutMinutes,
					attempts,
					addresses: Math.max(throttle.addresses, 1),
					owner: r.owner
				}
			};
			const { title, body } = messageText(message, ctx.clock.today());
			await addNotification(tx.db, {
				userId: r.id,
				dedupeKey: key,
				title,
				body,
				message,
				link: r.owner ? '/account' : '/security',
				light: 'red',
				createdAt: now
			});
			if (!r.email) continue;
			const heading = r.owner ? '您的账户正遭受登录尝试' : `账户 ${account.username} 正遭受登录尝试`;
			await enqueueMail(
				tx.db,
				{
					dedupeKey: key,
					recipient: r.email,
					subject: `【督办系统】${heading}`,
					...renderNotice(heading, [body])
				},
				now
			);
		}
		await audit(tx, {
			action: ALERT_ACTION,
			username: account.username,
			objectType: 'user',
			objectId: account.id,
			after: { attempts, addresses: throttle.addresses, notified: recipients.map((r) => r.id) }
		});
	});
}
