import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import {
	assignment,
	indicator,
	indicatorTarget,
	milestone,
	milestonePlan,
	plan,
	report,
	reportItem,
	reportItemValue,
	task,
	unit,
	user,
	type MilestonePlanStatus
} from '../../db/schema/index.ts';
import { type Db, prepared, withTransaction } from '../../db/client.ts';
import type { ServiceContext } from '../context.ts';
import { fail, notFound } from '../errors.ts';
import { accountable, milestoneFor } from '../../web/src/lib/rules/lights.ts';
import { SUBMITTED_STATUSES } from '../../web/src/lib/rules/enums.ts';
import { maySeeUnit, ownUnitOnly } from '../../web/src/lib/rules/access.ts';
import { assertMayDecideFor, lineageOf, visibleUnits } from './access.ts';
import { targetUnit } from '../../web/src/lib/rules/targets.ts';
import { audit } from './audit.ts';
import { refreshSupervision } from './alerts.ts';
import { approvedMilestones } from './lights.ts';
import { ownUnitId } from './report-form.ts';
import { notifyUnit } from './notifications.ts';

export type MilestoneInput = { period: string; deliverable: string; percent: number; value: number | null };
export type MilestonePlanInput = { milestones: MilestoneInput[]; note: string; submit: boolean };

/**
 * Refuses unless the actor supervises `unitId`: the provincial office, or the level above the unit (a
 * city's supervisor for its counties, not for its own government: access.ts).
 */
async function assertSupervises(ctx: ServiceContext, unitId: number) {
	if (!ctx.actor) throw fail('unauthorized', 'auth.login_required');
	if (ctx.actor.role !== 'office') throw fail('forbidden', 'milestone.not_supervisor');
	await assertMayDecideFor(ctx, unitId);
}

/** The (indicator, unit) part a milestone plan is for, with what its checks need; null when not assigned. */
async function partOf(db: Db, indicatorId: number, unitId: number) {
	const part = (
		await db
			.select({
				kind: indicator.kind,
				role: assignment.role,
				completedOn: assignment.completedOn,
				year: plan.year
			})
			.from(assignment)
			.innerJoin(indicator, eq(indicator.id, assignment.indicatorId))
			.innerJoin(plan, eq(plan.id, indicator.planId))
			.where(and(eq(assignment.indicatorId, indicatorId), eq(assignment.unitId, unitId)))
			.limit(1)
	)[0];
	return part && { ...part, targetId: (await firstTarget(db, indicatorId))?.id ?? null };
}

/** The target milestone values are in: the indicator's first. */
const firstTarget = async (db: Db, indicatorId: number) =>
	(
		await db
			.select()
			.from(indicatorTarget)
			.where(eq(indicatorTarget.indicatorId, indicatorId))
			.orderBy(asc(indicatorTarget.position))
			.limit(1)
	)[0];

/**
 * The months of a plan in order, checked: within the plan's year, each once, the percent (and value) never
 * falling from one milestone to the next, values only where the indicator has a numeric target.
 */
function checkedMilestones(list: MilestoneInput[], year: number, targetId: number | null) {
	const sorted = [...list].sort((a, b) => (a.period < b.period ? -1 : 1));
	let prev: MilestoneInput | null = null;
	for (const m of sorted) {
		if (!m.period.startsWith(`${year}-`))
			throw fail('unprocessable', 'milestone.period_out_of_year', { year });
		if (prev?.period === m.period)
			throw fail('unprocessable', 'milestone.period_repeated', { period: m.period });
		if (prev && m.percent < prev.percent)
			throw fail('unprocessable', 'milestone.percent_decreasing', { period: m.period, percent: m.percent });
		if (m.value !== null && targetId === null) throw fail('unprocessable', 'milestone.value_without_target');
		if (prev && m.value !== null && prev.value !== null && m.value < prev.value)
			throw fail('unprocessable', 'milestone.value_decreasing', { period: m.period });
		prev = m;
	}
	return sorted.map((m) => ({ ...m, deliverable: m.deliverable.trim() }));
}

