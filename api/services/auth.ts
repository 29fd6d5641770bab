import { workerWriting } from '../lib/write-gate.ts';
import { and, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import { ADMIN_ROLES, auditLog, session, unit, user, type Role } from '../../db/schema/index.ts';
import { type Db, prepared, withTransaction } from '../../db/client.ts';
import type { Actor, Deps, ServiceContext } from '../context.ts';
import { fail } from '../errors.ts';
import { verifyPassword } from '../lib/password.ts';
import { matchTotpStep } from '../lib/totp.ts';
import { sessionIdFromToken } from '../lib/token.ts';
import { audit } from './audit.ts';
import { alertIfAttacked, loginThrottle, type LoginThrottle } from './login-throttle.ts';
import { openSession } from './sessions.ts';
import { getSettings, type Settings } from './settings.ts';

// A hash to verify against when the user does not exist, so both paths take the same time.
const DUMMY_HASH =
	'$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$2GLt1Nu+ZVNlHcwXfvH0iI9b2KeLJ2TkWp2+S1k0mKk';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const shanghaiTime = (at: Date) =>
	new Intl.DateTimeFormat('zh-CN', {
		timeZone: 'Asia/Shanghai',
		hour: '2-digit',
		minute: '2-digit',
		hour12: false
	}).format(at);

type UserRow = typeof user.$inferSelect;

/** What a request's actor and its pending step are made of (see toActor, pendingFor). */
const ACCOUNT_STATE = {
	id: user.id,
	username: user.username,
	name: user.name,
	role: user.role,
	unitId: user.unitId,
	disabled: user.disabled,
	mustChangePassword: user.mustChangePassword,
	passwordChangedAt: user.passwordChangedAt,
	totpEnabledAt: user.totpEnabledAt,
	createdAt: user.createdAt
};
type AccountState = Pick<UserRow, keyof typeof ACCOUNT_STATE>;

/** Failed sign-ins from one address within the window, read from the audit log (durable, shared by instances). */
async function recentIpFailures(db: Db, ip: string, since: Date): Promise<number> {
	return (
		await db
			.select({ n: sql<number>`count(*)` })
			.from(auditLog)
			.where(
				and(
					eq(auditLog.ip, ip),
					eq(auditLog.action, 'auth.login'),
					gte(auditLog.at, since),
					eq(auditLog.result, 'failed')
				)
			)
			.limit(1)
	)[0]!.n;
}

/** Refuses a sign-in (or a password check) from an address that failed too often for this username. */
export async function assertNotThrottled(ctx: ServiceContext, username: string, throttle: LoginThrottle) {
	if (!throttle.blockedUntil) return;
	await audit(ctx, {
		action: 'auth.login',
		result: 'denied',
		username,
		after: { throttled: 'username_address', until: throttle.blockedUntil }
	});
	throw fail(
		'too_many_requests',
		'auth.locked',
		{ until: shanghaiTime(throttle.blockedUntil) },
		{ retryAt: throttle.blockedUntil.toISOString() }
	);
}

/** Records a failed sign-in; the failure that reaches the threshold also records the throttle it starts. */
async function recordFailure(
	ctx: ServiceContext,
	username: string,
	row: UserRow | undefined,
	throttle: LoginThrottle,
	settings: Settings,
	after?: Record<string, unknown>
) {
	await audit(ctx, {
		action: 'auth.login',
		result: 'failed',
		username,
		objectType: 'user',
		objectId: row?.id,
		after
	});
	if (throttle.failures + 1 === settings.lockoutThreshold)
		await audit(ctx, {
			action: 'auth.lock',
			username,
			objectType: 'user',
			objectId: row?.id,
			after: { ip: ctx.ip, minutes: settings.lockoutMinutes }
		});
	if (row) await alertIfAttacked(ctx, row, throttle, settings);
}

/** What a signed-in user must do before anything else: change the password, or enrol a second factor. */
export type Pending = 'password' | 'totp' | null;

function pendingFor(row: AccountState, role: Role, now: Date, settings: Settings): Pending {
	const changedAt = row.passwordChangedAt ?? row.createdAt;
	const expired =
		settings.passwordMaxAgeDays > 0 &&
		now.getTime() - changedAt.getTime() > settings.passwordMaxAgeDays * 86_400_000;
	if (row.mustChangePassword || expired) return 'password';
	if (settings.totpRequiredForAdmins && (ADMIN_ROLES as readonly Role[]).includes(role) && !row.totpEnabledAt)
		return 'totp';
	return null;
}

export type LoginInput = { username: string; password: string; code?: string; userAgent?: string | null };
export type LoginResult = { token: string; expiresAt: Date; actor: Actor; pending: Pending };

export async function login(ctx: ServiceContext, input: LoginInput): Promise<LoginResult> {
	const { username, password, code } = input;
	const now = ctx.clock.now();
	const settings = await getSettings(ctx.db);
	const window = settings.lockoutMinutes * 60_000;
	if (
		ctx.ip &&
		(await recentIpFailures(ctx.db, ctx.ip, new Date(now.getTime() - window))) >= settings.loginIpMaxFailures
	) {
		await audit(ctx, { action: 'auth.login', result: 'denied', username, after: { throttled: ctx.ip } });
		throw fail('too_many_requests', 'auth.address_throttled', { minutes: settings.lockoutMinutes });
	}

	// Everything below depends on the typed name only, never on whether it exists: the same delays, the
	// same refusals and an argon2 verification either way, so answers cannot tell real names from others.
	const throttle = await loginThrottle(ctx.db, { username, ip: ctx.ip, now, settings });
	if (throttle.blockedUntil) {
		const account = (await loadAccount(ctx.db, eq(user.username, username)))?.account;
		if (account) await alertIfAttacked(ctx, account, throttle, settings);
		await assertNotThrottled(ctx, username, throttle);
	}
	// Past 3 failures of this name from this address each further try waits longer (at most 8 s).
	if (throttle.failures >= 3) await sleep(Math.min(250 * 2 ** (throttle.failures - 3), 8000));
	const found = await loadAccount(ctx.db, eq(user.username, username));
	const row = found?.account;
	const ok = await verifyPassword(row?.passwordHash ?? DUMMY_HASH, password);
	// A service account signs in with its bearer token only, never to a browser session.
	if (!row || !ok || row.disabled || row.role === 'service') {
		await recordFailure(ctx, username, row, throttle, settings);
		throw fail('unauthorized', 'auth.login_failed');
	}
	let totpStep: number | null = null;
	if (row.totpEnabledAt && row.totpSecret) {
		// The password was right: ask for the second factor; a wrong code counts as a failed sign-in.
		if (!code) throw fail('unauthorized', 'auth.totp_required', undefined, { totpRequired: true });
		totpStep = matchTotpStep(row.totpSecret, code);
		if (totpStep === null || (row.totpLastStep !== null && totpStep <= row.totpLastStep)) {
			await recordFailure(ctx, username, row, throttle, settings, { factor: 'totp' });
			throw fail('unauthorized', 'auth.totp_wrong', undefined, {
				totpRequired: true
			});
		}
	}

	// Not disabled (refused above), so an actor.
	const actor = toActor(row, found!.unitName)!;
	const opened = await withTransaction(ctx, async (tx) => {
		// This success (its audit row) also clears the failures of this name from this address.
		if (totpStep !== null)
			await tx.db.update(user).set({ totpLastStep: totpStep }).where(eq(user.id, row.id));
		const created = await openSession(tx.db, {
			userId: row.id,
			now,
			idleMs: ctx.config.sessionIdleMs,
			ip: ctx.ip,
			userAgent: input.userAgent ?? null
		});
		// Expired sessions of this user are swept at each login rather than by a separate job.
		await tx.db.delete(session).where(and(eq(session.userId, row.id), lt(session.expiresAt, now)));
		await audit({ ...tx, actor }, { action: 'auth.login', objectType: 'user', objectId: row.id });
		return created;
	});
	return {
		token: opened.token,
		expiresAt: opened.expiresAt,
		actor,
		pending: pendingFor(row, actor.role, now, settings)
	};
}

async function loadAccount(db: Db, where: SQL) {
	return (
		await db
			.select({ account: user, unitName: unit.name })
			.from(user)
			.leftJoin(unit, eq(unit.id, user.unitId))
			.where(where)
			.limit(1)
	)[0];
}

function toActor(account: AccountState, unitName: string | null): Actor | null {
	if (account.disabled) return null;
	return {
		kind: 'user',
		id: account.id,
		username: account.username,
		name: account.name,
		role: account.role,
		unit: account.unitId !== null && unitName !== null ? { id: account.unitId, name: unitName } : null
	};
}

export async function actorOf(deps: Pick<Deps, 'db'>, userId: number): Promise<Actor | null> {
	const found = await loadAccount(deps.db, eq(user.id, userId));
	return found ? toActor(found.account, found.unitName) : null;
}

/**
 * A session with its account and the account's unit: the one query every signed-in request makes, so
 * only the columns it needs (not the password hash, the TOTP secret, the user agent).
 */
const sessionWithAccount = prepared((db) =>
	db
		.select({
			session: { expiresAt: session.expiresAt, lastSeenAt: session.lastSeenAt, createdAt: session.createdAt },
			account: ACCOUNT_STATE,
			unitName: unit.name
		})
		.from(session)
		.innerJoin(user, eq(user.id, session.userId))
		.leftJoin(unit, eq(unit.id, user.unitId))
		.where(eq(session.id, sql.placeholder('id')))
		.limit(1)
		.prepare()
);

export type ValidSession = {
	sessionId: string;
	actor: Actor;
	pending: Pending;
	expiresAt: Date;
	refreshed: boolean;
};

/**
 * Sliding expiry: each use pushes the expiry an idle period ahead, never past the absolute maximum.
 * The row is written at most once a minute so reads stay cheap.
 */
export async function validateSessionToken(deps: Deps, token: string): Promise<ValidSession | null> {
	const id = sessionIdFromToken(token);
	const found = (await sessionWithAccount(deps.db).execute({ id }))[0];
	if (!found) return null;
	const row = found.session;
	const now = deps.clock.now();
	const hardLimit = row.createdAt.getTime() + deps.config.sessionMaxMs;
	if (now.getTime() >= row.expiresAt.getTime() || now.getTime() >= hardLimit) {
		if (!workerWriting())
			await withTransaction(deps, ({ db }) => db.delete(session).where(eq(session.id, id)));
		return null;
	}
	const actor = toActor(found.account, found.unitName);
	if (!actor) return null;
	let expiresAt = row.expiresAt;
	let refreshed = false;
	// Skipped while a worker writes an import (write-gate.ts): the next request refreshes it instead.
	if (now.getTime() - row.lastSeenAt.getTime() > 60_000 && !workerWriting()) {
		expiresAt = new Date(Math.min(now.getTime() + deps.config.sessionIdleMs, hardLimit));
		// Written when its turn comes, not awaited: a read would otherwise wait behind every write in line
		// (the month-end rush). Lost with the process, the next request after a minute writes it again.
		const until = expiresAt;
		withTransaction(deps, ({ db }) =>
			db.update(session).set({ expiresAt: until, lastSeenAt: now }).where(eq(session.id, id))
		).catch((err: unknown) => console.error(`[duban] session refresh failed: ${String(err)}`));
		refreshed = true;
	}
	return {
		sessionId: id,
		actor,
		pending: pendingFor(found.account, actor.role, now, await getSettings(deps.db)),
		expiresAt,
		refreshed
	};
}

export async function logout(ctx: ServiceContext, sessionId: string) {
	await withTransaction(ctx, async (tx) => {
		await tx.db.delete(session).where(eq(session.id, sessionId));
		await audit(tx, { action: 'auth.logout', objectType: 'user', objectId: ctx.actor?.id });
	});
}
