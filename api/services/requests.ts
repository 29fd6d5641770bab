import { and, desc, eq, isNull, sql } from 'drizzle-orm';
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
import { refreshSupervision } from './alerts.ts';
import { maySignOff } from '../../web/src/lib/rules/lights.ts';
import { linkAttachments } from './attachments.ts';
import { notifyUnit, reminderTopic, withdrawReminders } from './notifications.ts';
import { ownUnitId } from './report-form.ts';
import { ownUnitOnly } from '../../web/src/lib/rules/access.ts';

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
 * Completion (办结) is asked by the units accountable for it: the lead of a joint indicator (for all), any
 * unit of an each-owes one (for its own part). An extension by any unit on the indicator, marked late
 * when asked after that unit's due date.
 */
export function createRequest(ctx: ServiceContext, input: NewRequest) {
	const unitId = ownUnitId(ctx);
	const own = ctx.db
		.select({ role: assignment.role, dueOn: assignment.dueOn, completedOn: assignment.completedOn })
		.from(assignment)
		.where(and(eq(assignment.indicatorId, input.indicatorId), eq(assignment.unitId, unitId)))
		.get();
	if (!own) throw notFound('指标');
	const ind = ctx.db.select().from(indicator).where(eq(indicator.id, input.indicatorId)).get()!;
	if (ind.status === 'completed') throw new ApiError('conflict', '该指标已办结');
	if (own.completedOn) throw new ApiError('conflict', '本单位承担的部分已办结');
	if (input.kind === 'completion' && !maySignOff(ind.kind, own.role))
		throw new ApiError('forbidden', '只有牵头单位可以申请办结，配合单位请与牵头单位协调');
	if (!input.statement.trim())
		throw new ApiError('bad_request', input.kind === 'completion' ? '请填写完成情况说明' : '请填写延期理由');
	const today = ctx.clock.today();
	const dueOn = own.dueOn ?? ind.dueOn;
	if (input.kind === 'extension') {
		if (!input.newDueOn) throw new ApiError('bad_request', '请填写申请延期到的日期');
		if (input.newDueOn <= today) throw new ApiError('bad_request', '新的完成日期应晚于今天');
		if (dueOn && input.newDueOn <= dueOn) throw new ApiError('bad_request', '新的完成日期应晚于当前截止日期');
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
				late: input.kind === 'extension' && !!dueOn && today > dueOn,
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
 * The office approves or rejects. An approved completion signs off the whole indicator (joint) or the
 * asking unit's part (each-owes; the indicator is complete when every part is), on time or late against
 * the original due date. An approved extension moves the indicator's due date (joint) or the unit's own
 * (each-owes). The lights and counts of every page change in the same transaction.
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
		const own = and(eq(assignment.indicatorId, ind.id), eq(assignment.unitId, row.unitId));
		const part = tx.select().from(assignment).where(own).get();
		if (approve && (ind.status === 'completed' || part?.completedOn))
			throw new ApiError('conflict', '该指标已办结');
		tx.update(request)
			.set({
				status: approve ? 'approved' : 'rejected',
				decidedAt: now,
				decidedBy: ctx.actor!.id || null,
				decisionNote: note.trim() || null
			})
			.where(eq(request.id, id))
			.run();
		const whole = ind.kind === 'joint';
		if (approve && row.kind === 'completion') {
			tx.update(assignment)
				.set({ completedOn: today })
				.where(whole ? eq(assignment.indicatorId, ind.id) : own)
				.run();
			const open = tx
				.select({ n: sql<number>`count(*)` })
				.from(assignment)
				.where(and(eq(assignment.indicatorId, ind.id), isNull(assignment.completedOn)))
				.get()!.n;
			if (!open)
				tx.update(indicator)
					.set({ status: 'completed', completedOn: today })
					.where(eq(indicator.id, ind.id))
					.run();
			// The signed-off part's reminders leave the bell: every unit's when the indicator is done.
			withdrawReminders(tx, reminderTopic.indicator(ind.id), now, whole || !open ? undefined : row.unitId);
		}
		if (approve && row.kind === 'extension') {
			if (whole) {
				tx.update(indicator).set({ dueOn: row.newDueOn }).where(eq(indicator.id, ind.id)).run();
				// The new date is every unit's: per-level dates from the plan's table no longer apply.
				tx.update(assignment).set({ dueOn: null }).where(eq(assignment.indicatorId, ind.id)).run();
			} else tx.update(assignment).set({ dueOn: row.newDueOn }).where(own).run();
			tx.insert(dueDateChange)
				.values({
					indicatorId: ind.id,
					unitId: whole ? null : row.unitId,
					fromDueOn: whole ? ind.dueOn : (part?.dueOn ?? ind.dueOn),
					toDueOn: row.newDueOn!,
					requestId: id,
					reason: row.statement,
					at: now,
					by: ctx.actor!.id || null
				})
				.run();
		}
		if (approve) {
			const cause = row.kind === 'completion' ? 'signed_off' : 'extended';
			refreshSupervision(tx, today, { indicatorIds: [ind.id] }, cause);
			// A signed-off part ends the unit's monthly reporting on it.
			if (row.kind === 'completion') refreshSupervision(tx, today, { unitIds: unitsOf(tx, ind.id) }, cause);
		}
		notifyDecision({ ...ctx, db: tx }, row, ind, approve, note.trim(), whole);
		audit(
			{ ...ctx, db: tx },
			{
				action: `request.${row.kind}.${approve ? 'approve' : 'reject'}`,
				objectType: 'request',
				objectId: id,
				before: {
					request: row.status,
					indicator: { status: ind.status, dueOn: ind.dueOn },
					part: part && { dueOn: part.dueOn, completedOn: part.completedOn }
				},
				after: { request: approve ? 'approved' : 'rejected', note, scope: whole ? 'indicator' : 'unit' }
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
	note: string,
	whole: boolean
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
	// A unit's own extension (each-owes) moves no other unit's date.
	if (!approve || row.kind !== 'extension' || !whole) return;
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

const unitsOf = (tx: ServiceContext['db'], indicatorId: number) =>
	tx
		.select({ unitId: assignment.unitId })
		.from(assignment)
		.where(eq(assignment.indicatorId, indicatorId))
		.all()
		.map((a) => a.unitId);

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
	const own = ownUnitOnly(ctx.actor!);
	const where = and(
		own === null ? undefined : eq(request.unitId, own),
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
		.where(and(eq(request.id, id), visibleIndicators(actor)))
		.get();
	if (!row) throw notFound('申请');
	const files = ctx.db
		.select({ id: attachment.id, name: attachment.originalName, size: attachment.size })
		.from(attachment)
		.where(and(eq(attachment.ownerType, 'request'), eq(attachment.ownerId, id)))
		.all();
	return { ...shape(row), attachments: files };
}
