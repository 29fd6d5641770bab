import { and, desc, eq, sql } from 'drizzle-orm';
import {
	assignment,
	attachment,
	dueDateChange,
	indicator,
	request,
	task,
	unit,
	user,
	type RequestKind
} from '../../db/schema/index.ts';
import type { ServiceContext } from '../context.ts';
import { ApiError, notFound } from '../errors.ts';
import { assertOffice, visibleIndicators } from './access.ts';
import { audit } from './audit.ts';
import { resolveIndicatorAlerts } from './alerts.ts';
import { linkAttachments } from './attachments.ts';
import { notifyUnit, reminderTopic, withdrawReminders } from './notifications.ts';
import { ownUnitId } from './report-form.ts';

export type NewRequest = {
	kind: RequestKind;
	indicatorId: number;
	statement: string;
	newDueOn?: string;
	attachmentIds: number[];
};

export const REQUEST_KIND_LABELS: Record<RequestKind, string> = {
	completion: '办结申请',
	extension: '延期申请'
};

/**
 * Completion (办结) is asked by a lead unit only; an extension (延期) by any unit on the indicator,
 * marked late when asked after the due date.
 */
export function createRequest(ctx: ServiceContext, input: NewRequest) {
	const unitId = ownUnitId(ctx);
	const role = ctx.db
		.select({ role: assignment.role })
		.from(assignment)
		.where(and(eq(assignment.indicatorId, input.indicatorId), eq(assignment.unitId, unitId)))
		.get()?.role;
	if (!role) throw notFound('指标');
	const ind = ctx.db.select().from(indicator).where(eq(indicator.id, input.indicatorId)).get()!;
	if (ind.status === 'completed') throw new ApiError('conflict', '该指标已办结');
	if (input.kind === 'completion' && role !== 'lead')
		throw new ApiError('forbidden', '只有牵头单位可以申请办结，配合单位请与牵头单位协调');
	if (!input.statement.trim())
		throw new ApiError('bad_request', input.kind === 'completion' ? '请填写完成情况说明' : '请填写延期理由');
	const today = ctx.clock.today();
	if (input.kind === 'extension') {
		if (!input.newDueOn) throw new ApiError('bad_request', '请填写申请延期到的日期');
		if (input.newDueOn <= today) throw new ApiError('bad_request', '新的完成日期应晚于今天');
		if (ind.dueOn && input.newDueOn <= ind.dueOn)
			throw new ApiError('bad_request', '新的完成日期应晚于当前截止日期');
	}
	const pending = ctx.db
		.select({ id: request.id })
		.from(request)
		.where(
			and(
				eq(request.indicatorId, input.indicatorId),
				eq(request.unitId, unitId),
				eq(request.kind, input.kind),
				eq(request.status, 'pending')
			)
		)
		.get();
	if (pending) throw new ApiError('conflict', `本单位已有一份待审批的${REQUEST_KIND_LABELS[input.kind]}`);
	return ctx.db.transaction((tx) => {
		const row = tx
			.insert(request)
			.values({
				kind: input.kind,
				indicatorId: input.indicatorId,
				unitId,
				statement: input.statement.trim(),
				newDueOn: input.kind === 'extension' ? input.newDueOn : null,
				late: input.kind === 'extension' && !!ind.dueOn && today > ind.dueOn,
				createdAt: ctx.clock.now(),
				createdBy: ctx.actor!.id
			})
			.returning()
			.get();
		linkAttachments(tx, input.attachmentIds, unitId, 'request', row.id);
		audit(
			{ ...ctx, db: tx },
			{ action: `request.${input.kind}.create`, objectType: 'request', objectId: row.id, after: row }
		);
		return row;
	});
}

/**
 * The office approves or rejects. An approved completion closes the indicator today (on time or late
 * against its original due date); an approved extension moves the due date and records the change.
 */
export function decideRequest(ctx: ServiceContext, id: number, approve: boolean, note: string) {
	assertOffice(ctx.actor);
	const row = ctx.db.select().from(request).where(eq(request.id, id)).get();
	if (!row) throw notFound('申请');
	if (row.status !== 'pending') throw new ApiError('conflict', '该申请已处理');
	if (!approve && !note.trim()) throw new ApiError('bad_request', '退回或不同意时请填写理由');
	const today = ctx.clock.today();
	const now = ctx.clock.now();
	ctx.db.transaction((tx) => {
		const ind = tx.select().from(indicator).where(eq(indicator.id, row.indicatorId)).get()!;
		if (approve && ind.status === 'completed') throw new ApiError('conflict', '该指标已办结');
		tx.update(request)
			.set({
				status: approve ? 'approved' : 'rejected',
				decidedAt: now,
				decidedBy: ctx.actor!.id || null,
				decisionNote: note.trim() || null
			})
			.where(eq(request.id, id))
			.run();
		if (approve && row.kind === 'completion') {
			tx.update(indicator)
				.set({ status: 'completed', completedOn: today })
				.where(eq(indicator.id, ind.id))
				.run();
			// A signed-off indicator's lights go out at once, not at the next daily evaluation.
			resolveIndicatorAlerts(tx, ind.id, today, '已办结');
			withdrawReminders(tx, reminderTopic.indicator(ind.id), now);
		}
		if (approve && row.kind === 'extension') {
			tx.update(indicator).set({ dueOn: row.newDueOn }).where(eq(indicator.id, ind.id)).run();
			tx.insert(dueDateChange)
				.values({
					indicatorId: ind.id,
					fromDueOn: ind.dueOn,
					toDueOn: row.newDueOn!,
					requestId: id,
					reason: row.statement,
					at: now,
					by: ctx.actor!.id || null
				})
				.run();
		}
		notifyDecision({ ...ctx, db: tx }, row, ind, approve, note.trim());
		audit(
			{ ...ctx, db: tx },
			{
				action: `request.${row.kind}.${approve ? 'approve' : 'reject'}`,
				objectType: 'request',
				objectId: id,
				before: { request: row.status, indicator: { status: ind.status, dueOn: ind.dueOn } },
				after: { request: approve ? 'approved' : 'rejected', note }
			}
		);
	});
	return getRequest(ctx, id);
}

