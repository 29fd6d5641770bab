import { and, asc, desc, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import {
	attachment,
	indicator,
	noticeAnswer,
	unit,
	urgeNotice,
	urgeNoticeIndicator,
	user,
	type NoticeLevel,
	type NoticeState
} from '../../db/schema/index.ts';
import type { ServiceContext } from '../context.ts';
import { fail, notFound } from '../errors.ts';
import { addWorkingDays } from '../lib/workdays.ts';
import { assertOffice, assertUnitVisible, visibleUnits } from './access.ts';
import { isAssigned } from './attachments.ts';
import { audit } from './audit.ts';
import { notifyUnit } from './notifications.ts';
import { ownUnitId } from './report-form.ts';
import { getSettings } from './settings.ts';
import { workCalendar } from './work-calendar.ts';
import { type Db, takeLock, withTransaction } from '../../db/client.ts';
import { subtreeRoot } from '../../web/src/lib/rules/access.ts';
import { placeOf } from '../../web/src/lib/rules/official-doc.ts';

/** 督办〔2020〕12号 in the province's series; a level's carries its place: 杭州市督办〔2020〕3号. */
export const noticeNumber = (year: number, seq: number, issuerName: string | null) =>
	`${issuerName ? placeOf(issuerName) : ''}督办〔${year}〕${seq}号`;

/** The name of a notice's issuing level (null: the province), for `noticeNumber`, from its issuer column. */
export const issuerNameOf = (issuerUnitId: SQL | typeof urgeNotice.issuerUnitId) =>
	sql<string | null>`(select iu.name from unit iu where iu.id = ${issuerUnitId})`;

/** A notice's number, its issuing level named as that government is called today. */
export async function numberOfNotice(
	db: Db,
	row: { year: number; seq: number; issuerUnitId: number | null }
): Promise<string> {
	const issuer =
		row.issuerUnitId === null
			? undefined
			: (await db.select({ name: unit.name }).from(unit).where(eq(unit.id, row.issuerUnitId)).limit(1))[0];
	return noticeNumber(row.year, row.seq, issuer?.name ?? null);
}

/**
 * The office issues a numbered urge notice to one unit, in its level's series (a city's office: the city's;
 * the province's: the province's), numbering restarting each year.
 */
export async function issueNotice(
	ctx: ServiceContext,
	input: {
		unitId: number;
		indicatorIds: number[];
		level: NoticeLevel;
		message: string;
		/** The office may set another answer deadline than the level's default. */
		answerDueOn?: string;
	}
) {
	assertOffice(ctx.actor);
	if (!input.message.trim()) throw fail('bad_request', 'notice.message_required');
	if (!(await ctx.db.select({ id: unit.id }).from(unit).where(eq(unit.id, input.unitId)).limit(1))[0])
		throw fail('bad_request', 'notice.unit_unknown');
	await assertUnitVisible(ctx, input.unitId);
	for (const indicatorId of input.indicatorIds) {
		if (!(await isAssigned(ctx, indicatorId, input.unitId)))
			throw fail('bad_request', 'notice.indicator_not_assigned', { indicatorId });
	}
	const today = ctx.clock.today();
	if (input.answerDueOn && input.answerDueOn < today) throw fail('bad_request', 'notice.due_before_today');
	const answerDueOn = input.answerDueOn ?? (await defaultAnswerDueOn(ctx.db, input.level, today));
	const year = Number(today.slice(0, 4));
	const issuerUnitId = subtreeRoot(ctx.actor!);
	return await withTransaction(ctx, async (tx) => {
		await takeLock(tx.db, 'urge_notice', year);
		const seq =
			((
				await tx.db
					.select({ n: sql<number>`coalesce(max(${urgeNotice.seq}), 0)` })
					.from(urgeNotice)
					.where(
						and(
							eq(urgeNotice.year, year),
							issuerUnitId === null
								? isNull(urgeNotice.issuerUnitId)
								: eq(urgeNotice.issuerUnitId, issuerUnitId)
						)
					)
					.limit(1)
			)[0]?.n ?? 0) + 1;
		const row = (
			await tx.db
				.insert(urgeNotice)
				.values({
					year,
					seq,
					unitId: input.unitId,
					level: input.level,
					message: input.message.trim(),
					issuedOn: today,
					issuedAt: ctx.clock.now(),
					issuedBy: ctx.actor!.id || null,
					answerDueOn,
					issuerUnitId
				})
				.returning()
		)[0]!;
		for (const indicatorId of new Set(input.indicatorIds))
			await tx.db.insert(urgeNoticeIndicator).values({ noticeId: row.id, indicatorId });
		const number = await numberOfNotice(tx.db, row);
		await notifyIssued(tx, row, number);
		await audit(tx, {
			action: 'notice.issue',
			objectType: 'urge_notice',
			objectId: row.id,
			after: { ...row, number, indicatorIds: input.indicatorIds }
		});
		return getNotice(ctx, row.id, tx.db);
	});
}

export const LEVEL_TEXT = { blue: '蓝色', yellow: '黄色', red: '红色' } as const;

/** The default answer deadline: blue 5, yellow 3, red 2 working days after the day given (settings). */
export async function defaultAnswerDueOn(db: Db, level: NoticeLevel, from: string) {
	return addWorkingDays(from, (await getSettings(db)).noticeAnswerDays[level], await workCalendar(db));
}

/** A notice reaches the unit's bell and mail (a red one at once, the others in the next digest). */
async function notifyIssued(ctx: ServiceContext, row: typeof urgeNotice.$inferSelect, number: string) {
	await notifyUnit(ctx, {
		unitId: row.unitId,
		key: `notice.issue|${row.id}`,
		message: {
			code: 'notice.issued',
			params: { number, level: row.level, message: row.message, answerDueOn: row.answerDueOn }
		},
		link: `/notices?notice=${row.id}`,
		light: row.level === 'blue' ? null : row.level,
		urgent: row.level === 'red'
	});
}

/** A notice addressed to the caller's own unit; any other is 404 (another unit's notices don't exist for it). */
export async function ownNotice(ctx: ServiceContext, id: number) {
	const row = (
		await ctx.db
			.select()
			.from(urgeNotice)
			.where(and(eq(urgeNotice.id, id), eq(urgeNotice.unitId, ownUnitId(ctx))))
			.limit(1)
	)[0];
	if (!row) throw notFound('notice');
	return row;
}

/** The unit signs for (签收) a notice addressed to it; the time and person are kept. */
export async function acknowledgeNotice(ctx: ServiceContext, id: number) {
	const row = await ownNotice(ctx, id);
	if (row.acknowledgedAt) throw fail('conflict', 'notice.acknowledged');
	await withTransaction(ctx, async (tx) => {
		await tx.db
			.update(urgeNotice)
			.set({ acknowledgedAt: ctx.clock.now(), acknowledgedBy: ctx.actor!.id })
			.where(eq(urgeNotice.id, id));
		await audit(tx, { action: 'notice.acknowledge', objectType: 'urge_notice', objectId: id });
	});
	return getNotice(ctx, id);
}

// Written out: drizzle drops the table prefix of outer columns inside a select-list subquery.
const acknowledger = sql<
	string | null
>`(select u.name from "user" u where u.id = "urge_notice"."acknowledged_by")`;

/**
 * Where a notice stands, the one rule for the list, its filter and the digests: accepted → 已办结; an
 * answer waiting for the office → 已反馈; past the answer deadline → 逾期未反馈; not signed → 待签收;
 * else 待反馈.
 */
export const noticeState = (today: string) =>
	sql<NoticeState>`(case
		when "urge_notice"."closed_at" is not null then 'closed'
		when exists (select 1 from notice_answer na where na.notice_id = "urge_notice"."id" and na.status = 'pending') then 'answered'
		when "urge_notice"."answer_due_on" < ${today} then 'overdue'
		when "urge_notice"."acknowledged_at" is null then 'unacknowledged'
		else 'awaiting' end)`;

async function noticeRows(
	ctx: ServiceContext,
	where: ReturnType<typeof and>,
	limit: number,
	offset: number,
	db = ctx.db
) {
	const rows = await db
		.select({
			id: urgeNotice.id,
			year: urgeNotice.year,
			seq: urgeNotice.seq,
			issuerName: issuerNameOf(urgeNotice.issuerUnitId),
			level: urgeNotice.level,
			message: urgeNotice.message,
			issuedOn: urgeNotice.issuedOn,
			issuedAt: urgeNotice.issuedAt,
			answerDueOn: urgeNotice.answerDueOn,
			state: noticeState(ctx.clock.today()),
			acknowledgedAt: urgeNotice.acknowledgedAt,
			acknowledgedByName: acknowledger,
			closedAt: urgeNotice.closedAt,
			unitId: unit.id,
			unitName: unit.name
		})
		.from(urgeNotice)
		.innerJoin(unit, eq(unit.id, urgeNotice.unitId))
		.where(where)
		.orderBy(desc(urgeNotice.issuedAt), desc(urgeNotice.id))
		.limit(limit)
		.offset(offset);
	const ids = rows.map((r) => r.id);
	const links = ids.length
		? await db
				.select({
					noticeId: urgeNoticeIndicator.noticeId,
					id: indicator.id,
					text: indicator.text,
					dueOn: indicator.dueOn
				})
				.from(urgeNoticeIndicator)
				.innerJoin(indicator, eq(indicator.id, urgeNoticeIndicator.indicatorId))
				.where(inArray(urgeNoticeIndicator.noticeId, ids))
		: [];
	const answers = await noticeAnswers(db, ids);
	return rows.map(({ unitId, unitName, issuedAt, acknowledgedAt, closedAt, issuerName, ...r }) => ({
		...r,
		number: noticeNumber(r.year, r.seq, issuerName),
		issuedAt: issuedAt.toISOString(),
		acknowledgedAt: acknowledgedAt?.toISOString() ?? null,
		closedAt: closedAt?.toISOString() ?? null,
		unit: { id: unitId, name: unitName },
		indicators: links.filter((l) => l.noticeId === r.id).map(({ noticeId: _n, ...l }) => l),
		answers: answers.filter((a) => a.noticeId === r.id).map(({ noticeId: _n, ...a }) => a)
	}));
}

/** The answers of some notices, oldest first, each with its attachments and the office's decision. */
async function noticeAnswers(db: Db, noticeIds: number[]) {
	if (!noticeIds.length) return [];
	const rows = await db
		.select({
			id: noticeAnswer.id,
			noticeId: noticeAnswer.noticeId,
			text: noticeAnswer.text,
			status: noticeAnswer.status,
			createdAt: noticeAnswer.createdAt,
			byName: user.name,
			decidedAt: noticeAnswer.decidedAt,
			decisionNote: noticeAnswer.decisionNote
		})
		.from(noticeAnswer)
		.leftJoin(user, eq(user.id, noticeAnswer.createdBy))
		.where(inArray(noticeAnswer.noticeId, noticeIds))
		.orderBy(asc(noticeAnswer.id));
	const files = rows.length
		? await db
				.select({
					ownerId: attachment.ownerId,
					id: attachment.id,
					name: attachment.originalName,
					size: attachment.size
				})
				.from(attachment)
				.where(
					and(
						eq(attachment.ownerType, 'notice_answer'),
						inArray(
							attachment.ownerId,
							rows.map((r) => r.id)
						)
					)
				)
		: [];
	return rows.map((r) => ({
		...r,
		createdAt: r.createdAt.toISOString(),
		decidedAt: r.decidedAt?.toISOString() ?? null,
		attachments: files.filter((f) => f.ownerId === r.id).map(({ ownerId: _o, ...f }) => f)
	}));
}

const visibleNotices = (ctx: ServiceContext) => visibleUnits(ctx.actor!, sql`${urgeNotice.unitId}`);

export async function listNotices(
	ctx: ServiceContext,
	f: {
		/** Not signed for yet, whatever else (the workspace banner). */
		unacknowledged?: boolean;
		state?: NoticeState;
		unitId?: number;
		indicatorId?: number;
		page: number;
		pageSize: number;
	}
) {
	const where = and(
		visibleNotices(ctx),
		f.unacknowledged ? isNull(urgeNotice.acknowledgedAt) : undefined,
		f.state ? sql`${noticeState(ctx.clock.today())} = ${f.state}` : undefined,
		f.unitId ? eq(urgeNotice.unitId, f.unitId) : undefined,
		f.indicatorId
			? sql`${urgeNotice.id} in (select notice_id from urge_notice_indicator where indicator_id = ${f.indicatorId})`
			: undefined
	);
	const total = (
		await ctx.db
			.select({ n: sql<number>`count(*)` })
			.from(urgeNotice)
			.where(where)
			.limit(1)
	)[0]!.n;
	return {
		items: await noticeRows(ctx, where, f.pageSize, (f.page - 1) * f.pageSize),
		total,
		page: f.page,
		pageSize: f.pageSize
	};
}

export async function getNotice(ctx: ServiceContext, id: number, db = ctx.db) {
	const [row] = await noticeRows(ctx, and(eq(urgeNotice.id, id), visibleNotices(ctx)), 1, 0, db);
	if (!row) throw notFound('notice');
	return row;
}
