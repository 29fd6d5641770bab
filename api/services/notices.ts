import { and, asc, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
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
import { ApiError, notFound } from '../errors.ts';
import { addWorkingDays } from '../lib/workdays.ts';
import { assertOffice } from './access.ts';
import { isAssigned } from './attachments.ts';
import { audit } from './audit.ts';
import { notifyUnit } from './notifications.ts';
import { ownUnitId } from './report-form.ts';
import { getSettings } from './settings.ts';
import { workCalendar } from './work-calendar.ts';
import type { Db } from '../../db/client.ts';
import { ownUnitOnly } from '../../web/src/lib/rules/access.ts';

export const noticeNumber = (year: number, seq: number) => `督办〔${year}〕${seq}号`;

/** The office issues a numbered urge notice (numbering restarts each year) to one unit. */
export function issueNotice(
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
	if (!input.message.trim()) throw new ApiError('bad_request', '请填写督办事项');
	if (!ctx.db.select({ id: unit.id }).from(unit).where(eq(unit.id, input.unitId)).get())
		throw new ApiError('bad_request', '单位不存在');
	for (const indicatorId of input.indicatorIds) {
		if (!isAssigned(ctx, indicatorId, input.unitId))
			throw new ApiError('bad_request', `指标 ${indicatorId} 不是该单位的任务`);
	}
	const today = ctx.clock.today();
	if (input.answerDueOn && input.answerDueOn < today)
		throw new ApiError('bad_request', '反馈期限不能早于今天');
	const answerDueOn = input.answerDueOn ?? defaultAnswerDueOn(ctx.db, input.level, today);
	const year = Number(today.slice(0, 4));
	return ctx.db.transaction((tx) => {
		const seq =
			(tx
				.select({ n: sql<number>`coalesce(max(${urgeNotice.seq}), 0)` })
				.from(urgeNotice)
				.where(eq(urgeNotice.year, year))
				.get()?.n ?? 0) + 1;
		const row = tx
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
				answerDueOn
			})
			.returning()
			.get();
		for (const indicatorId of new Set(input.indicatorIds))
			tx.insert(urgeNoticeIndicator).values({ noticeId: row.id, indicatorId }).run();
		notifyIssued({ ...ctx, db: tx }, row, noticeNumber(year, seq));
		audit(
			{ ...ctx, db: tx },
			{
				action: 'notice.issue',
				objectType: 'urge_notice',
				objectId: row.id,
				after: { ...row, number: noticeNumber(year, seq), indicatorIds: input.indicatorIds }
			}
		);
		return getNotice(ctx, row.id, tx);
	});
}

export const LEVEL_TEXT = { blue: '蓝色', yellow: '黄色', red: '红色' } as const;

/** The default answer deadline: blue 5, yellow 3, red 2 working days after the day given (settings). */
export function defaultAnswerDueOn(db: Db, level: NoticeLevel, from: string) {
	return addWorkingDays(from, getSettings(db).noticeAnswerDays[level], workCalendar(db));
}

/** A notice reaches the unit's bell and mail (a red one at once, the others in the next digest). */
function notifyIssued(ctx: ServiceContext, row: typeof urgeNotice.$inferSelect, number: string) {
	notifyUnit(ctx, {
		unitId: row.unitId,
		key: `notice.issue|${row.id}`,
		title: `${number} ${LEVEL_TEXT[row.level]}督办通知`,
		body: `${row.message}（请签收并于 ${row.answerDueOn} 前反馈办理情况）`,
		link: `/notices?notice=${row.id}`,
		light: row.level === 'blue' ? null : row.level,
		urgent: row.level === 'red'
	});
}

/** A notice addressed to the caller's own unit; any other is 404 (another unit's notices don't exist for it). */
export function ownNotice(ctx: ServiceContext, id: number) {
	const row = ctx.db
		.select()
		.from(urgeNotice)
		.where(and(eq(urgeNotice.id, id), eq(urgeNotice.unitId, ownUnitId(ctx))))
		.get();
	if (!row) throw notFound('督办通知');
	return row;
}

/** The unit signs for (签收) a notice addressed to it; the time and person are kept. */
export function acknowledgeNotice(ctx: ServiceContext, id: number) {
	const row = ownNotice(ctx, id);
	if (row.acknowledgedAt) throw new ApiError('conflict', '该通知已签收');
	ctx.db.transaction((tx) => {
		tx.update(urgeNotice)
			.set({ acknowledgedAt: ctx.clock.now(), acknowledgedBy: ctx.actor!.id })
			.where(eq(urgeNotice.id, id))
			.run();
		audit({ ...ctx, db: tx }, { action: 'notice.acknowledge', objectType: 'urge_notice', objectId: id });
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

function noticeRows(
	ctx: ServiceContext,
	where: ReturnType<typeof and>,
	limit: number,
	offset: number,
	db = ctx.db
) {
	const rows = db
		.select({
			id: urgeNotice.id,
			year: urgeNotice.year,
			seq: urgeNotice.seq,
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
		.offset(offset)
		.all();
	const ids = rows.map((r) => r.id);
	const links = ids.length
		? db
				.select({
					noticeId: urgeNoticeIndicator.noticeId,
					id: indicator.id,
					text: indicator.text,
					dueOn: indicator.dueOn
				})
				.from(urgeNoticeIndicator)
				.innerJoin(indicator, eq(indicator.id, urgeNoticeIndicator.indicatorId))
				.where(inArray(urgeNoticeIndicator.noticeId, ids))
				.all()
		: [];
	const answers = noticeAnswers(db, ids);
	return rows.map(({ unitId, unitName, issuedAt, acknowledgedAt, closedAt, ...r }) => ({
		...r,
		number: noticeNumber(r.year, r.seq),
		issuedAt: issuedAt.toISOString(),
		acknowledgedAt: acknowledgedAt?.toISOString() ?? null,
		closedAt: closedAt?.toISOString() ?? null,
		unit: { id: unitId, name: unitName },
		indicators: links.filter((l) => l.noticeId === r.id).map(({ noticeId: _n, ...l }) => l),
		answers: answers.filter((a) => a.noticeId === r.id).map(({ noticeId: _n, ...a }) => a)
	}));
}

/** The answers of some notices, oldest first, each with its attachments and the office's decision. */
function noticeAnswers(db: Db, noticeIds: number[]) {
	if (!noticeIds.length) return [];
	const rows = db
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
		.orderBy(asc(noticeAnswer.id))
		.all();
	const files = rows.length
		? db
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
				.all()
		: [];
	return rows.map((r) => ({
		...r,
		createdAt: r.createdAt.toISOString(),
		decidedAt: r.decidedAt?.toISOString() ?? null,
		attachments: files.filter((f) => f.ownerId === r.id).map(({ ownerId: _o, ...f }) => f)
	}));
}

function visibleNotices(ctx: ServiceContext) {
	const own = ownUnitOnly(ctx.actor!);
	return own === null ? undefined : eq(urgeNotice.unitId, own);
}

export function listNotices(
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
	const total = ctx.db
		.select({ n: sql<number>`count(*)` })
		.from(urgeNotice)
		.where(where)
		.get()!.n;
	return {
		items: noticeRows(ctx, where, f.pageSize, (f.page - 1) * f.pageSize),
		total,
		page: f.page,
		pageSize: f.pageSize
	};
}

export function getNotice(ctx: ServiceContext, id: number, db = ctx.db) {
	const [row] = noticeRows(ctx, and(eq(urgeNotice.id, id), visibleNotices(ctx)), 1, 0, db);
	if (!row) throw notFound('督办通知');
	return row;
}
