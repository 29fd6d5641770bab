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
import { fail, notFound } from '../errors.ts';
import { assertMayDecideFor, assertOffice, visibleIndicators, visibleUnits } from './access.ts';
import { audit } from './audit.ts';
import { refreshSupervision } from './alerts.ts';
import { maySignOff } from '../../web/src/lib/rules/lights.ts';
import { linkAttachments } from './attachments.ts';
import { notifyUnit, reminderTopic, withdrawReminders } from './notifications.ts';
import { ownUnitId } from './report-form.ts';
import { isUniqueViolation, withTransaction } from '../../db/client.ts';

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
export async function createRequest(ctx: ServiceContext, input: NewRequest) {
	const unitId = ownUnitId(ctx);
	const own = (
		await ctx.db
			.select({
				id: assignment.id,
				role: assignment.role,
				dueOn: assignment.dueOn,
				completedOn: assignment.completedOn,
				parentId: assignment.parentId
			})
			.from(assignment)
			.where(and(eq(assignment.indicatorId, input.indicatorId), eq(assignment.unitId, unitId)))
			.limit(1)
	)[0];
	if (!own) throw notFound('indicator');
	const ind = (await ctx.db.select().from(indicator).where(eq(indicator.id, input.indicatorId)).limit(1))[0]!;
	if (ind.status === 'completed') throw fail('conflict', 'request.indicator_completed');
	if (own.completedOn) throw fail('conflict', 'request.part_completed');
	if (input.kind === 'completion' && !maySignOff(ind.kind, own.role, own.parentId !== null))
		throw fail('forbidden', 'request.lead_only');
	if (input.kind === 'completion') await assertChildrenDone(ctx.db, own.id);
	if (!input.statement.trim())
		throw fail(
			'bad_request',
			input.kind === 'completion' ? 'request.statement_required' : 'request.reason_required'
		);
	const today = ctx.clock.today();
	const dueOn = own.dueOn ?? ind.dueOn;
	if (input.kind === 'extension') {
		if (!input.newDueOn) throw fail('bad_request', 'request.date_required');
		if (input.newDueOn <= today) throw fail('bad_request', 'request.date_after_today');
		if (dueOn && input.newDueOn <= dueOn) throw fail('bad_request', 'request.date_after_due');
	}
	// Checked in the write transaction (and held by a partial unique index): two asks at once make one request.
	return await withTransaction(ctx, async (tx) => {
		const pending = (
			await tx.db
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
				.limit(1)
		)[0];
		const pendingConflict = () =>
			fail(
				'conflict',
				input.kind === 'completion' ? 'request.pending_completion' : 'request.pending_extension'
			);
		if (pending) throw pendingConflict();
		// On PostgreSQL another instance's ask may commit between the check and the insert: the index says so.
		const row = (
			await tx.db
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
				.catch((err: unknown) => {
					throw isUniqueViolation(err, 'request_one_pending_idx') ? pendingConflict() : err;
				})
		)[0]!;
		await linkAttachments(tx.db, input.attachmentIds, unitId, 'request', row.id);
		await audit(tx, {
			action: `request.${input.kind}.create`,
			objectType: 'request',
			objectId: row.id,
			after: row
		});
		return row;
	});
}

/**
 * The office approves or rejects. An approved completion signs off the whole indicator (joint) or the
 * asking unit's part (each-owes; the indicator is complete when every part is), on time or late against
 * the original due date. An approved extension moves the indicator's due date (joint) or the unit's own
 * (each-owes). The lights and counts of every page change in the same transaction.
 */