/**
 * The accountable unit saves its plan for an indicator (and submits it to its supervisor with `submit`).
 * It edits its draft in place; any other change starts a new version, the approved one staying in force
 * until that version is approved. A version awaiting review cannot change.
 */
export async function saveMilestonePlan(ctx: ServiceContext, indicatorId: number, input: MilestonePlanInput) {
	const unitId = ownUnitId(ctx);
	const part = await partOf(ctx.db, indicatorId, unitId);
	if (!part) throw notFound('indicator');
	if (!accountable(part.kind, part.role)) throw fail('forbidden', 'milestone.not_accountable');
	if (part.completedOn) throw fail('conflict', 'milestone.indicator_completed');
	const rows = checkedMilestones(input.milestones, part.year, part.targetId);
	const now = ctx.clock.now();
	return await withTransaction(ctx, async (tx) => {
		const versions = await tx.db
			.select()
			.from(milestonePlan)
			.where(and(eq(milestonePlan.indicatorId, indicatorId), eq(milestonePlan.unitId, unitId)))
			.orderBy(desc(milestonePlan.version));
		const open = versions.find((v) => v.status === 'draft' || v.status === 'submitted');
		if (open?.status === 'submitted') throw fail('conflict', 'milestone.pending');
		const status: MilestonePlanStatus = input.submit ? 'submitted' : 'draft';
		const fields = {
			status,
			note: input.note.trim(),
			targetId: part.targetId,
			submittedAt: input.submit ? now : null
		};
		const saved = open
			? (await tx.db.update(milestonePlan).set(fields).where(eq(milestonePlan.id, open.id)).returning())[0]!
			: (
					await tx.db
						.insert(milestonePlan)
						.values({
							...fields,
							indicatorId,
							unitId,
							version: (versions[0]?.version ?? 0) + 1,
							createdAt: now,
							createdBy: ctx.actor!.id
						})
						.returning()
				)[0]!;
		const before = open
			? await tx.db
					.select()
					.from(milestone)
					.where(eq(milestone.planId, open.id))
					.orderBy(asc(milestone.period))
			: null;
		await tx.db.delete(milestone).where(eq(milestone.planId, saved.id));
		if (rows.length) await tx.db.insert(milestone).values(rows.map((m) => ({ ...m, planId: saved.id })));
		await audit(tx, {
			action: input.submit ? 'milestone_plan.submit' : 'milestone_plan.save',
			objectType: 'milestone_plan',
			objectId: saved.id,
			before: before && { status: open!.status, milestones: before },
			after: { indicatorId, unitId, version: saved.version, status, note: fields.note, milestones: rows }
		});
		return saved.id;
	});
}

/**
 * The supervisor approves a submitted version (it comes into force today, its predecessor superseded, and
 * the unit's lights follow it at once) or returns it with reasons (the approved one stays in force).
 */
