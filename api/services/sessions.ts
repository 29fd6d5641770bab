import { and, eq, gt, ne, sql } from 'drizzle-orm';
import { session, unit, user } from '../../db/schema/index.ts';
import { type Db, rowsAffected, withTransaction } from '../../db/client.ts';
import type { ServiceContext } from '../context.ts';
import { fail } from '../errors.ts';
import { generateSessionToken, sessionIdFromToken } from '../lib/token.ts';
import { assertRole } from './access.ts';
import { audit } from './audit.ts';
import { accountFor, DUTIES } from './duties.ts';

export type NewSession = { token: string; sessionId: string; expiresAt: Date };

/** A fresh token (never one the browser sent), stored as its SHA-256. Call inside the caller's transaction. */
export async function openSession(
	db: Db,
	at: { userId: number; now: Date; idleMs: number; ip: string | null; userAgent: string | null }
): Promise<NewSession> {
	const token = generateSessionToken();
	const sessionId = sessionIdFromToken(token);
	const expiresAt = new Date(at.now.getTime() + at.idleMs);
	await db.insert(session).values({
		id: sessionId,
		userId: at.userId,
		expiresAt,
		lastSeenAt: at.now,
		createdAt: at.now,
		ip: at.ip,
		userAgent: at.userAgent?.slice(0, 200) ?? null
	});
	return { token, sessionId, expiresAt };
}

/** Ends every session of a user (but `keep`); returns how many ended. */
export async function endSessionsOf(db: Db, userId: number, keep?: string): Promise<number> {
	const where = keep ? and(eq(session.userId, userId), ne(session.id, keep)) : eq(session.userId, userId);
	return rowsAffected(await db.delete(session).where(where));
}

/** The sessions alive now, newest activity first (the security admin's view). */
export async function listSessions(
	ctx: ServiceContext,
	opts: { page: number; pageSize: number; current: string | null }
) {
	assertRole(ctx.actor, DUTIES.read.sessions, 'role.sessions_read');
	const now = ctx.clock.now();
	const alive = gt(session.expiresAt, now);
	const total = (
		await ctx.db
			.select({ n: sql<number>`count(*)` })
			.from(session)
			.where(alive)
			.limit(1)
	)[0]!.n;
	const items = (
		await ctx.db
			.select({
				// The id is the SHA-256 of the browser's token: naming a session by it reveals nothing usable.
				id: session.id,
				userId: user.id,
				username: user.username,
				name: user.name,
				role: user.role,
				unitName: unit.name,
				ip: session.ip,
				userAgent: session.userAgent,
				createdAt: session.createdAt,
				lastSeenAt: session.lastSeenAt,
				expiresAt: session.expiresAt
			})
			.from(session)
			.innerJoin(user, eq(user.id, session.userId))
			.leftJoin(unit, eq(unit.id, user.unitId))
			.where(alive)
			.orderBy(sql`${session.lastSeenAt} desc`)
			.limit(opts.pageSize)
			.offset((opts.page - 1) * opts.pageSize)
	).map((row) => ({ ...row, current: row.id === opts.current }));
	return { items, total };
}

export async function endSession(ctx: ServiceContext, sessionId: string) {
	assertRole(ctx.actor, DUTIES.read.sessions, 'role.sessions_manage');
	const row = (
		await ctx.db.select({ userId: session.userId }).from(session).where(eq(session.id, sessionId)).limit(1)
	)[0];
	if (!row) throw fail('not_found', 'not_found.session');
	// One's own other browsers may be signed out; anyone else's only as the duties table allows.
	if (row.userId !== ctx.actor.id) await accountFor(ctx, row.userId, 'endSessions');
	await withTransaction(ctx, async (tx) => {
		await tx.db.delete(session).where(eq(session.id, sessionId));
		await audit(tx, { action: 'session.end', objectType: 'user', objectId: row.userId });
	});
	return { ended: 1 };
}

export async function endUserSessions(ctx: ServiceContext, userId: number) {
	await accountFor(ctx, userId, 'endSessions');
	return await withTransaction(ctx, async (tx) => {
		const ended = await endSessionsOf(tx.db, userId);
		await audit(tx, { action: 'session.end_all', objectType: 'user', objectId: userId, after: { ended } });
		return { ended };
	});
}
