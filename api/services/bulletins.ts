import { and, desc, eq, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import { bulletin, unit, urgeNotice } from '../../db/schema/index.ts';
import { type Db, takeLock, withTransaction, query } from '../../db/client.ts';
import { chineseDate, placeOf } from '../../web/src/lib/rules/official-doc.ts';
import type { ServiceContext } from '../context.ts';
import { fail, forbidden, notFound } from '../errors.ts';
import { assertPeriod } from '../lib/dates.ts';
import { assertOffice, lineageOf, unitsUnder } from './access.ts';
import { bulletinIssuer, bulletinScope, mayIssueBulletin } from '../../web/src/lib/rules/access.ts';
import { notifyRole } from './notifications.ts';
import { audit } from './audit.ts';
import {
	buildBulletin,
	rectificationDueOn,
	type BulletinContent,
	type BulletinIssuer,
	type BulletinTexts
} from './bulletin-content.ts';
import { issueNotice, issuerNameOf, noticeNumber } from './notices.ts';

/** 督查通报〔2020〕3号 for the province's series; a level's carries its place: 杭州市督查通报〔2020〕1号. */
export const bulletinNumber = (year: number, seq: number, issuer?: BulletinIssuer | null) =>
	`${issuer ? placeOf(issuer.name) : ''}督查通报〔${year}〕${seq}号`;

/**
 * The bulletins the caller may read (rules/access.ts bulletinScope), as a condition: the published ones of
 * the levels over it, and those issued in its subtree (drafts for the office only).
 */
async function visibleBulletins(ctx: ServiceContext): Promise<SQL | undefined> {
	const actor = ctx.actor!;
	const scope = bulletinScope(actor);
	const published = eq(bulletin.status, 'published');
	const mayReadDrafts = actor.role === 'office';
	if (scope.kind === 'all') return mayReadDrafts ? undefined : published;
	const above = await lineageOf(ctx, scope.over);
	const fromAbove = and(
		published,
		above.length
			? or(isNull(bulletin.issuerUnitId), inArray(bulletin.issuerUnitId, above))
			: isNull(bulletin.issuerUnitId)
	);
	if (scope.under === null) return fromAbove;
	const issuedUnder = sql`${bulletin.issuerUnitId} in ${unitsUnder(scope.under)}`;
	return or(mayReadDrafts ? issuedUnder : and(issuedUnder, published), fromAbove);
}

/** A draft or a published bulletin is changed by the office of its own level only (the province reads a city's). */
function assertIssuer(ctx: ServiceContext, row: typeof bulletin.$inferSelect) {
	if (!mayIssueBulletin(ctx.actor!, row.issuerUnitId)) throw forbidden('bulletin.other_level');
}

/** The rectification notices a published bulletin issued, with where each stands. */
async function rectificationNotices(db: Db, bulletinId: number) {
	return (
		await query<{
			id: number;
			year: number;
			seq: number;
			issuerName: string | null;
			unit: string;
			answerDueOn: string | null;
			answers: number;
			closedAt: number | null;
		}>(
			db,
			sql`select n.id, n.year, n.seq, ${issuerNameOf(sql`n.issuer_unit_id`)} as "issuerName", u.name as unit, n.answer_due_on as "answerDueOn", n.closed_at as "closedAt",
				(select count(*) from notice_answer a where a.notice_id = n.id) as answers
				from urge_notice n join unit u on u.id = n.unit_id where n.bulletin_id = ${bulletinId} order by n.seq`
		)
	).map((n) => ({
		id: n.id,
		number: noticeNumber(n.year, n.seq, n.issuerName),
		unit: n.unit,
		answerDueOn: n.answerDueOn,
		state: n.closedAt ? ('closed' as const) : n.answers ? ('answered' as const) : ('waiting' as const)
	}));
}

async function shape(row: typeof bulletin.$inferSelect, db: Db) {
	const issuer = (row.content as BulletinContent).issuer ?? null;
	return {
		id: row.id,
		period: row.period,
		week: row.week,
		status: row.status,
		title: row.title,
		issuer,
		number: row.seq ? bulletinNumber(row.year, row.seq, issuer) : null,
		content: row.content as BulletinContent,
		createdAt: row.createdAt.toISOString(),
		publishedAt: row.publishedAt?.toISOString() ?? null,
		rectification: row.status === 'published' ? await rectificationNotices(db, row.id) : []
	};
}

/**
 * The office generates a draft bulletin for a month (or a week, given its Monday) from the data: the
 * provincial office about every unit, a level's supervisor about its subtree, as its own level's.
 */
export async function createBulletin(
	ctx: ServiceContext,
	input: { period: string; week: string | null; asOf?: string | null }
) {
	const { period, week } = input;
	assertOffice(ctx.actor);
	assertPeriod(period);
	if (week && new Date(`${week}T00:00:00Z`).getUTCDay() !== 1)
		throw fail('bad_request', 'bulletin.week_monday');
	const today = ctx.clock.today();
	if (`${period}-01` > today) throw fail('bad_request', 'bulletin.month_not_begun');
	if (input.asOf && input.asOf > today) throw fail('bad_request', 'bulletin.as_of_future');
	if (input.asOf && input.asOf < `${period}-01`) throw fail('bad_request', 'bulletin.as_of_before_period');
	const issuerUnitId = bulletinIssuer(ctx.actor);
	const issuer =
		issuerUnitId === null
			? null
			: (
					await ctx.db
						.select({ unitId: unit.id, name: unit.name })
						.from(unit)
						.where(eq(unit.id, issuerUnitId))
						.limit(1)
				)[0]!;
	const content = await buildBulletin(ctx.db, input, today, issuer);
	return await withTransaction(ctx, async (tx) => {
		const row = (
			await tx.db
				.insert(bulletin)
				.values({
					period,
					week,
					issuerUnitId,
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
			after: { period, week, asOf: content.asOf, issuerUnitId }
		});
		return shape(row, tx.db);
	});
}

/** A bulletin the caller may read; any other is 404 (another level's do not exist for it). */
async function load(ctx: ServiceContext, id: number) {
	const row = (
		await ctx.db
			.select()
			.from(bulletin)
			.where(and(eq(bulletin.id, id), await visibleBulletins(ctx)))
			.limit(1)
	)[0];
	if (!row) throw notFound('bulletin');
	return row;
}

export const getBulletin = async (ctx: ServiceContext, id: number) => shape(await load(ctx, id), ctx.db);

/** The office edits the text parts of a draft; the tables stay as generated. */
export async function editBulletin(
	ctx: ServiceContext,
	id: number,
	input: { title?: string; texts: Partial<BulletinTexts> }
) {
	assertOffice(ctx.actor);
	const row = await load(ctx, id);
	assertIssuer(ctx, row);
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
 * Publishing numbers the bulletin (in its level's series, per year), freezes it, and issues a rectification notice (整改通知,
 * answer due by the 整改要求's deadline) to every unit it names: the units answer them like any urge notice.
 */
export async function publishBulletin(ctx: ServiceContext, id: number) {
	assertOffice(ctx.actor);
	const row = await load(ctx, id);
	assertIssuer(ctx, row);
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
		// One lock per year for every level's series (publishing is rare); the partial unique indexes are the
		// guarantee, the lock keeps concurrent publishers on PostgreSQL from failing on them.
		await takeLock(tx.db, 'bulletin', row.year);
		// The draft is re-read under the lock: a concurrent publish of the same draft numbers it once.
		const current = (
			await tx.db.select({ status: bulletin.status }).from(bulletin).where(eq(bulletin.id, id))
		)[0];
		if (current?.status !== 'draft') throw fail('conflict', 'bulletin.published');
		const seq =
			((
				await tx.db
					.select({ n: sql<number>`coalesce(max(${bulletin.seq}), 0)` })
					.from(bulletin)
					.where(
						and(
							eq(bulletin.year, row.year),
							row.issuerUnitId === null
								? isNull(bulletin.issuerUnitId)
								: eq(bulletin.issuerUnitId, row.issuerUnitId)
						)
					)
					.limit(1)
			)[0]?.n ?? 0) + 1;
		const number = bulletinNumber(row.year, seq, content.issuer);
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
		// A level's bulletin reaches the leaders who read it: the province's and its own level's.
		await notifyRole(
			tx,
			'leader',
			{
				key: `bulletin.publish|${id}`,
				message: { code: 'bulletin.published', params: { number, title: row.title } },
				link: `/bulletins/${id}`,
				light: null
			},
			row.issuerUnitId ?? undefined
		);
		await audit(tx, {
			action: 'bulletin.publish',
			objectType: 'bulletin',
			objectId: id,
			after: { number, rectification: published.rectification }
		});
	});
	return getBulletin(ctx, id);
}

/** The bulletins the caller reads, newest first; `issuer` narrows to one level's (or the province's). */
export async function listBulletins(
	ctx: ServiceContext,
	f: { page: number; pageSize: number; issuer?: number | 'province' }
) {
	const where = and(
		await visibleBulletins(ctx),
		f.issuer === undefined
			? undefined
			: f.issuer === 'province'
				? isNull(bulletin.issuerUnitId)
				: eq(bulletin.issuerUnitId, f.issuer)
	);
	const rows = await ctx.db
		.select()
		.from(bulletin)
		.where(where)
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
	// The levels whose bulletins the caller reads (for its filter): named as their governments are today.
	const issuers = await ctx.db
		.selectDistinct({ unitId: unit.id, name: unit.name })
		.from(bulletin)
		.innerJoin(unit, eq(unit.id, bulletin.issuerUnitId))
		.where(await visibleBulletins(ctx))
		.orderBy(unit.name);
	return {
		issuers,
		items: await Promise.all(
			rows.map(async (r) => ({ ...(await shape(r, ctx.db)), content: undefined, rectification: undefined }))
		),
		total,
		page: f.page,
		pageSize: f.pageSize
	};
}