export async function decideMilestonePlan(ctx: ServiceContext, id: number, approve: boolean, note: string) {
	const row = (await ctx.db.select().from(milestonePlan).where(eq(milestonePlan.id, id)).limit(1))[0];
	if (!row) throw notFound('milestone_plan');
	await assertSupervises(ctx, row.unitId);
	if (row.status !== 'submitted') throw fail('conflict', 'milestone.not_submitted');
	if (!approve && !note.trim()) throw fail('unprocessable', 'milestone.note_required');
	const today = ctx.clock.today();
	await withTransaction(ctx, async (tx) => {
		const pair = and(eq(milestonePlan.indicatorId, row.indicatorId), eq(milestonePlan.unitId, row.unitId));
		if (approve)
			await tx.db
				.update(milestonePlan)
				.set({ status: 'superseded' })
				.where(and(pair, eq(milestonePlan.status, 'approved')));
		await tx.db
			.update(milestonePlan)
			.set({
				status: approve ? 'approved' : 'returned',
				decidedAt: ctx.clock.now(),
				decidedBy: ctx.actor!.id || null,
				decisionNote: note.trim() || null,
				inForceOn: approve ? today : null
			})
			.where(eq(milestonePlan.id, id));
		if (approve)
			// The unit's scope (its monthly-report lights with it): an indicator-and-unit scope would miss them.
			await refreshSupervision(tx.db, today, { unitIds: [row.unitId] }, 'milestone_plan');
		const text = (
			await tx.db
				.select({ text: indicator.text })
				.from(indicator)
				.where(eq(indicator.id, row.indicatorId))
				.limit(1)
		)[0]!.text;
		await notifyUnit(tx, {
			unitId: row.unitId,
			key: `milestone.decide|${id}`,
			message: {
				code: 'milestone.decided',
				params: { approved: approve, text, version: row.version, note: note.trim() || null }
			},
			link: `/milestones?indicator=${row.indicatorId}`,
			light: approve ? null : 'yellow'
		});
		await audit(tx, {
			action: `milestone_plan.${approve ? 'approve' : 'return'}`,
			objectType: 'milestone_plan',
			objectId: id,
			before: { status: row.status },
			after: { status: approve ? 'approved' : 'returned', note: note.trim() }
		});
	});
	return await getMilestonePlan(ctx, id);
}

const versionColumns = {
	id: milestonePlan.id,
	indicatorId: milestonePlan.indicatorId,
	unitId: milestonePlan.unitId,
	unitName: unit.name,
	indicatorText: indicator.text,
	taskTitle: task.title,
	version: milestonePlan.version,
	status: milestonePlan.status,
	note: milestonePlan.note,
	targetId: milestonePlan.targetId,
	createdAt: milestonePlan.createdAt,
	createdByName: user.name,
	submittedAt: milestonePlan.submittedAt,
	decidedAt: milestonePlan.decidedAt,
	decisionNote: milestonePlan.decisionNote,
	inForceOn: milestonePlan.inForceOn
};

/** Versions chosen by `where`, newest first, each with its milestones in month order. */
async function versionsWhere(
	db: Db,
	where: ReturnType<typeof and>,
	limit?: { page: number; pageSize: number }
) {
	const base = db
		.select(versionColumns)
		.from(milestonePlan)
		.innerJoin(unit, eq(unit.id, milestonePlan.unitId))
		.innerJoin(indicator, eq(indicator.id, milestonePlan.indicatorId))
		.innerJoin(task, eq(task.id, indicator.taskId))
		.leftJoin(user, eq(user.id, milestonePlan.createdBy))
		.where(where)
		.orderBy(desc(milestonePlan.id));
	const rows = limit
		? await base.limit(limit.pageSize).offset((limit.page - 1) * limit.pageSize)
		: await base;
	const ids = rows.map((r) => r.id);
	const months = ids.length
		? await db.select().from(milestone).where(inArray(milestone.planId, ids)).orderBy(asc(milestone.period))
		: [];
	return rows.map((r) => ({
		...r,
		createdAt: r.createdAt.toISOString(),
		submittedAt: r.submittedAt?.toISOString() ?? null,
		decidedAt: r.decidedAt?.toISOString() ?? null,
		milestones: months
			.filter((m) => m.planId === r.id)
			.map((m) => ({ period: m.period, deliverable: m.deliverable, percent: m.percent, value: m.value }))
	}));
}

export type MilestonePlanVersion = Awaited<ReturnType<typeof versionsWhere>>[number];

/** One version, for its unit and its supervisor. */
export async function getMilestonePlan(ctx: ServiceContext, id: number) {
	const row = (await versionsWhere(ctx.db, eq(milestonePlan.id, id)))[0];
	if (
		!row ||
		!maySeeUnit(ctx.actor!, row.unitId, await lineageOf(ctx, row.unitId)) ||
		(row.status === 'draft' && ownUnitOnly(ctx.actor!) === null)
	)
		throw notFound('milestone_plan');
	return row;
}

