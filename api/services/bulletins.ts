import { and, desc, eq, sql } from 'drizzle-orm';
import { bulletin, urgeNotice } from '../../db/schema/index.ts';
import { type Db, takeLock, withTransaction, query } from '../../db/client.ts';
import { chineseDate } from '../../web/src/lib/rules/official-doc.ts';
import type { ServiceContext } from '../context.ts';
import { fail, notFound } from '../errors.ts';
import { assertPeriod } from '../lib/dates.ts';
import { assertProvincialOffice } from './access.ts';
import { subtreeRoot } from '../../web/src/lib/rules/access.ts';
import { notifyRole } from './notifications.ts';
import { audit } from './audit.ts';
import {
	buildBulletin,
	rectificationDueOn,
	type BulletinContent,
	type BulletinTexts
} from './bulletin-content.ts';
import { issueNotice, noticeNumber } from './notices.ts';

export const bulletinNumber = (year: number, seq: number) => `督查通报〔${year}〕${seq}号`;

/** The rectification notices a published bulletin issued, with where each stands. */
async function rectificationNotices(db: Db, bulletinId: number) {
	return (
		await query<{
			id: number;
			year: number;
			seq: number;
			unit: string;
			answerDueOn: string | null;
			answers: number;
			closedAt: number | null;
		}>(
			db,
			sql`select n.id, n.year, n.seq, u.name as unit, n.answer_due_on as "answerDueOn", n.closed_at as "closedAt",
				(select count(*) from notice_answer a where a.notice_id = n.id) as answers
				from urge_notice n join unit u on u.id = n.unit_id where n.bulletin_id = ${bulletinId} order by n.seq`
		)
	).map((n) => ({
		id: n.id,
		number: noticeNumber(n.year, n.seq),
		unit: n.unit,
		answerDueOn: n.answerDueOn,
		state: n.closedAt ? ('closed' as const) : n.answers ? ('answered' as const) : ('waiting' as const)
	}));
}

async function shape(row: typeof bulletin.$inferSelect, db: Db) {
	return {
		id: row.id,
		period: row.period,
		week: row.week,
		status: row.status,
		title: row.title,
		number: row.seq ? bulletinNumber(row.year, row.seq) : null,
		content: row.content as BulletinContent,
		createdAt: row.createdAt.toISOString(),
		publishedAt: row.publishedAt?.toISOString() ?? null,
		rectification: row.status === 'published' ? await rectificationNotices(db, row.id) : []
	};
}

/** The office generates a draft bulletin for a month (or a week, given its Monday) from the data. */
export async function createBulletin(
	ctx: ServiceContext,
	input: { period: string; week: string | null; asOf?: string | null }
) {
	const { period, week } = input;
	// A bulletin names every unit of the plan: the provincial office's to write (a level's own: to come).
	assertProvincialOffice(ctx.actor);
	assertPeriod(period);
	if (week && new Date(`${week}T00:00:00Z`).getUTCDay() !== 1)
		throw fail('bad_request', 'bulletin.week_monday');
	const today = ctx.clock.today();
	if (`${period}-01` > today) throw fail('bad_request', 'bulletin.month_not_begun');
	if (input.asOf && input.asOf > today) throw fail('bad_request', 'bulletin.as_of_future');
	if (input.asOf && input.asOf < `${period}-01`) throw fail('bad_request', 'bulletin.as_of_before_period');
	const content = await buildBulletin(ctx.db, input, today);
	return await withTransaction(ctx, async (tx) => {
		const row = (
			await tx.db
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
		)[0]!;
		await audit(tx, {
			action: 'bulletin.create',
			objectType: 'bulletin',
			objectId: row.id,
			after: { period, week, asOf: content.asOf }
		});
		return shape(row, tx.db);
	});
}

async function load(ctx: ServiceContext, id: number) {
	const row = (await ctx.db.select().from(bulletin).where(eq(bulletin.id, id)).limit(1))[0];
	// Drafts are the office's; published bulletins are for everyone but a level's supervisor, whose
	// subtree they go beyond (they name every city's units).
	if (!row || subtreeRoot(ctx.actor!) !== null || (row.status === 'draft' && ctx.actor?.role !== 'office'))
		throw notFound('bulletin');
	return row;
}

export const getBulletin = async (ctx: ServiceContext, id: number) => shape(await load(ctx, id), ctx.db);

