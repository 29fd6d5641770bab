import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { notification } from '../../db/schema/index.ts';
import type { Db } from '../../db/client.ts';
import type { ServiceContext } from '../context.ts';

/** Adds one notification in the caller's transaction; its dedupe key makes it at most once. */
export function addNotification(tx: Db, n: typeof notification.$inferInsert): boolean {
	return tx.insert(notification).values(n).onConflictDoNothing().run().changes > 0;
}

/** The bell: the caller's own notifications, unread first counted. */
export function listNotifications(
	ctx: ServiceContext,
	f: { unread?: boolean; page: number; pageSize: number }
) {
	const mine = eq(notification.userId, ctx.actor!.id);
	const where = and(mine, f.unread ? isNull(notification.readAt) : undefined);
	const items = ctx.db
		.select()
		.from(notification)
		.where(where)
		.orderBy(desc(notification.createdAt), desc(notification.id))
		.limit(f.pageSize)
		.offset((f.page - 1) * f.pageSize)
		.all()
		.map(({ dedupeKey: _key, userId: _user, ...n }) => ({
			...n,
			createdAt: n.createdAt.toISOString(),
			readAt: n.readAt?.toISOString() ?? null
		}));
	const count = (w: typeof where) =>
		ctx.db
			.select({ n: sql<number>`count(*)` })
			.from(notification)
			.where(w)
			.get()!.n;
	return {
		items,
		total: count(where),
		unread: count(and(mine, isNull(notification.readAt))),
		page: f.page,
		pageSize: f.pageSize
	};
}

/** Marks one notification (or, without an id, all of them) as read; only the caller's own. */
export function markRead(ctx: ServiceContext, id?: number) {
	const changed = ctx.db
		.update(notification)
		.set({ readAt: ctx.clock.now() })
		.where(
			and(
				eq(notification.userId, ctx.actor!.id),
				isNull(notification.readAt),
				id ? eq(notification.id, id) : undefined
			)
		)
		.run().changes;
	return { marked: changed };
}