/**
 * Versions a caller may see, newest first: a unit its own (drafts included), the office the submitted and
 * decided ones (the review queue is `status: 'submitted'`).
 */
export async function listMilestonePlans(
	ctx: ServiceContext,
	f: { status?: MilestonePlanStatus; indicatorId?: number; page: number; pageSize: number }
) {
	const own = ownUnitOnly(ctx.actor!);
	const where = and(
		own === null ? sql`${milestonePlan.status} <> 'draft'` : eq(milestonePlan.unitId, own),
		visibleUnits(ctx.actor!, sql`${milestonePlan.unitId}`),
		f.status ? eq(milestonePlan.status, f.status) : undefined,
		f.indicatorId ? eq(milestonePlan.indicatorId, f.indicatorId) : undefined
	);
	const total = (
		await ctx.db
			.select({ n: sql<number>`count(*)` })
			.from(milestonePlan)
			.where(where)
			.limit(1)
	)[0]!.n;
	return { items: await versionsWhere(ctx.db, where, f), total, page: f.page, pageSize: f.pageSize };
}

/**
 * An indicator's milestone plans, per accountable unit the caller may see: the version in force, the one in
 * the works, the history, and per month of the plan's year the plan in force beside what the unit reported
 * (plan vs actual: its percent and its value on the plan's target).
 */
export async function indicatorMilestones(ctx: ServiceContext, indicatorId: number) {
	const own = ownUnitOnly(ctx.actor!);
	const head = (
		await ctx.db
			.select({ id: indicator.id, text: indicator.text, kind: indicator.kind, year: plan.year })
			.from(indicator)
			.innerJoin(plan, eq(plan.id, indicator.planId))
			.where(eq(indicator.id, indicatorId))
			.limit(1)
	)[0];
	const parts = head
		? await ctx.db
				.select({ unitId: assignment.unitId, name: unit.name, role: assignment.role })
				.from(assignment)
				.innerJoin(unit, eq(unit.id, assignment.unitId))
				.where(
					and(eq(assignment.indicatorId, indicatorId), visibleUnits(ctx.actor!, sql`${assignment.unitId}`))
				)
				.orderBy(asc(unit.id))
		: [];
	if (!head || !parts.length) throw notFound('indicator');
	const target = await firstTarget(ctx.db, indicatorId);
	const owners = parts.filter((p) => accountable(head.kind, p.role));
	const versions = await versionsWhere(
		ctx.db,
		and(
			eq(milestonePlan.indicatorId, indicatorId),
			inArray(
				milestonePlan.unitId,
				owners.map((p) => p.unitId)
			),
			own === null ? sql`${milestonePlan.status} <> 'draft'` : undefined
		)
	);
	const actuals = await ctx.db
		.select({
			unitId: report.unitId,
			period: report.period,
			percent: reportItem.percent,
			value: reportItemValue.value
		})
		.from(reportItem)
		.innerJoin(report, eq(report.id, reportItem.reportId))
		.leftJoin(
			reportItemValue,
			and(eq(reportItemValue.itemId, reportItem.id), eq(reportItemValue.targetId, target?.id ?? -1))
		)
		.where(
			and(
				eq(reportItem.indicatorId, indicatorId),
				inArray(report.status, [...SUBMITTED_STATUSES]),
				sql`${report.period} like ${`${head.year}-%`}`,
				inArray(
					report.unitId,
					owners.map((p) => p.unitId)
				)
			)
		);
	const months = Array.from({ length: 12 }, (_, i) => `${head.year}-${String(i + 1).padStart(2, '0')}`);
	return {
		indicator: { id: head.id, text: head.text, year: head.year },
		target: target ? { id: target.id, label: target.label, unit: targetUnit(target) } : null,
		units: owners.map((p) => {
			const mine = versions.filter((v) => v.unitId === p.unitId);
			const inForce = mine.find((v) => v.status === 'approved') ?? null;
			return {
				unit: { id: p.unitId, name: p.name },
				inForce,
				open: mine.find((v) => v.status === 'draft' || v.status === 'submitted') ?? null,
				history: mine,
				months: months.map((period) => {
					const actual = actuals.find((a) => a.unitId === p.unitId && a.period === period);
					const m = inForce ? milestoneFor(inForce.milestones, period) : null;
					return {
						period,
						planned: m && m.period === period ? m : null,
						actual: actual ? { percent: actual.percent, value: actual.value } : null
					};
				})
			};
		})
	};
}

