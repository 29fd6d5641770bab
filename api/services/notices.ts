import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { indicator, unit, urgeNotice, urgeNoticeIndicator, type NoticeLevel } from '../../db/schema/index.ts';
import type { ServiceContext } from '../context.ts';
import { ApiError, notFound } from '../errors.ts';
import { assertOffice } from './access.ts';
import { isAssigned } from './attachments.ts';
import { audit } from './audit.ts';
import { ownUnitId } from './report-form.ts';
import { enqueueMail } from './mail.ts';
import { renderDigest } from './mail-templates.ts';
import { unitRecipients } from './recipients.ts';
import type { Db } from '../../db/client.ts';

export const noticeNumber = (year: number, seq: number) => `督办〔${year}〕${seq}号`;

/** The office issues a numbered urge notice (numbering restarts each year) to one unit. */
export function issueNotice(
	ctx: ServiceContext,
	input: { unitId: number; indicatorIds: number[]; level: NoticeLevel; message: string }
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
				issuedBy: ctx.actor!.id || null
			})
			.returning()
			.get();
		for (const indicatorId of new Set(input.indicatorIds))
			tx.insert(urgeNoticeIndicator).values({ noticeId: row.id, indicatorId }).run();
		mailNotice(ctx, tx, row, noticeNumber(year, seq));
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

const LEVEL_TEXT = { blue: '蓝色', yellow: '黄色', red: '红色' } as const;

/** Urge notices are mailed to the unit's recipients in the transaction that issues them. */
function mailNotice(ctx: ServiceContext, tx: Db, row: typeof urgeNotice.$inferSelect, number: string) {
	const unitName = tx.select({ name: unit.name }).from(unit).where(eq(unit.id, row.unitId)).get()!.name;
	const { text, html } = renderDigest({
		heading: `${number} 督办通知`,
		intro: `${unitName}：联席办向你单位发出${LEVEL_TEXT[row.level]}督办通知，请登录督办系统签收并按要求办理。`,
		items: [
			{
				key: 'notice',
				light: row.level === 'blue' ? null : row.level,
				title: row.message,
				detail: `发文日期 ${row.issuedOn}`,
				deadline: null,
				link: `${ctx.config.publicUrl}/workspace`
			}
		],
		footer: '本邮件由督办系统自动发送，请勿直接回复。'
	});
	for (const recipient of unitRecipients(tx, row.unitId)) {
		enqueueMail(
			tx,
			{
				dedupeKey: `notice|${row.id}|${recipient}`,
				recipient,
				subject: `【${LEVEL_TEXT[row.level]}督办】${number} ${unitName}`,
				text,
				html
			},
			ctx.clock.now()
		);
	}
}

/** The unit signs for (签收) a notice addressed to it; the time and person are kept. */
export function acknowledgeNotice(ctx: ServiceContext, id: number) {
	const unitId = ownUnitId(ctx);
	const row = ctx.db
		.select()
		.from(urgeNotice)
		.where(and(eq(urgeNotice.id, id), eq(urgeNotice.unitId, unitId)))
		.get();
	if (!row) throw notFound('督办通知');
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
			acknowledgedAt: urgeNotice.acknowledgedAt,
			acknowledgedByName: acknowledger,
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
	return rows.map(({ unitId, unitName, issuedAt, acknowledgedAt, ...r }) => ({
		...r,
		number: noticeNumber(r.year, r.seq),
		issuedAt: issuedAt.toISOString(),
		acknowledgedAt: acknowledgedAt?.toISOString() ?? null,
		unit: { id: unitId, name: unitName },
		indicators: links.filter((l) => l.noticeId === r.id).map(({ noticeId: _n, ...l }) => l)
	}));
}

function visibleNotices(ctx: ServiceContext) {
	const actor = ctx.actor!;
	return actor.role === 'unit' ? eq(urgeNotice.unitId, actor.unit?.id ?? -1) : undefined;
}

export function listNotices(
	ctx: ServiceContext,
	f: { unacknowledged?: boolean; unitId?: number; indicatorId?: number; page: number; pageSize: number }
) {
	const where = and(
		visibleNotices(ctx),
		f.unacknowledged ? isNull(urgeNotice.acknowledgedAt) : undefined,
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
