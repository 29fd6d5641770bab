import { and, desc, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import { notification, unit, unitNews, user, type Light, type Role } from '../../db/schema/index.ts';
import { type Db, prepared, rowsAffected, withTransaction } from '../../db/client.ts';
import type { ServiceContext } from '../context.ts';
import { enqueueMail } from './mail.ts';
import { MAIL_FOOTER, renderDigest } from './mail-templates.ts';
import { unitRecipients } from './recipients.ts';
import { messageText, type NoticeMessage } from '../../web/src/lib/rules/messages.ts';
import { lineageOf } from './access.ts';

/** Adds one notification in the caller's transaction; its dedupe key makes it at most once. */
export async function addNotification(tx: Db, n: typeof notification.$inferInsert): Promise<boolean> {
	return rowsAffected(await tx.insert(notification).values(n).onConflictDoNothing()) > 0;
}

/** The bell: the caller's own notifications (withdrawn reminders left out), unread first counted. */
export async function listNotifications(
	ctx: ServiceContext,
	f: { unread?: boolean; page: number; pageSize: number }
) {
	const mine = and(eq(notification.userId, ctx.actor!.id), isNull(notification.withdrawnAt));
	const where = and(mine, f.unread ? isNull(notification.readAt) : undefined);
	const items = (
		await ctx.db
			.select()
			.from(notification)
			.where(where)
			.orderBy(desc(notification.createdAt), desc(notification.id))
			.limit(f.pageSize)
			.offset((f.page - 1) * f.pageSize)
	).map(({ dedupeKey: _key, userId: _user, topic: _topic, withdrawnAt: _w, ...n }) => ({
		...n,
		createdAt: n.createdAt.toISOString(),
		readAt: n.readAt?.toISOString() ?? null
	}));
	const count = async (w: typeof where) =>
		(
			await ctx.db
				.select({ n: sql<number>`count(*)` })
				.from(notification)
				.where(w)
				.limit(1)
		)[0]!.n;
	return {
		items,
		total: await count(where),
		unread: await count(and(mine, isNull(notification.readAt))),
		page: f.page,
		pageSize: f.pageSize
	};
}

/** Marks one notification (or, without an id, all of them) as read; only the caller's own. */
export async function markRead(ctx: ServiceContext, id?: number) {
	const changed = rowsAffected(
		await withTransaction(ctx, ({ db }) =>
			db
				.update(notification)
				.set({ readAt: ctx.clock.now() })
				.where(
					and(
						eq(notification.userId, ctx.actor!.id),
						isNull(notification.readAt),
						id ? eq(notification.id, id) : undefined
					)
				)
		)
	);
	return { marked: changed };
}

export type News = {
	unitId: number;
	/** Once per key: the same decision never notifies twice. */
	key: string;
	/** What it says, as a code and parameters: the bell renders it in the reader's language, mail in Chinese. */
	message: NoticeMessage;
	/** In-app path, e.g. `/workspace?period=2020-06`. */
	link: string;
	light: Light | null;
	/** Mailed at once (a red notice, a return close to the reporting deadline) instead of in the next digest. */
	urgent?: boolean;
};

/**
 * The one way a decision on a unit's work reaches the unit, in the caller's transaction: a bell
 * notification for each of its users, and a mail, at once when urgent or else in the unit's next daily
 * digest (kept in `unit_news` until then).
 */
export async function notifyUnit(ctx: ServiceContext, news: News) {
	const now = ctx.clock.now();
	const today = ctx.clock.today();
	const { title, body } = messageText(news.message, today);
	const inserted = await ctx.db
		.insert(unitNews)
		.values({
			unitId: news.unitId,
			dedupeKey: news.key,
			title,
			body,
			link: news.link,
			light: news.light,
			createdAt: now,
			mailedOn: news.urgent ? today : null
		})
		.onConflictDoNothing();
	if (!rowsAffected(inserted)) return;
	const users = await ctx.db
		.select({ id: user.id })
		.from(user)
		.where(and(eq(user.unitId, news.unitId), eq(user.role, 'unit'), eq(user.disabled, false)));
	await bellFor(ctx, users, news);
	if (!news.urgent) return;
	const unitName = (
		await ctx.db.select({ name: unit.name }).from(unit).where(eq(unit.id, news.unitId)).limit(1)
	)[0]!.name;
	const { text, html } = renderDigest({
		heading: `${unitName}：${title}`,
		intro: '联席办对你单位的工作作出了需要尽快办理的决定：',
		items: [{ ...news, title, detail: body, deadline: null, link: `${ctx.config.publicUrl}${news.link}` }],
		footer: MAIL_FOOTER
	});
	for (const recipient of await unitRecipients(ctx.db, news.unitId)) {
		await enqueueMail(
			ctx.db,
			{
				dedupeKey: `news|${news.key}|${recipient}`,
				recipient,
				subject: `【督办提醒·紧急】${unitName} ${title}`,
				text,
				html
			},
			now
		);
	}
}

/** Bell notifications for everyone in a role (leaders hear of published bulletins), once per key. */
export async function notifyRole(
	ctx: ServiceContext,
	role: Role,
	news: Omit<News, 'unitId' | 'urgent'>,
	/** The unit the news is about: only those whose supervision covers it (provincial, or its level above) hear. */
	aboutUnitId?: number
) {
	const lineage = aboutUnitId === undefined ? null : await lineageOf(ctx, aboutUnitId);
	const users = await ctx.db
		.select({ id: user.id })
		.from(user)
		.where(
			and(
				eq(user.role, role),
				eq(user.disabled, false),
				lineage ? or(isNull(user.unitId), inArray(user.unitId, lineage)) : undefined
			)
		);
	await bellFor(ctx, users, news);
}

async function bellFor(ctx: ServiceContext, users: { id: number }[], news: Omit<News, 'unitId'>) {
	const { title, body } = messageText(news.message, ctx.clock.today());
	for (const u of users) {
		await addNotification(ctx.db, {
			userId: u.id,
			dedupeKey: `${news.key}|${u.id}`,
			title,
			body,
			message: news.message,
			link: news.link,
			light: news.light,
			createdAt: ctx.clock.now()
		});
	}
}

/** Reminder topics: what a reminder is about, so it can be withdrawn once that is settled. */
export const reminderTopic = {
	indicator: (indicatorId: number) => `indicator:${indicatorId}`,
	report: (unitId: number, period: string) => `report:${unitId}:${period}`,
	notice: (noticeId: number) => `notice:${noticeId}`
};

/**
 * Takes reminders that no longer apply off the bell (the indicator closed, the report came in); with
 * `unitId`, only that unit's people's (its own part of an each-owes indicator was signed off).
 */
export async function withdrawReminders(tx: Db, topic: string, now: Date, unitId?: number) {
	if (unitId === undefined) {
		await withdrawTopic(tx).execute({ topic, at: now.getTime() });
		return;
	}
	await tx
		.update(notification)
		.set({ withdrawnAt: now })
		.where(
			and(
				eq(notification.topic, topic),
				isNull(notification.withdrawnAt),
				inArray(notification.userId, tx.select({ id: user.id }).from(user).where(eq(user.unitId, unitId)))
			)
		);
}

// Every submission withdraws its month's reminders (the month-end rush): built once.
const withdrawTopic = prepared((db) =>
	db
		.update(notification)
		// Epoch ms, as the column stores it on both databases (the column's own mapping takes no placeholder here).
		.set({ withdrawnAt: sql`${sql.placeholder('at')}` })
		.where(and(eq(notification.topic, sql.placeholder('topic')), isNull(notification.withdrawnAt)))
		.prepare()
);
