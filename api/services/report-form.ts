import { and, asc, desc, eq, getTableColumns, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import { alias, type SQLiteColumn } from 'drizzle-orm/sqlite-core';

const { placeholder } = sql;
import {
	assignment,
	indicator,
	indicatorTarget,
	plan,
	report,
	reportItem,
	reportItemValue,
	task,
	unit
} from '../../db/schema/index.ts';
import { type Db, prepared } from '../../db/client.ts';
import type { ServiceContext } from '../context.ts';
import { fail, forbidden } from '../errors.ts';
import { assertPeriod, daysBetween, periodEnd, periodOf, periodStart, reportDueOn } from '../lib/dates.ts';
import { groupBy } from '../lib/group.ts';
import { planMonthOf } from './plans.ts';
import { reportFilesOf, reportItemsOf, reportValuesOf } from './report-versions.ts';
import { getSettings } from './settings.ts';
import { ownParts, targetView } from './target-view.ts';
import { latestOnUnitTargets, progressOf } from './latest-reports.ts';
import { milestonesFor } from './milestones.ts';
import { countedIn, countItems, lightsLit, reportsMissingOf } from './unit-counts.ts';
import { SUBMITTED_STATUSES } from '../../web/src/lib/rules/enums.ts';
import { partOriginalDueOn } from '../../web/src/lib/rules/lights.ts';

/** The unit whose report the actor may write: a unit user's own unit, nobody else's. */
export function ownUnitId(ctx: ServiceContext): number {
	const actor = ctx.actor;
	if (!actor) throw fail('unauthorized', 'auth.login_required');
	if (actor.role !== 'unit' || !actor.unit) throw forbidden('role.unit_reports');
	return actor.unit.id;
}

/**
 * Whether an indicator is reported on in a month: its plan has started by the month's end (the plan's
 * issue date, or 1 January of its year; a handed-down part, the day it was handed down) and it was not completed before the month began.
 */
export function reportableIn(period: string): SQL {
	return reportableBetween(periodStart(period), periodEnd(period));
}

/** `reportableIn` for the month from `start` to `end` (values or placeholders of a prepared query). */
function reportableBetween(start: unknown, end: unknown): SQL {
	return and(
		sql`coalesce(${assignment.handedOn}, ${plan.issuedOn}, ${plan.year} || '-01-01') <= ${end}`,
		or(isNull(assignment.completedOn), sql`${assignment.completedOn} >= ${start}`)
	)!;
}

/** The month's bounds as the prepared queries below take them. */
const monthOf = (unitId: number, period: string) => ({
	unitId,
	start: periodStart(period),
	end: periodEnd(period)
});

/**
 * The assignments a unit reports on for a month: indicators of plans of that year or earlier that
 * are still open for the unit, or whose part it signed off in or after that month.
 */
export async function reportableAssignments(db: Db, unitId: number, period: string) {
	return await reportable(db).execute(monthOf(unitId, period));
}

/** What the form and the save take of each assignment (`reportableAssignments`' columns). */
const assignmentFields = {
	indicatorId: indicator.id,
	role: assignment.role,
	text: indicator.text,
	taskTitle: task.title,
	deadlineText: indicator.deadlineText,
	// The unit's own part: its due date (extended alone or with the indicator) and its sign-off.
	dueOn: sql<string | null>`coalesce(${assignment.dueOn}, ${indicator.dueOn})`,
	originalDueOn: indicator.originalDueOn,
	partOriginalDueOn: assignment.originalDueOn,
	recurrence: indicator.recurrence,
	status: sql<
		'open' | 'completed'
	>`case when ${assignment.completedOn} is null then 'open' else 'completed' end`,
	completedOn: assignment.completedOn,
	kind: indicator.kind,
	parentId: assignment.parentId,
	shares: assignment.shares
};

/**
 * The form's order of its items: the unit's leads first, then by due date (none last), then as in the plan;
 * ties (indicators of two plans) by indicator, as SQLite read them, so on PostgreSQL too.
 */
const formOrder = [
	sql`${assignment.role} = 'co'`,
	sql`${indicator.dueOn} is null`,
	asc(indicator.dueOn),
	asc(indicator.position),
	asc(indicator.id)
];

const reportable = prepared((db) =>
	db
		.select(assignmentFields)
		.from(assignment)
		.innerJoin(indicator, eq(indicator.id, assignment.indicatorId))
		.innerJoin(task, eq(task.id, indicator.taskId))
		.innerJoin(plan, eq(plan.id, indicator.planId))
		.where(
			and(
				eq(assignment.unitId, placeholder('unitId')),
				reportableBetween(placeholder('start'), placeholder('end'))
			)
		)
		.orderBy(...formOrder)
		.prepare()
);

/**
 * Every assignment of a unit for its month's form, in the form's order, in one pass over them: whether it is
 * `reportable` in the month, and what the header's counts take of those in plans begun by `day`'s year
 * (`countItems`) with their lights lit on `day` (two queries read the same assignments and indicators).
 */
const formAssignments = prepared((db) =>
	db
		.select({
			...assignmentFields,
			reportable: sql<boolean>`${reportableBetween(placeholder('start'), placeholder('end'))}`.mapWith(
				Boolean
			),
			counted: sql<boolean>`${countedIn}`.mapWith(Boolean),
			lights: lightsLit(db, assignment.indicatorId, assignment.unitId)
		})
		.from(assignment)
		.innerJoin(indicator, eq(indicator.id, assignment.indicatorId))
		.innerJoin(task, eq(task.id, indicator.taskId))
		.innerJoin(plan, eq(plan.id, indicator.planId))
		.where(eq(assignment.unitId, placeholder('unitId')))
		.orderBy(...formOrder)
		.prepare()
);

/** The report as a form shows it in its header (the form's `report`): its state after a write. */
export function reportInfo(row: typeof report.$inferSelect) {
	return {
		id: row.id,
		status: row.status,
		version: row.version,
		revision: row.revision,
		late: row.late,
		submittedAt: row.submittedAt?.toISOString() ?? null,
		returnReason: row.returnReason,
		acceptComment: row.acceptComment,
		updatedAt: row.updatedAt.toISOString()
	};
}

export type ReportInfo = ReturnType<typeof reportInfo>;

/** A month not yet begun has no report: filing it early would count as on time before the work. */
function assertBegun(ctx: ServiceContext, period: string) {
	assertPeriod(period);
	if (period > periodOf(ctx.clock.today())) throw fail('bad_request', 'report.period_not_begun', { period });
}

/**
 * The months a unit owes: begun, and with at least one indicator it reports on (from its plan's start).
 * Answers those indicators in the form's order with what a save checks (the unit's role) and a submission
 * names (the text): read once in the write's transaction for both.
 */
export async function owedAssignments(ctx: ServiceContext, unitId: number, period: string) {
	assertBegun(ctx, period);
	const owed = await owedParts(ctx.db).execute(monthOf(unitId, period));
	if (!owed.length) throw fail('not_found', 'report.nothing_owed', { period });
	return owed;
}

/** `reportable`'s rows with only the columns a write needs (no task: every indicator has one). */
const owedParts = prepared((db) =>
	db
		.select({ indicatorId: indicator.id, role: assignment.role, text: indicator.text })
		.from(assignment)
		.innerJoin(indicator, eq(indicator.id, assignment.indicatorId))
		.innerJoin(plan, eq(plan.id, indicator.planId))
		.where(
			and(
				eq(assignment.unitId, placeholder('unitId')),
				reportableBetween(placeholder('start'), placeholder('end'))
			)
		)
		.orderBy(...formOrder)
		.prepare()
);

/** A unit's report of a month, if there is one (the form's, and the one a save writes). */
export async function reportOf(db: Db, unitId: number, period: string) {
	return (await reportByMonth(db).execute({ unitId, period }))[0];
}

const reportByMonth = prepared((db) =>
	db
		.select()
		.from(report)
		.where(and(eq(report.unitId, placeholder('unitId')), eq(report.period, placeholder('period'))))
		.limit(1)
		.prepare()
);

/**
 * The targets of every indicator a unit is assigned, in their order: one prepared query by the unit, for
 * the form and the save (each keeps those of the indicators it needs).
 */
export const unitTargets = prepared((db) =>
	db
		.select(getTableColumns(indicatorTarget))
		.from(indicatorTarget)
		.innerJoin(assignment, eq(assignment.indicatorId, indicatorTarget.indicatorId))
		.where(eq(assignment.unitId, placeholder('unitId')))
		.orderBy(asc(indicatorTarget.position), asc(indicatorTarget.id))
		.prepare()
);

/**
 * Per assignment of a unit, the id of its item in the unit's latest report before `period` that reached the
 * office: the text to copy or carry forward. One index probe per month looked back (newest first), so a
 * unit with years of reports reads one item per indicator (a window over all its earlier items cost more
 * than the rest of the form). Only assignments: a report's items are only ever on its unit's assignments.
 */
const latestEarlierItem = (db: Db, unitId: SQLiteColumn, indicatorId: SQLiteColumn) => {
	const earlier = alias(report, 'earlier');
	const earlierItem = alias(reportItem, 'earlier_item');
	return db
		.select({ id: earlierItem.id })
		.from(earlier)
		.innerJoin(
			earlierItem,
			and(eq(earlierItem.reportId, earlier.id), eq(earlierItem.indicatorId, indicatorId))
		)
		.where(
			and(
				eq(earlier.unitId, unitId),
				sql`${earlier.period} < ${placeholder('period')}`,
				inArray(earlier.status, [...SUBMITTED_STATUSES])
			)
		)
		.orderBy(desc(earlier.period))
		.limit(1);
};

/**
 * The items of `latestEarlierItem` with their fields, a row per target value (one, its value null, for an
 * item without values): one prepared query by unit and month.
 */
const previousItems = prepared((db) =>
	db
		.select({
			indicatorId: reportItem.indicatorId,
			period: report.period,
			progressStatus: reportItem.progressStatus,
			percent: reportItem.percent,
			progress: reportItem.progress,
			problems: reportItem.problems,
			nextSteps: reportItem.nextSteps,
			targetId: reportItemValue.targetId,
			value: reportItemValue.value
		})
		.from(assignment)
		.innerJoin(
			reportItem,
			eq(reportItem.id, latestEarlierItem(db, assignment.unitId, assignment.indicatorId))
		)
		.innerJoin(report, eq(report.id, reportItem.reportId))
		.leftJoin(reportItemValue, eq(reportItemValue.itemId, reportItem.id))
		.where(eq(assignment.unitId, placeholder('unitId')))
		.prepare()
);

/** A unit's latest earlier item on each indicator before a month, with its values by target (`previousItems`). */
async function previousOf(db: Db, unitId: number, period: string) {
	const rows = await previousItems(db).execute({ unitId, period });
	const byIndicator = new Map<number, (typeof rows)[number] & { values: Record<number, number> }>();
	for (const r of rows) {
		const prev =
			byIndicator.get(r.indicatorId) ??
			byIndicator.set(r.indicatorId, { ...r, values: {} }).get(r.indicatorId)!;
		if (r.targetId !== null) prev.values[r.targetId] = r.value!;
	}
	return byIndicator;
}

/**
 * The form's unit, with the earliest plan's year (`firstPlanMonth`'s) and its reports missing on `day`
 * (the header's count) in the same statement.
 */
const unitById = prepared((db) =>
	db
		.select({
			id: unit.id,
			name: unit.name,
			firstPlanYear: sql<number | null>`(select min(${plan.year}) from ${plan})`,
			reportsMissing: reportsMissingOf(unit.id)
		})
		.from(unit)
		.where(eq(unit.id, placeholder('unitId')))
		.limit(1)
		.prepare()
);

/** A report's saved items with their values and attachments (none for a report not yet saved). */
async function savedItems(db: Db, reportId: number | undefined) {
	const items = reportId === undefined ? [] : await reportItemsOf(db).execute({ reportId });
	if (reportId === undefined || !items.length) return { items, values: [], files: [] };
	const values = await reportValuesOf(db).execute({ reportId });
	return { items, values, files: await reportFilesOf(db).execute({ reportId }) };
}

/**
 * What a month's form is made of before anything shown beside it: the unit's report of the month (if
 * any), its reportable assignments in the form's order, their targets and the unit's own parts of them.
 * The demo history fills its forms from this alone (getReportForm reads all the rest too).
 */
export async function reportFormBasis(db: Db, unitId: number, period: string) {
	assertPeriod(period);
	return basisOf(db, unitId, period, await reportableAssignments(db, unitId, period));
}

/** `reportFormBasis` on the reportable assignments already read. */
async function basisOf<A extends Awaited<ReturnType<typeof reportableAssignments>>[number]>(
	db: Db,
	unitId: number,
	period: string,
	assignments: A[]
) {
	const row = await reportOf(db, unitId, period);
	const indicatorIds = assignments.map((a) => a.indicatorId);
	const reportable = new Set(indicatorIds);
	const targets = indicatorIds.length
		? (await unitTargets(db).execute({ unitId })).filter((t) => reportable.has(t.indicatorId))
		: [];
	const parts = await ownParts(db, assignments);
	return { row, assignments, targets, parts };
}

/** The month's report form: every reportable assignment, merged with what was saved, plus last month's text. */
export async function getReportForm(ctx: ServiceContext, unitId: number, period: string) {
	assertPeriod(period);
	const today = ctx.clock.today();
	const dueOn = reportDueOn(period, (await getSettings(ctx.db)).reportDueDay);
	const all = await formAssignments(ctx.db).execute({
		...monthOf(unitId, period),
		year: Number(today.slice(0, 4)),
		day: today
	});
	const { row, assignments, targets, parts } = await basisOf(
		ctx.db,
		unitId,
		period,
		all.filter((a) => a.reportable)
	);
	const indicatorIds = assignments.map((a) => a.indicatorId);
	const progress = progressOf(
		targets.length ? await latestOnUnitTargets(ctx.db, today, unitId) : new Map(),
		targets,
		(id) => ({ unitId, ...parts.get(id)! })
	);
	const milestones = await milestonesFor(ctx.db, unitId, indicatorIds, period);
	const saved = await savedItems(ctx.db, row?.id);
	const latestPrevious = await previousOf(ctx.db, unitId, period);
	const savedOf = new Map(saved.items.map((item) => [item.indicatorId, item]));
	const valuesByItem = groupBy(saved.values, (v) => v.itemId);
	const valuesOf = (itemId: number) =>
		Object.fromEntries((valuesByItem.get(itemId) ?? []).map((v) => [v.targetId, v.value]));
	const filesOf = groupBy(saved.files, (f) => f.ownerId);
	const targetsOf = groupBy(targets, (t) => t.indicatorId);

	const items = assignments.map((a) => {
		const item = savedOf.get(a.indicatorId);
		const prev = latestPrevious.get(a.indicatorId);
		return {
			indicatorId: a.indicatorId,
			role: a.role,
			indicator: {
				text: a.text,
				task: a.taskTitle,
				deadlineText: a.deadlineText,
				dueOn: a.dueOn,
				// The unit's own original date: its part is on time or late against this one.
				originalDueOn: partOriginalDueOn({ originalDueOn: a.partOriginalDueOn }, a),
				recurrence: a.recurrence,
				status: a.status,
				completedOn: a.completedOn
			},
			daysLeft: a.dueOn ? daysBetween(today, a.dueOn) : null,
			targets: (targetsOf.get(a.indicatorId) ?? []).map((t) => ({
				id: t.id,
				...targetView(t, parts.get(a.indicatorId)),
				progress: progress.get(t.id)!
			})),
			/** The approved plan's milestone for the month (or the latest before it): shown beside the actual. */
			milestone: milestones.get(a.indicatorId) ?? null,
			progressStatus: item?.progressStatus ?? null,
			percent: item?.percent ?? null,
			progress: item?.progress ?? '',
			problems: item?.problems ?? '',
			nextSteps: item?.nextSteps ?? '',
			values: item ? valuesOf(item.id) : {},
			returnReason: item?.returnReason ?? null,
			acceptComment: item?.acceptComment ?? null,
			attachments: item ? (filesOf.get(item.id) ?? []) : [],
			previous: prev
				? {
						period: prev.period,
						progressStatus: prev.progressStatus,
						percent: prev.percent,
						progress: prev.progress,
						problems: prev.problems,
						nextSteps: prev.nextSteps,
						values: prev.values
					}
				: null
		};
	});
	const { firstPlanYear, reportsMissing, ...unitRow } = (
		await unitById(ctx.db).execute({ unitId, day: today })
	)[0]!;
	return {
		unit: unitRow,
		period,
		firstPeriod: planMonthOf(firstPlanYear),
		dueOn,
		daysLeft: daysBetween(today, dueOn),
		report: row ? reportInfo(row) : null,
		items,
		/** The unit's items today by state: the header's counts, the same on every page. */
		counts: countItems(
			all
				.filter((a) => a.counted)
				.map((a) => ({
					completedOn: a.completedOn,
					originalDueOn: partOriginalDueOn({ originalDueOn: a.partOriginalDueOn }, a),
					lights: a.lights
				})),
			reportsMissing,
			today
		)
	};
}

/** The actor's own unit's form for a month that has begun. */
export function getOwnReportForm(ctx: ServiceContext, period: string) {
	const unitId = ownUnitId(ctx);
	assertBegun(ctx, period);
	return getReportForm(ctx, unitId, period);
}

export type ReportForm = Awaited<ReturnType<typeof getReportForm>>;