/** The office edits the text parts of a draft; the tables stay as generated. */
export async function editBulletin(
	ctx: ServiceContext,
	id: number,
	input: { title?: string; texts: Partial<BulletinTexts> }
) {
	assertProvincialOffice(ctx.actor);
	const row = await load(ctx, id);
	if (row.status !== 'draft') throw fail('conflict', 'bulletin.published_locked');
	const before = row.content as BulletinContent;
	const content: BulletinContent = {
		...before,
		title: input.title ?? before.title,
		texts: { ...before.texts, ...input.texts }
	};
	await withTransaction(ctx, async (tx) => {
		await tx.db.update(bulletin).set({ content, title: content.title }).where(eq(bulletin.id, id));
		await audit(tx, {
			action: 'bulletin.edit',
			objectType: 'bulletin',
			objectId: id,
			before: before.texts,
			after: content.texts
		});
	});
	return getBulletin(ctx, id);
}

/**
 * Publishing numbers the bulletin (per year), freezes it, and issues a rectification notice (整改通知,
 * answer due by the 整改要求's deadline) to every unit it names: the units answer them like any urge notice.
 */
export async function publishBulletin(ctx: ServiceContext, id: number) {
	assertProvincialOffice(ctx.actor);
	const row = await load(ctx, id);
	if (row.status !== 'draft') throw fail('conflict', 'bulletin.published');
	const today = ctx.clock.today();
	const content = row.content as BulletinContent;
	// A draft kept for days still gives the units their full time to answer.
	const dueOn = await rectificationDueOn(ctx.db, today);
	const published: BulletinContent = {
		...content,
		date: today,
		texts: {
			...content.texts,
			rectification: content.texts.rectification?.replaceAll(
				chineseDate(content.rectification.dueOn),
				chineseDate(dueOn)
			)
		},
		rectification: { ...content.rectification, dueOn }
	};
	await withTransaction(ctx, async (tx) => {
		await takeLock(tx.db, 'bulletin', row.year);
		const seq =
			((
				await tx.db
					.select({ n: sql<number>`coalesce(max(${bulletin.seq}), 0)` })
					.from(bulletin)
					.where(eq(bulletin.year, row.year))
					.limit(1)
			)[0]?.n ?? 0) + 1;
		const number = bulletinNumber(row.year, seq);
		await tx.db
			.update(bulletin)
			.set({
				status: 'published',
				seq,
				content: published,
				publishedAt: ctx.clock.now(),
				publishedBy: ctx.actor!.id || null
			})
			.where(eq(bulletin.id, id));
		for (const u of published.rectification.units) {
			const notice = await issueNotice(tx, {
				unitId: u.unitId,
				indicatorIds: u.indicatorIds,
				level: 'yellow',
				message: `根据${number}《${row.title}》整改要求：${u.reasons.join('、')}。请于${chineseDate(dueOn)}前反馈整改情况，逾期将纳入考核。`,
				answerDueOn: dueOn
			});
			await tx.db.update(urgeNotice).set({ bulletinId: id }).where(eq(urgeNotice.id, notice.id));
		}
		await notifyRole(tx, 'leader', {
			key: `bulletin.publish|${id}`,
			message: { code: 'bulletin.published', params: { number, title: row.title } },
			link: `/bulletins/${id}`,
			light: null
		});
		await audit(tx, {
			action: 'bulletin.publish',
			objectType: 'bulletin',
			objectId: id,
			after: { number, rectification: published.rectification }
		});
	});
	return getBulletin(ctx, id);
}

export async function listBulletins(ctx: ServiceContext, f: { page: number; pageSize: number }) {
	const where =
		subtreeRoot(ctx.actor!) !== null
			? sql`1 = 0`
			: ctx.actor?.role === 'office'
				? undefined
				: eq(bulletin.status, 'published');
	const rows = await ctx.db
		.select()
		.from(bulletin)
		.where(and(where))
		.orderBy(desc(bulletin.id))
		.limit(f.pageSize)
		.offset((f.page - 1) * f.pageSize);
	const total = (
		await ctx.db
			.select({ n: sql<number>`count(*)` })
			.from(bulletin)
			.where(where)
			.limit(1)
	)[0]!.n;
	return {
		items: await Promise.all(
			rows.map(async (r) => ({ ...(await shape(r, ctx.db)), content: undefined, rectification: undefined }))
		),
		total,
		page: f.page,
		pageSize: f.pageSize
	};
}