export async function decideRequest(ctx: ServiceContext, id: number, approve: boolean, note: string) {
	assertOffice(ctx.actor);
	const row = (
		await ctx.db
			.select()
			.from(request)
			.where(and(eq(request.id, id), visibleUnits(ctx.actor, sql`${request.unitId}`)))
			.limit(1)
	)[0];
	if (!row) throw notFound('request');
	await assertMayDecideFor(ctx, row.unitId);
	if (row.status !== 'pending') throw fail('conflict', 'request.decided');
	if (!approve && !note.trim()) throw fail('bad_request', 'request.note_required');
	const today = ctx.clock.today();
	const now = ctx.clock.now();
	await withTransaction(ctx, async (tx) => {
		const ind = (await tx.db.select().from(indicator).where(eq(indicator.id, row.indicatorId)).limit(1))[0]!;
		const own = and(eq(assignment.indicatorId, ind.id), eq(assignment.unitId, row.unitId));
		const part = (await tx.db.select().from(assignment).where(own).limit(1))[0];
		if (approve && (ind.status === 'completed' || part?.completedOn))
			throw fail('conflict', 'request.indicator_completed');
		await tx.db
			.update(request)
			.set({
				status: approve ? 'approved' : 'rejected',
				decidedAt: now,
				decidedBy: ctx.actor!.id || null,
				decisionNote: note.trim() || null
			})
			.where(eq(request.id, id));
		// A handed-down part is its own unit's alone, whatever the indicator's kind.
		const whole = ind.kind === 'joint' && !part?.parentId;
		if (approve && row.kind === 'completion') {
			// Children may have been handed down since the request was made.
			if (part) await assertChildrenDone(tx.db, part.id);
			await signOffPart(tx, ind.id, row.unitId, whole, today, now);
		}
		if (approve && row.kind === 'extension') {
			if (whole) {
				await tx.db.update(indicator).set({ dueOn: row.newDueOn }).where(eq(indicator.id, ind.id));
				// The new date is every unit's: per-level dates from the plan's table no longer apply.
				await tx.db.update(assignment).set({ dueOn: null }).where(eq(assignment.indicatorId, ind.id));
			} else await tx.db.update(assignment).set({ dueOn: row.newDueOn }).where(own);
			await tx.db.insert(dueDateChange).values({
				indicatorId: ind.id,
				unitId: whole ? null : row.unitId,
				fromDueOn: whole ? ind.dueOn : (part?.dueOn ?? ind.dueOn),
				toDueOn: row.newDueOn!,
				requestId: id,
				reason: row.statement,
				at: now,
				by: ctx.actor!.id || null
			});
		}
		if (approve) {
			const cause = row.kind === 'completion' ? 'signed_off' : 'extended';
			await refreshSupervision(tx.db, today, { indicatorIds: [ind.id] }, cause);
			// A signed-off part ends the unit's monthly reporting on it.
			if (row.kind === 'completion')
				await refreshSupervision(tx.db, today, { unitIds: await unitsOf(tx.db, ind.id) }, cause);
		}
		await notifyDecision(tx, row, ind, approve, note.trim(), whole);
		await audit(tx, {
			action: `request.${row.kind}.${approve ? 'approve' : 'reject'}`,
			objectType: 'request',
			objectId: id,
			before: {
				request: row.status,
				indicator: { status: ind.status, dueOn: ind.dueOn },
				part: part && { dueOn: part.dueOn, completedOn: part.completedOn }
			},
			after: { request: approve ? 'approved' : 'rejected', note, scope: whole ? 'indicator' : 'unit' }
		});
	});
	return getRequest(ctx, id);
}

/**
 * The asking unit hears of the decision with the office's note; when an extension moves the due date,
 * the indicator's other units hear of the new date too.
 */
async function notifyDecision(
	ctx: ServiceContext,
	row: typeof request.$inferSelect,
	ind: typeof indicator.$inferSelect,
	approve: boolean,
	note: string,
	whole: boolean
) {
	const link = `/indicators/${ind.id}`;
	await notifyUnit(ctx, {
		unitId: row.unitId,
		key: `request.decide|${row.id}`,
		message: {
			code: 'request.decided',
			params: {
				kind: row.kind,
				approved: approve,
				text: ind.text,
				newDueOn: row.kind === 'extension' ? row.newDueOn : null,
				note: note || null
			}
		},
		link,
		light: approve ? null : 'yellow'
	});
	// A unit's own extension (each-owes) moves no other unit's date.
	if (!approve || row.kind !== 'extension' || !whole) return;
	const others = (
		await ctx.db
			.select({ unitId: assignment.unitId })
			.from(assignment)
			.where(eq(assignment.indicatorId, ind.id))
	).filter((a) => a.unitId !== row.unitId);
	for (const { unitId } of others)
		await notifyUnit(ctx, {
			unitId,
			key: `plan.due|${row.id}|${unitId}`,
			message: {
				code: 'plan.due_moved',
				params: { text: ind.text, dueOn: row.newDueOn!, previous: ind.dueOn }
			},
			link,
			light: null
		});
}