/**
 * The milestone each of some indicators' approved plans holds a unit to in `period` (the latest due by that
 * month's end): what the report form shows beside the actual.
 */
export async function milestonesFor(db: Db, unitId: number, indicatorIds: number[], period: string) {
	const out = new Map<number, MilestoneInput & { due: boolean }>();
	if (!indicatorIds.length) return out;
	const rows = await unitMilestones(db).execute({ unitId, period });
	for (const id of indicatorIds) {
		const m = milestoneFor(
			rows.filter((r) => r.indicatorId === id),
			period
		);
		if (m)
			out.set(id, {
				period: m.period,
				deliverable: m.deliverable,
				percent: m.percent,
				value: m.value,
				due: m.period === period
			});
	}
	return out;
}

/** A unit's approved milestones due by a month (every indicator's: the form keeps its own). Built once. */
const unitMilestones = prepared((db) =>
	approvedMilestones(
		db,
		eq(milestonePlan.unitId, sql.placeholder('unitId')),
		sql`${milestone.period} <= ${sql.placeholder('period')}`
	).prepare()
);

/**
 * The caller's unit's indicators that want a milestone plan (those it is accountable for and has not signed
 * off), each with its plan's state: what the unit's plan page lists.
 */
export async function myMilestonePlans(ctx: ServiceContext) {
	const unitId = ownUnitId(ctx);
	const rows = await ctx.db
		.select({
			indicatorId: indicator.id,
			text: indicator.text,
			task: task.title,
			dueOn: sql<string | null>`coalesce(${assignment.dueOn}, ${indicator.dueOn})`,
			kind: indicator.kind,
			role: assignment.role,
			year: plan.year
		})
		.from(assignment)
		.innerJoin(indicator, eq(indicator.id, assignment.indicatorId))
		.innerJoin(task, eq(task.id, indicator.taskId))
		.innerJoin(plan, eq(plan.id, indicator.planId))
		.where(and(eq(assignment.unitId, unitId), sql`${assignment.completedOn} is null`))
		.orderBy(asc(indicator.id));
	const mine = rows.filter((r) => accountable(r.kind, r.role));
	const versions = mine.length
		? await ctx.db
				.select({
					id: milestonePlan.id,
					indicatorId: milestonePlan.indicatorId,
					version: milestonePlan.version,
					status: milestonePlan.status
				})
				.from(milestonePlan)
				.where(
					and(
						eq(milestonePlan.unitId, unitId),
						inArray(
							milestonePlan.indicatorId,
							mine.map((r) => r.indicatorId)
						)
					)
				)
		: [];
	return mine.map((r) => {
		const own = versions.filter((v) => v.indicatorId === r.indicatorId);
		const latest = own.sort((a, b) => b.version - a.version)[0] ?? null;
		const inForce = own.find((v) => v.status === 'approved') ?? null;
		return {
			indicatorId: r.indicatorId,
			text: r.text,
			task: r.task,
			dueOn: r.dueOn,
			year: r.year,
			latest: latest && { id: latest.id, version: latest.version, status: latest.status },
			inForceVersion: inForce?.version ?? null
		};
	});
}
