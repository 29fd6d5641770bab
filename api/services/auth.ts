import { and, eq, lt } from 'drizzle-orm';
import { session, unit, user } from '../../db/schema/index.ts';
import type { Actor, Deps, ServiceContext } from '../context.ts';
import { ApiError } from '../errors.ts';
import { verifyPassword } from '../lib/password.ts';
import { generateSessionToken, sessionIdFromToken } from '../lib/token.ts';
import { audit } from './audit.ts';
import { getSettings } from './settings.ts';

const LOGIN_FAILED = '用户名或密码错误';
const FAILURE_WINDOW_MS = 15 * 60_000;
// A hash to verify against when the user does not exist, so both paths take the same time.
const DUMMY_HASH =
	'$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$2GLt1Nu+ZVNlHcwXfvH0iI9b2KeLJ2TkWp2+S1k0mKk';

/**
 * Recent failures per username and per IP. Past 3 failures of an account (or 20 from one address,
 * which may be a whole office behind one NAT) each further failure doubles a delay, at most 8 s.
 */
const failures = new Map<string, number[]>();

function recentFailures(key: string, now: number): number {
	const list = (failures.get(key) ?? []).filter((t) => now - t < FAILURE_WINDOW_MS);
	failures.set(key, list);
	return list.length;
}

function slowDownMs(username: string, ip: string | null, now: number): number {
	const byIp = ip ? recentFailures(`ip:${ip}`, now) - 17 : 0;
	const n = Math.max(recentFailures(`u:${username}`, now), byIp);
	return n < 3 ? 0 : Math.min(250 * 2 ** (n - 3), 8000);
}

