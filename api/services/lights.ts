import { and, eq, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import {
	assignment,
	indicator,
	indicatorTarget,
	milestone,
	milestonePlan,
	pendingGroup,
	plan,
	report,
	unitGroup,
	type AlertKind,
	type Light
} from '../../db/schema/index.ts';
import { type Db, inJsonIds, joinedText, prepared } from '../../db/client.ts';
import { accountable, dateLight, milestoneLight, type Milestone } from '../../web/src/lib/rules/lights.ts';
import { SUBMITTED_STATUSES } from '../../web/src/lib/rules/enums.ts';
import { expectedProgress, type BehindFigure, type ReasonParams } from '../../web/src/lib/rules/reasons.ts';
import { actualUnit, targetProgress } from '../../web/src/lib/rules/targets.ts';
import { partTarget } from '../../web/src/lib/rules/rollup.ts';
import {
	addDays,
	addMonths,
	endOfDay,
	lastPeriodDue,
	periodOf,
	periodsBetween,
	reportDueOn
} from '../lib/dates.ts';
import {
	actualsOf,
	latestAroundUnit,
	latestReports,
	type LatestReport,
	type LatestReports
} from './latest-reports.ts';
import type { Settings } from './settings.ts';

const { placeholder } = sql;

export type DesiredAlert = {
	key: string;
	kind: AlertKind;
	light: Light;
	indicatorId: number | null;
	/** Null: the indicator is owed by unresolved placeholders only (待明确). */
	unitId: number | null;
	period: string | null;
	params: ReasonParams;
	/** The day the condition began (the day after a due date, …): the light's true "since". */
	onset: string;
};

/** `partOriginalDueOn` (the shared rule) in SQL, over assignment `a` of indicator `i`. */
export const partOriginalDue = sql`coalesce(a.original_due_on, i.original_due_on)`;

/** What a write touched: the lights of these indicators and/or these units are brought up to date. */
export type Scope = { indicatorIds?: number[]; unitIds?: number[] };

export const alertKey = (a: Pick<DesiredAlert, 'kind' | 'indicatorId' | 'unitId' | 'period'>) =>
	`${a.kind}|${a.indicatorId ?? ''}|${a.unitId ?? ''}|${a.period ?? ''}`;

const inScope = (scope: Scope, indicatorCol: SQLiteColumn, unitCol: SQLiteColumn) =>
	and(
		scope.indicatorIds ? inArray(indicatorCol, scope.indicatorIds) : undefined,
		scope.unitIds ? inArray(unitCol, scope.unitIds) : undefined
	);

/**
 * Every alert that should be open on `day` within a scope, from the rules of the design: red when past
 * due and not signed off (the accountable units only: every unit of an each-owes indicator, the lead of
 * a joint one; "待明确" when only placeholders owe it), or a monthly report missing after its due day;
 * yellow when due soon, when the unit reports 滞后, or when its figures lag 序时进度 — or, where the unit's
 * milestone plan is approved, its month's milestone (挂图作战), missed once that month is over.
 */
export async function desiredAlerts(
	db: Db,
	day: string,
	settings: Settings,
	scope: Scope = {}
): Promise<DesiredAlert[]> {
	const rows = await assignmentsInForce(
		db,
		day,
		Number(day.slice(0, 4)),
		inScope(scope, assignment.indicatorId, assignment.unitId)
	);
	const targets = new Map<number, Target[]>();
	// A unit scope needs its own indicators' targets only, not the whole plan's.
	const targetsOf = scope.indicatorIds ?? (scope.unitIds && [...new Set(rows.map((r) => r.indicatorId))]);
	for (const t of await db
		.select()
		.from(indicatorTarget)
		.where(targetsOf ? inArray(indicatorTarget.indicatorId, targetsOf) : undefined))
		targets.set(t.indicatorId, [...(targets.get(t.indicatorId) ?? []), t]);
	// The latest reports in scope; a summed target adds every owner's part, so with a unit scope the other
	// owners' reports on such indicators too.
	const latest = await latestReports(db, day, scope);
	if (scope.unitIds) {
		const summed = [
			...new Set(
				rows
					.filter((r) => targets.get(r.indicatorId)?.some((t) => t.aggregation === 'sum'))
					.map((r) => r.indicatorId)
			)
		];
		const shared = summed.length
			? (
					await db
						.select({ id: assignment.indicatorId })
						.from(assignment)
						.where(inArray(assignment.indicatorId, summed))
						.groupBy(assignment.indicatorId)
						.having(sql`count(*) > 1`)
				).map((a) => a.id)
			: [];
		if (shared.length)
			for (const [id, units] of await latestReports(db, day, { indicatorIds: shared })) latest.set(id, units);
	}
	const plans = plansByPair(
		await approvedMilestones(
			db,
			sql`${milestonePlan.inForceOn} <= ${day}`,
			inScope(scope, milestonePlan.indicatorId, milestonePlan.unitId)
		)
	);
	return [
		...judged(rows, { targets, latest, plans }, day, settings),
		...(scope.unitIds
			? []
			: placeholderAlerts(
					await placeholdersOwingQuery(
						db,
						day,
						scope.indicatorIds ? inArray(indicator.id, scope.indicatorIds) : undefined
					)
				)),
		...(scope.indicatorIds && !scope.unitIds ? [] : await missingReports(db, day, settings, scope.unitIds))
	];
}

/**
 * What a unit's submission reaches: the targets of the unit's indicators, and `shared`, the indicators of
 * its report (`reported`, those of its items) that carry a summed target other units own parts of too (a
 * second assignment): the other owners' progress (and lights) on them moves with this unit's part. (A
 * report's items are only on its unit's indicators, whose targets are read here.)
 */
export async function submissionReach(db: Db, unitId: number, reported: number[]) {
	const targets = await unitTargets(db).execute({ unitId });
	const summed = new Set(targets.filter((t) => t.aggregation === 'sum').map((t) => t.indicatorId));
	const candidates = [...new Set(reported)].filter((id) => summed.has(id));
	const shared = candidates.length
		? (await ownedByMany(db).execute({ ids: JSON.stringify(candidates) })).map((r) => r.indicatorId)
		: [];
	return { targets, shared };
}

const ownedByMany = prepared((db) =>
	db
		.select({ indicatorId: assignment.indicatorId })
		.from(assignment)
		.where(inJsonIds(db, assignment.indicatorId, placeholder('ids')))
		.groupBy(assignment.indicatorId)
		.having(sql`count(*) > 1`)
		.prepare()
);

/**
 * `desiredAlerts` for what a unit's submission moves (`submissionReach`), in one pass of fixed-shape
 * queries (the month-end rush submits thousands): the unit's own lights, and every owner's on the `shared`
 * indicators, with the placeholders' on those. In the order the two scopes' refreshes gave them (the
 * unit's first).
 */
export async function submissionAlerts(
	db: Db,
	day: string,
	settings: Settings,
	unitId: number,
	reach: Awaited<ReturnType<typeof submissionReach>>
): Promise<DesiredAlert[]> {
	const { shared } = reach;
	const at = { day, year: Number(day.slice(0, 4)), unitId, shared: JSON.stringify(shared) };
	const rows = (await submissionAssignments(db).execute(at)).sort(
		(a, b) =>
			Number(b.unitId === unitId) - Number(a.unitId === unitId) ||
			a.indicatorId - b.indicatorId ||
			a.unitId - b.unitId
	);
	const targets = new Map<number, Target[]>();
	for (const t of reach.targets) targets.set(t.indicatorId, [...(targets.get(t.indicatorId) ?? []), t]);
	const latest = await latestAroundUnit(db, day, unitId);
	const plans = plansByPair(await submissionPlans(db).execute(at));
	const own = (d: DesiredAlert) => d.unitId === unitId;
	const desired = [
		...judged(rows, { targets, latest, plans }, day, settings),
		...reportsMissing(
			await unitSpans(db).execute(at),
			await unitReported(db).execute({ ...at, before: endOfDay(day).getTime() }),
			day,
			settings
		)
	];
	return [
		...desired.filter(own),
		...desired.filter((d) => !own(d)),
		// No shared indicator, no placeholder's light in reach.
		...(shared.length ? placeholderAlerts(await submissionPlaceholders(db).execute(at)) : [])
	];
}

type Target = typeof indicatorTarget.$inferSelect;

/**
 * The day an assignment's part begins: its plan's start, or for a handed-down part the day it was handed
 * down (序时进度 runs from it; its unit reports from its month).
 */
const partStart = sql<string>`coalesce(${assignment.handedOn}, ${plan.issuedOn}, ${plan.year} || '-01-01')`;

/** The columns of an assignment in force the rules read (`assignmentsInForce`). */
const inForceColumns = {
	indicatorId: indicator.id,
	unitId: assignment.unitId,
	role: assignment.role,
	kind: indicator.kind,
	parentId: assignment.parentId,
	signBy: assignment.signBy,
	signedOn: assignment.signedOn,
	shares: assignment.shares,
	dueOn: sql<string | null>`coalesce(${assignment.dueOn}, ${indicator.dueOn})`,
	recurrence: indicator.recurrence,
	planStart: partStart
};

/**
 * A plan in force in `year` (a value or a placeholder): one of that year or earlier — a plan's work
 * carries on until signed off. Lights and every unit's counts read it (`countedIn`).
 */
export const planBegunBy = (year: unknown) => sql`${plan.year} <= ${year}`;

/** The assignments not signed off by `day` in plans of its `year` or earlier, narrowed by `where`. */
const assignmentsInForce = (db: Db, day: unknown, year: unknown, where: SQL | undefined) =>
	db
		.select(inForceColumns)
		.from(assignment)
		.innerJoin(indicator, eq(indicator.id, assignment.indicatorId))
		.innerJoin(plan, eq(plan.id, indicator.planId))
		.where(
			and(
				or(isNull(assignment.completedOn), sql`${assignment.completedOn} > ${day}`),
				planBegunBy(year),
				where
			)
		);

type InForce = Awaited<ReturnType<typeof assignmentsInForce>>[number];

/** Within a submission's reach (`submissionAlerts`): the unit's own, or on one of its `shared` indicators. */
const unitOrShared = (db: Db, indicatorCol: SQLiteColumn, unitCol: SQLiteColumn) =>
	sql`(${unitCol} = ${placeholder('unitId')} or ${inJsonIds(db, indicatorCol, placeholder('shared'))})`;

const submissionAssignments = prepared((db) =>
	assignmentsInForce(
		db,
		placeholder('day'),
		placeholder('year'),
		unitOrShared(db, assignment.indicatorId, assignment.unitId)
	).prepare()
);

// Every indicator the unit owes (those of the shared targets among them).
const unitTargets = prepared((db) =>
	db
		.select()
		.from(indicatorTarget)
		.where(
			sql`${indicatorTarget.indicatorId} in (select a.indicator_id from assignment a where a.unit_id = ${placeholder('unitId')})`
		)
		.prepare()
);

const submissionPlans = prepared((db) =>
	approvedMilestones(
		db,
		sql`${milestonePlan.inForceOn} <= ${placeholder('day')}`,
		unitOrShared(db, milestonePlan.indicatorId, milestonePlan.unitId)
	).prepare()
);

const submissionPlaceholders = prepared((db) =>
	placeholdersOwingQuery(db, placeholder('day'), inJsonIds(db, indicator.id, placeholder('shared'))).prepare()
);

/** The lights of assignments in force, by the rules (`desiredAlerts`), from what was read of them. */
function judged(
	rows: InForce[],
	facts: { targets: Map<number, Target[]>; latest: LatestReports; plans: Map<string, PlanInForce> },
	day: string,
	settings: Settings
): DesiredAlert[] {
	const { targets, latest, plans } = facts;
	const out: DesiredAlert[] = [];
	for (const r of rows) {
		const base = { indicatorId: r.indicatorId, unitId: r.unitId, period: null };
		const push = (kind: AlertKind, light: Light, params: ReasonParams, onset: string) =>
			out.push({ ...base, key: alertKey({ ...base, kind }), kind, light, params, onset });
		const handedDown = r.parentId !== null;
		const date =
			r.recurrence || !accountable(r.kind, r.role, handedDown)
				? null
				: dateLight(r.dueOn, day, settings.dueSoonDays);
		if (date && r.dueOn) {
			const onset = date.kind === 'overdue' ? addDays(r.dueOn, 1) : addDays(r.dueOn, -settings.dueSoonDays);
			push(date.kind, date.light, { dueOn: r.dueOn }, onset);
		}
		if (handedDown && r.signBy && r.signBy < day && !(r.signedOn && r.signedOn <= day))
			push('unsigned', 'yellow', { signBy: r.signBy }, addDays(r.signBy, 1));
		const last = latest.get(r.indicatorId)?.get(r.unitId);
		if (!last) continue;
		if (last.status === 'behind') push('reported_behind', 'yellow', { period: last.period }, day);
		const planned = plans.get(`${r.indicatorId}|${r.unitId}`);
		if (planned) {
			const target = targets.get(r.indicatorId)?.find((t) => t.id === planned.targetId);
			const value = target ? (last.values.get(target.id) ?? null) : null;
			const lag = milestoneLight(
				planned.milestones,
				{ period: last.period, percent: last.percent, value },
				day,
				target ? target.op === '<' || target.op === '<=' : false
			);
			if (lag) {
				const m = lag.milestone;
				const params = {
					period: m.period,
					deliverable: m.deliverable,
					planned: m.percent,
					reportPeriod: last.period,
					actual: last.percent,
					...(target && m.value !== null ? { plannedValue: m.value, value, ...actualUnit(target) } : {})
				};
				const onset = lag.kind === 'milestone_missed' ? `${addMonths(m.period, 1)}-01` : day;
				push(lag.kind, 'yellow', params, onset);
			}
			continue;
		}
		if (!r.dueOn || r.recurrence) continue;
		const own = targets.get(r.indicatorId) ?? [];
		const worst = laggingFigure(
			last,
			own.map((t) => partTarget(t, r)),
			latest
		);
		if (worst && expectedProgress(r.planStart, r.dueOn, day) - worst.actual > settings.behindPoints) {
			push('behind_schedule', 'yellow', { start: r.planStart, dueOn: r.dueOn, ...worst }, day);
		}
	}

	return out;
}

/**
 * The milestones of approved plans, each with its plan's indicator, unit and measured target, narrowed by
 * `where`: the one join the lights (plans in force) and the report form (a unit's milestone of a month) read.
 */
export const approvedMilestones = (db: Db, ...where: (SQL | undefined)[]) =>
	db
		.select({
			indicatorId: milestonePlan.indicatorId,
			unitId: milestonePlan.unitId,
			targetId: milestonePlan.targetId,
			period: milestone.period,
			deliverable: milestone.deliverable,
			percent: milestone.percent,
			value: milestone.value
		})
		.from(milestonePlan)
		.innerJoin(milestone, eq(milestone.planId, milestonePlan.id))
		.where(and(eq(milestonePlan.status, 'approved'), ...where));

type PlanInForce = { targetId: number | null; milestones: Milestone[] };

/**
 * The approved milestone plans in force (`approvedMilestones` read over the in-force index), by
 * `indicatorId|unitId`, each with its milestones.
 */
function plansByPair(rows: Awaited<ReturnType<typeof approvedMilestones>>) {
	const out = new Map<string, PlanInForce>();
	for (const r of rows) {
		const key = `${r.indicatorId}|${r.unitId}`;
		const plan = out.get(key) ?? out.set(key, { targetId: r.targetId, milestones: [] }).get(key)!;
		plan.milestones.push({
			period: r.period,
			deliverable: r.deliverable,
			percent: r.percent,
			value: r.value
		});
	}
	return out;
}

/**
 * The figure furthest behind in one unit's latest report: its own 完成比例, and each target's progress by
 * the shared rule (its own part of an each-owner target, all owners' parts of a summed one; a relative
 * target without its baseline and a ceiling have none), with the amounts the reason shows.
 */
function laggingFigure(
	last: LatestReport,
	targets: (typeof indicatorTarget.$inferSelect)[],
	latest: LatestReports
): BehindFigure | null {
	const figures: BehindFigure[] = [];
	if (last.percent !== null) figures.push({ label: '自报完成比例', actual: last.percent });
	for (const t of targets) {
		const own = last.values.get(t.id);
		if (own === undefined) continue;
		const p = targetProgress(t, t.aggregation === 'sum' ? actualsOf(latest, t) : [own]);
		if (p.state !== 'measured' || p.percent === null) continue;
		figures.push({
			label: t.label,
			actual: Math.round(p.percent * 10) / 10,
			value: p.actual,
			goal: p.goal,
			...actualUnit(t),
			...(p.summed ? { summed: true } : {})
		});
	}
	return figures.sort((a, b) => a.actual - b.actual)[0] ?? null;
}

/**
 * Indicators whose lead is an unresolved placeholder (省级有关单位 …; co-units, if any, only support), due
 * before `day`, narrowed by `where`: overdue under "待明确" once due, until the office names the units.
 */
const placeholdersOwingQuery = (db: Db, day: unknown, where: SQL | undefined) =>
	db
		.select({
			indicatorId: indicator.id,
			dueOn: indicator.dueOn,
			pending: sql<string>`${joinedText(db, unitGroup.name, '、')}`
		})
		.from(pendingGroup)
		.innerJoin(indicator, eq(indicator.id, pendingGroup.indicatorId))
		.innerJoin(unitGroup, eq(unitGroup.id, pendingGroup.groupId))
		.where(
			and(
				isNull(pendingGroup.resolvedAt),
				eq(pendingGroup.role, 'lead'),
				isNull(indicator.completedOn),
				isNull(indicator.recurrence),
				sql`${indicator.dueOn} < ${day}`,
				where
			)
		)
		.groupBy(indicator.id);

/** The placeholders' lights (`placeholdersOwingQuery`). */
const placeholderAlerts = (rows: Awaited<ReturnType<typeof placeholdersOwingQuery>>): DesiredAlert[] =>
	rows.map((p) => {
		const a = { kind: 'overdue' as const, indicatorId: p.indicatorId, unitId: null, period: null };
		return {
			...a,
			key: alertKey(a),
			light: 'red' as const,
			params: { dueOn: p.dueOn!, pending: p.pending },
			onset: addDays(p.dueOn!, 1)
		};
	});

/** Monthly reports missing after their due day, for every month a unit (of `unitIds`, or any) had an open assignment. */
async function missingReports(
	db: Db,
	day: string,
	settings: Settings,
	unitIds: number[] | undefined
): Promise<DesiredAlert[]> {
	return reportsMissing(
		await spansQuery(db, unitIds && inArray(assignment.unitId, unitIds)),
		await reportedQuery(db, endOfDay(day).getTime(), unitIds && inArray(report.unitId, unitIds)),
		day,
		settings
	);
}

/** The start (`partStart`) and end of each assignment, narrowed by `where`. */
const spansQuery = (db: Db, where: SQL | undefined) =>
	db
		.selectDistinct({ unitId: assignment.unitId, start: partStart, completedOn: assignment.completedOn })
		.from(assignment)
		.innerJoin(indicator, eq(indicator.id, assignment.indicatorId))
		.innerJoin(plan, eq(plan.id, indicator.planId))
		.where(where);

/** The months reported (submitted before `before`, epoch ms), narrowed by `where`. */
const reportedQuery = (db: Db, before: unknown, where: SQL | undefined) =>
	db
		.select({ unitId: report.unitId, period: report.period })
		.from(report)
		.where(
			and(inArray(report.status, [...SUBMITTED_STATUSES]), sql`${report.firstSubmittedAt} < ${before}`, where)
		);

const unitSpans = prepared((db) => spansQuery(db, eq(assignment.unitId, placeholder('unitId'))).prepare());
const unitReported = prepared((db) =>
	reportedQuery(db, placeholder('before'), eq(report.unitId, placeholder('unitId'))).prepare()
);

function reportsMissing(
	spans: Awaited<ReturnType<typeof spansQuery>>,
	reportedRows: Awaited<ReturnType<typeof reportedQuery>>,
	day: string,
	settings: Settings
): DesiredAlert[] {
	const reported = new Set(reportedRows.map((r) => `${r.unitId}|${r.period}`));
	// Each assignment makes its unit report from its plan's start month (a handed-down part: the month it
	// was handed down) to its completion month.
	const ranges = new Map<number, [string, string][]>();
	for (const x of spans) {
		ranges.set(x.unitId, [
			...(ranges.get(x.unitId) ?? []),
			[periodOf(x.start), x.completedOn ? periodOf(x.completedOn) : '9999-12']
		]);
	}
	const last = lastPeriodDue(day, settings.reportDueDay, false);
	const out: DesiredAlert[] = [];
	for (const [unitId, list] of ranges) {
		const periods = new Set<string>();
		for (const [from, to] of list) {
			for (const period of periodsBetween(from, to < last ? to : last)) periods.add(period);
		}
		for (const period of periods) {
			if (reported.has(`${unitId}|${period}`)) continue;
			const dueOn = reportDueOn(period, settings.reportDueDay);
			const a = { kind: 'report_missing' as const, indicatorId: null, unitId, period };
			out.push({ ...a, key: alertKey(a), light: 'red', params: { period, dueOn }, onset: addDays(dueOn, 1) });
		}
	}
	return out;
}
