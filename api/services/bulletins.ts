import { and, desc, eq, sql } from 'drizzle-orm';
import { bulletin } from '../../db/schema/index.ts';
import type { ServiceContext } from '../context.ts';
import { fail, notFound } from '../errors.ts';
import { assertPeriod } from '../lib/dates.ts';
import { assertOffice } from './access.ts';
import { notifyRole } from './notifications.ts';
import { audit } from './audit.ts';
import { buildBulletin, type BulletinContent, type BulletinTexts } from './bulletin-content.ts';

export const bulletinNumber = (year: number, seq: number) => `督查通报〔${year}〕${seq}号`;

function shape(row: typeof bulletin.$inferSelect) {
	return {
		id: row.id,
		period: row.period,
		week: row.week,
		status: row.status,
		title: row.title,
		number: row.seq ? bulletinNumber(row.year, row.seq) : null,
		content: row.content as BulletinContent,
		createdAt: row.createdAt.toISOString(),
		publishedAt: row.publishedAt?.toISOString() ?? null
	};
}

/** The office generates a draft bulletin for a month (or a week, given its Monday) from the data. */
export function createBulletin(ctx: ServiceContext, period: string, week: string | null) {
	assertOffice(ctx.actor);
	assertPeriod(period);
	if (week && new Date(`${week}T00:00:00Z`).getUTCDay() !== 1)
		throw fail('bad_request', 'bulletin.week_monday');
	const today = ctx.clock.today();
	if (`${period}-01` > today) throw fail('bad_request', 'bulletin.month_not_begun');
	const content = buildBulletin(ctx.db, period, week, today);
	return ctx.db.transaction((tx) => {
		const row = tx
			.insert(bulletin)
			.values({
				period,
				week,
				year: Number(today.slice(0, 4)),
				title: content.title,
				content,
				createdAt: ctx.clock.now(),
				createdBy: ctx.actor!.id || null
			})
			.returning()
			.get();
		audit(
			{ ...ctx, db: tx },
			{ action: 'bulletin.create', objectType: 'bulletin', objectId: row.id, after: { period, week } }
		);
		return shape(row);
	});
}

function load(ctx: ServiceContext, id: number) {
	const row = ctx.db.select().from(bulletin).where(eq(bulletin.id, id)).get();
	// Drafts are the office's; published bulletins are for everyone.
	if (!row || (row.status === 'draft' && ctx.actor?.role !== 'office')) throw notFound('bulletin');
	return row;
}

export const getBulletin = (ctx: ServiceContext, id: number) => shape(load(ctx, id));

/** The office edits the text parts of a draft; the tables stay as generated. */
export function editBulletin(
	ctx: ServiceContext,
	id: number,
	input: { title?: string; texts: Partial<BulletinTexts> }
) {
	assertOffice(ctx.actor);
	const row = load(ctx, id);
	if (row.status !== 'draft') throw fail('conflict', 'bulletin.published_locked');
	const before = row.content as BulletinContent;
	const content: BulletinContent = {
		...before,
		title: input.title ?? before.title,
		texts: { ...before.texts, ...input.texts }
	};
	ctx.db.transaction((tx) => {
		tx.update(bulletin).set({ content, title: content.title }).where(eq(bulletin.id, id)).run();
		audit(
			{ ...ctx, db: tx },
			{
				action: 'bulletin.edit',
				objectType: 'bulletin',
				objectId: id,
				before: before.texts,
				after: content.texts
			}
		);
	});
	return getBulletin(ctx, id);
}

/** Publishing numbers the bulletin (per year) and freezes it. */
export function publishBulletin(ctx: ServiceContext, id: number) {
	assertOffice(ctx.actor);
	const row = load(ctx, id);
	if (row.status !== 'draft') throw fail('conflict', 'bulletin.published');
	ctx.db.transaction((tx) => {
		const seq =
			(tx
				.select({ n: sql<number>`coalesce(max(${bulletin.seq}), 0)` })
				.from(bulletin)
				.where(eq(bulletin.year, row.year))
				.get()?.n ?? 0) + 1;
		tx.update(bulletin)
			.set({ status: 'published', seq, publishedAt: ctx.clock.now(), publishedBy: ctx.actor!.id || null })
			.where(eq(bulletin.id, id))
			.run();
		notifyRole({ ...ctx, db: tx }, 'leader', {
			key: `bulletin.publish|${id}`,
			message: {
				code: 'bulletin.published',
				params: { number: bulletinNumber(row.year, seq), title: row.title }
			},
			link: `/bulletins/${id}`,
			light: null
		});
		audit(
			{ ...ctx, db: tx },
			{
				action: 'bulletin.publish',
				objectType: 'bulletin',
				objectId: id,
				after: { number: bulletinNumber(row.year, seq) }
			}
		);
	});
	return getBulletin(ctx, id);
}

export function listBulletins(ctx: ServiceContext, f: { page: number; pageSize: number }) {
	const where = ctx.actor?.role === 'office' ? undefined : eq(bulletin.status, 'published');
	const rows = ctx.db
		.select()
		.from(bulletin)
		.where(and(where))
		.orderBy(desc(bulletin.id))
		.limit(f.pageSize)
		.offset((f.page - 1) * f.pageSize)
		.all();
	const total = ctx.db
		.select({ n: sql<number>`count(*)` })
		.from(bulletin)
		.where(where)
		.get()!.n;
	return {
		items: rows.map((r) => ({ ...shape(r), content: undefined })),
		total,
		page: f.page,
		pageSize: f.pageSize
	};
}