function noteFailure(username: string, ip: string | null, now: number) {
	for (const key of [`u:${username}`, ip ? `ip:${ip}` : null]) {
		if (key) failures.set(key, [...(failures.get(key) ?? []), now]);
	}
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const shanghaiTime = (at: Date) =>
	new Intl.DateTimeFormat('zh-CN', {
		timeZone: 'Asia/Shanghai',
		hour: '2-digit',
		minute: '2-digit',
		hour12: false
	}).format(at);

/** Counts a failed sign-in of an existing account; enough of them within the window lock it. */
function countFailure(ctx: ServiceContext, row: typeof user.$inferSelect, now: Date) {
	const { lockoutThreshold, lockoutMinutes } = getSettings(ctx.db);
	const window = lockoutMinutes * 60_000;
	const failed =
		row.lastFailedAt && now.getTime() - row.lastFailedAt.getTime() < window ? row.failedLogins + 1 : 1;
	const lockedUntil = failed >= lockoutThreshold ? new Date(now.getTime() + window) : null;
	ctx.db
		.update(user)
		.set({ failedLogins: lockedUntil ? 0 : failed, lastFailedAt: now, lockedUntil })
		.where(eq(user.id, row.id))
		.run();
	if (lockedUntil)
		audit(ctx, {
			action: 'auth.lock',
			objectType: 'user',
			objectId: row.id,
			username: row.username,
			after: { lockedUntil }
		});
}

export type LoginResult = { token: string; expiresAt: Date; actor: Actor };

export async function login(ctx: ServiceContext, username: string, password: string): Promise<LoginResult> {
	const now = ctx.clock.now();
	const delay = slowDownMs(username, ctx.ip, now.getTime());
	if (delay > 0) await sleep(delay);

	const row = ctx.db.select().from(user).where(eq(user.username, username)).get();
	const ok = await verifyPassword(row?.passwordHash ?? DUMMY_HASH, password);
	if (row?.lockedUntil && row.lockedUntil > now) {
		// Locked: even the right password is refused until the lock ends or the security admin lifts it.
		audit(ctx, {
			action: 'auth.login',
			result: 'denied',
			username,
			objectType: 'user',
			objectId: row.id,
			after: { lockedUntil: row.lockedUntil }
		});
		throw new ApiError(
			'forbidden',
			`账户因多次登录失败已锁定，请于 ${shanghaiTime(row.lockedUntil)} 后再试，或联系安全管理员解锁`,
			{ lockedUntil: row.lockedUntil.toISOString() }
		);
	}
	if (!row || !ok || row.disabled) {
		noteFailure(username, ctx.ip, now.getTime());
		if (row) countFailure(ctx, row, now);
		audit(ctx, { action: 'auth.login', result: 'failed', username, objectType: 'user', objectId: row?.id });
		throw new ApiError('unauthorized', LOGIN_FAILED);
	}
	failures.delete(`u:${username}`);
	if (row.failedLogins)
		ctx.db
			.update(user)
			.set({ failedLogins: 0, lastFailedAt: null, lockedUntil: null })
			.where(eq(user.id, row.id))
			.run();

	const token = generateSessionToken();
	const expiresAt = new Date(now.getTime() + ctx.config.sessionIdleMs);
	const actor = actorOf(ctx, row.id)!;
	ctx.db.transaction((tx) => {
		tx.insert(session)
			.values({ id: sessionIdFromToken(token), userId: row.id, expiresAt, lastSeenAt: now, createdAt: now })
			.run();
		// Expired sessions of this user are swept at each login rather than by a separate job.
		tx.delete(session)
			.where(and(eq(session.userId, row.id), lt(session.expiresAt, now)))
			.run();
		audit({ ...ctx, db: tx, actor }, { action: 'auth.login', objectType: 'user', objectId: row.id });
	});
	return { token, expiresAt, actor };
}

export function actorOf(deps: Pick<Deps, 'db'>, userId: number): Actor | null {
	const row = deps.db
		.select({
			id: user.id,
			username: user.username,
			name: user.name,
			role: user.role,
			disabled: user.disabled,
			unitId: unit.id,
			unitName: unit.name
		})
		.from(user)
		.leftJoin(unit, eq(unit.id, user.unitId))
		.where(eq(user.id, userId))
		.get();
	if (!row || row.disabled) return null;
	return {
		id: row.id,
		username: row.username,
		name: row.name,
		role: row.role,
		unit: row.unitId !== null && row.unitName !== null ? { id: row.unitId, name: row.unitName } : null
	};
}

export type ValidSession = { sessionId: string; actor: Actor; expiresAt: Date; refreshed: boolean };

/**
 * Sliding expiry: each use pushes the expiry an idle period ahead, never past the absolute maximum.
 * The row is written at most once a minute so reads stay cheap.
 */
export function validateSessionToken(deps: Deps, token: string): ValidSession | null {
	const id = sessionIdFromToken(token);
	const row = deps.db.select().from(session).where(eq(session.id, id)).get();
	if (!row) return null;
	const now = deps.clock.now().getTime();
	const hardLimit = row.createdAt.getTime() + deps.config.sessionMaxMs;
	if (now >= row.expiresAt.getTime() || now >= hardLimit) {
		deps.db.delete(session).where(eq(session.id, id)).run();
		return null;
	}
	const actor = actorOf(deps, row.userId);
	if (!actor) return null;
	let expiresAt = row.expiresAt;
	let refreshed = false;
	if (now - row.lastSeenAt.getTime() > 60_000) {
		expiresAt = new Date(Math.min(now + deps.config.sessionIdleMs, hardLimit));
		deps.db
			.update(session)
			.set({ expiresAt, lastSeenAt: new Date(now) })
			.where(eq(session.id, id))
			.run();
		refreshed = true;
	}
	return { sessionId: id, actor, expiresAt, refreshed };
}

export function logout(ctx: ServiceContext, sessionId: string) {
	ctx.db.transaction((tx) => {
		tx.delete(session).where(eq(session.id, sessionId)).run();
		audit({ ...ctx, db: tx }, { action: 'auth.logout', objectType: 'user', objectId: ctx.actor?.id });
	});
}