/**
 * Signs off a unit's part (or, for the lead of a joint indicator, the whole), inside the caller's
 * transaction: the indicator is complete when every part of the plan is; the part's reminders leave the
 * bell (every unit's when the indicator is done). The caller refreshes the lights.
 */
export async function signOffPart(
	tx: ServiceContext,
	indicatorId: number,
	unitId: number,
	whole: boolean,
	today: string,
	now: Date
) {
	const own = and(eq(assignment.indicatorId, indicatorId), eq(assignment.unitId, unitId));
	await tx.db
		.update(assignment)
		.set({ completedOn: today })
		.where(whole ? and(eq(assignment.indicatorId, indicatorId), isNull(assignment.parentId)) : own);
	const open = (
		await tx.db
			.select({ n: sql<number>`count(*)` })
			.from(assignment)
			.where(
				and(
					eq(assignment.indicatorId, indicatorId),
					isNull(assignment.completedOn),
					isNull(assignment.parentId)
				)
			)
			.limit(1)
	)[0]!.n;
	if (!open)
		await tx.db
			.update(indicator)
			.set({ status: 'completed', completedOn: today })
			.where(eq(indicator.id, indicatorId));
	await withdrawReminders(
		tx.db,
		reminderTopic.indicator(indicatorId),
		now,
		whole || !open ? undefined : unitId
	);
}

/** A decomposed part is signed off when all its children are (the office may override: decomposition.ts). */
async function assertChildrenDone(db: ServiceContext['db'], partId: number) {
	const open = (
		await db
			.select({ n: sql<number>`count(*)` })
			.from(assignment)
			.where(and(eq(assignment.parentId, partId), isNull(assignment.completedOn)))
			.limit(1)
	)[0]!.n;
	if (open) throw fail('conflict', 'request.children_open', { open });
}

const unitsOf = async (tx: ServiceContext['db'], indicatorId: number) =>
	(
		await tx
			.select({ unitId: assignment.unitId })
			.from(assignment)
			.where(eq(assignment.indicatorId, indicatorId))
	).map((a) => a.unitId);

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

export async function listRequests(
	ctx: ServiceContext,
	f: {
		status?: 'pending' | 'approved' | 'rejected';
		kind?: RequestKind;
		indicatorId?: number;
		page: number;
		pageSize: number;
	}
) {
	const where = and(
		visibleUnits(ctx.actor!, sql`${request.unitId}`),
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
	const items = (
		await base()
			.where(where)
			.orderBy(sql`${request.status} <> 'pending'`, desc(request.createdAt))
			.limit(f.pageSize)
			.offset((f.page - 1) * f.pageSize)
	).map(shape);
	const total = (
		await ctx.db
			.select({ n: sql<number>`count(*)` })
			.from(request)
			.where(where)
			.limit(1)
	)[0]!.n;
	return { items, total, page: f.page, pageSize: f.pageSize };
}

export async function getRequest(ctx: ServiceContext, id: number) {
	const actor = ctx.actor!;
	const row = (
		await ctx.db
			.select(columns)
			.from(request)
			.innerJoin(indicator, eq(indicator.id, request.indicatorId))
			.innerJoin(task, eq(task.id, indicator.taskId))
			.innerJoin(unit, eq(unit.id, request.unitId))
			.leftJoin(user, eq(user.id, request.createdBy))
			.where(and(eq(request.id, id), visibleIndicators(actor), visibleUnits(actor, sql`${request.unitId}`)))
			.limit(1)
	)[0];
	if (!row) throw notFound('request');
	const files = await ctx.db
		.select({ id: attachment.id, name: attachment.originalName, size: attachment.size })
		.from(attachment)
		.where(and(eq(attachment.ownerType, 'request'), eq(attachment.ownerId, id)));
	return { ...shape(row), attachments: files };
}