/**
 * The asking unit hears of the decision with the office's note; when an extension moves the due date,
 * the indicator's other units hear of the new date too.
 */
function notifyDecision(
	ctx: ServiceContext,
	row: typeof request.$inferSelect,
	ind: typeof indicator.$inferSelect,
	approve: boolean,
	note: string
) {
	const label = REQUEST_KIND_LABELS[row.kind];
	const text = ind.text.length > 40 ? `${ind.text.slice(0, 40)}…` : ind.text;
	const link = `/indicators/${ind.id}`;
	notifyUnit(ctx, {
		unitId: row.unitId,
		key: `request.decide|${row.id}`,
		title: `${label}${approve ? '已批准' : '未同意'}：${text}`,
		body:
			(approve && row.kind === 'extension' ? `截止日期调整为 ${row.newDueOn}。` : '') +
			(note ? `联席办意见：${note}` : approve ? '联席办已同意。' : ''),
		link,
		light: approve ? null : 'yellow'
	});
	if (!approve || row.kind !== 'extension') return;
	const others = ctx.db
		.select({ unitId: assignment.unitId })
		.from(assignment)
		.where(eq(assignment.indicatorId, ind.id))
		.all()
		.filter((a) => a.unitId !== row.unitId);
	for (const { unitId } of others)
		notifyUnit(ctx, {
			unitId,
			key: `plan.due|${row.id}|${unitId}`,
			title: `计划调整：截止日期调整为 ${row.newDueOn}`,
			body: `${text}（原截止 ${ind.dueOn ?? '无'}）`,
			link,
			light: null
		});
}

const columns = {
	id: request.id,
	kind: request.kind,
	status: request.status,
	statement: request.statement,
	newDueOn: request.newDueOn,
	late: request.late,
	createdAt: request.createdAt,
	decidedAt: request.decidedAt,
	decisionNote: request.decisionNote,
	indicatorId: indicator.id,
	indicatorText: indicator.text,
	taskTitle: task.title,
	dueOn: indicator.dueOn,
	originalDueOn: indicator.originalDueOn,
	unitId: unit.id,
	unitName: unit.name,
	createdByName: user.name
};

function shape<T extends { createdAt: Date; decidedAt: Date | null }>(r: T) {
	return { ...r, createdAt: r.createdAt.toISOString(), decidedAt: r.decidedAt?.toISOString() ?? null };
}

export function listRequests(
	ctx: ServiceContext,
	f: {
		status?: 'pending' | 'approved' | 'rejected';
		kind?: RequestKind;
		indicatorId?: number;
		page: number;
		pageSize: number;
	}
) {
	const actor = ctx.actor!;
	const where = and(
		actor.role === 'unit' ? eq(request.unitId, actor.unit?.id ?? -1) : undefined,
		f.status ? eq(request.status, f.status) : undefined,
		f.kind ? eq(request.kind, f.kind) : undefined,
		f.indicatorId ? eq(request.indicatorId, f.indicatorId) : undefined
	);
	const base = () =>
		ctx.db
			.select(columns)
			.from(request)
			.innerJoin(indicator, eq(indicator.id, request.indicatorId))
			.innerJoin(task, eq(task.id, indicator.taskId))
			.innerJoin(unit, eq(unit.id, request.unitId))
			.leftJoin(user, eq(user.id, request.createdBy));
	const items = base()
		.where(where)
		.orderBy(sql`${request.status} <> 'pending'`, desc(request.createdAt))
		.limit(f.pageSize)
		.offset((f.page - 1) * f.pageSize)
		.all()
		.map(shape);
	const total = ctx.db
		.select({ n: sql<number>`count(*)` })
		.from(request)
		.where(where)
		.get()!.n;
	return { items, total, page: f.page, pageSize: f.pageSize };
}

export function getRequest(ctx: ServiceContext, id: number) {
	const actor = ctx.actor!;
	const row = ctx.db
		.select(columns)
		.from(request)
		.innerJoin(indicator, eq(indicator.id, request.indicatorId))
		.innerJoin(task, eq(task.id, indicator.taskId))
		.innerJoin(unit, eq(unit.id, request.unitId))
		.leftJoin(user, eq(user.id, request.createdBy))
		.where(and(eq(request.id, id), actor.role === 'unit' ? visibleIndicators(actor) : undefined))
		.get();
	if (!row) throw notFound('申请');
	const files = ctx.db
		.select({ id: attachment.id, name: attachment.originalName, size: attachment.size })
		.from(attachment)
		.where(and(eq(attachment.ownerType, 'request'), eq(attachment.ownerId, id)))
		.all();
	return { ...shape(row), attachments: files };
}
