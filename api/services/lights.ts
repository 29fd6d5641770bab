import { and, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import {
	assignment,
	indicator,
	indicatorTarget,
	pendingGroup,
	plan,
	report,
	unitGroup,
	type AlertKind,
	type Light
} from '../../db/schema/index.ts';
import { type Db, joinedText, query } from '../../db/client.ts';
import { accountable, dateLight } from '../../web/src/lib/rules/lights.ts';
import { SUBMITTED_STATUSES } from '../../web/src/lib/rules/enums.ts';
import { expectedProgress, type BehindFigure, type ReasonParams } from '../../web/src/lib/rules/reasons.ts';
import { actualUnit, targetProgress } from '../../web/src/lib/rules/targets.ts';
import { addDays, endOfDay, lastPeriodDue, periodOf, periodsBetween, reportDueOn } from '../lib/dates.ts';
import { actualsOf, latestReports, type LatestReport, type LatestReports } from './latest-reports.ts';
import type { Settings } from './settings.ts';

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
 * yellow when due soon, when the unit reports 滞后, or when its figures lag 序时进度.
 */
export async function desiredAlerts(
	db: Db,
	day: string,
	settings: Settings,
	scope: Scope = {}
): Promise<DesiredAlert[]> {
	const out: DesiredAlert[] = [];
	const year = Number(day.slice(0, 4));
	const rows = await db
		.select({
			indicatorId: indicator.id,
			unitId: assignment.unitId,
			role: assignment.role,
			kind: indicator.kind,
			dueOn: sql<string | null>`coalesce(${assignment.dueOn}, ${indicator.dueOn})`,
			recurrence: indicator.recurrence,
			planStart: sql<string>`coalesce(${plan.issuedOn}, ${plan.year} || '-01-01')`
		})
		.from(assignment)
		.innerJoin(indicator, eq(indicator.id, assignment.indicatorId))
		.innerJoin(plan, eq(plan.id, indicator.planId))
		.where(
			and(
				or(isNull(assignment.completedOn), sql`${assignment.completedOn} > ${day}`),
				sql`${plan.year} <= ${year}`,
				inScope(scope, assignment.indicatorId, assignment.unitId)
			)
		);

	const targets = new Map<number, (typeof indicatorTarget.$inferSelect)[]>();
	for (const t of await db
		.select()
		.from(indicatorTarget)
		.where(scope.indicatorIds ? inArray(indicatorTarget.indicatorId, scope.indicatorIds) : undefined))
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

	for (const r of rows) {
		const base = { indicatorId: r.indicatorId, unitId: r.unitId, period: null };
		const push = (kind: AlertKind, light: Light, params: ReasonParams, onset: string) =>
			out.push({ ...base, key: alertKey({ ...base, kind }), kind, light, params, onset });
		const date =
			r.recurrence || !accountable(r.kind, r.role) ? null : dateLight(r.dueOn, day, settings.dueSoonDays);
		if (date && r.dueOn) {
			const onset = date.kind === 'overdue' ? addDays(r.dueOn, 1) : addDays(r.dueOn, -settings.dueSoonDays);
			push(date.kind, date.light, { dueOn: r.dueOn }, onset);
		}
		const last = latest.get(r.indicatorId)?.get(r.unitId);
		if (!last) continue;
		if (last.status === 'behind') push('reported_behind', 'yellow', { period: last.period }, day);
		if (!r.dueOn || r.recurrence) continue;
		const worst = laggingFigure(last, targets.get(r.indicatorId) ?? [], latest);
		if (worst && expectedProgress(r.planStart, r.dueOn, day) - worst.actual > settings.behindPoints) {
			push('behind_schedule', 'yellow', { start: r.planStart, dueOn: r.dueOn, ...worst }, day);
		}
	}

	if (!scope.unitIds) out.push(...(await placeholderAlerts(db, day, scope)));
	out.push(...(await missingReports(db, day, settings, scope)));
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
 * Indicators whose lead is an unresolved placeholder (省级有关单位 …; co-units, if any, only support):
 * overdue under "待明确" once due, until the office names the units.
 */
async function placeholderAlerts(db: Db, day: string, scope: Scope): Promise<DesiredAlert[]> {
	return (
		await db
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
					scope.indicatorIds ? inArray(indicator.id, scope.indicatorIds) : undefined
				)
			)
			.groupBy(indicator.id)
	).map((p) => {
		const a = { kind: 'overdue' as const, indicatorId: p.indicatorId, unitId: null, period: null };
		return {
			...a,
			key: alertKey(a),
			light: 'red' as const,
			params: { dueOn: p.dueOn!, pending: p.pending },
			onset: addDays(p.dueOn!, 1)
		};
	});
}

/** Monthly reports missing after their due day, for every month a unit had an open assignment. */
async function missingReports(
	db: Db,
	day: string,
	settings: Settings,
	scope: Scope
): Promise<DesiredAlert[]> {
	if (scope.indicatorIds && !scope.unitIds) return [];
	const unitFilter = scope.unitIds ? sql`and a.unit_id in ${scope.unitIds}` : sql``;
	const spans = await query<{ unitId: number; start: string; completedOn: string | null }>(
		db,
		sql`select distinct a.unit_id as "unitId", coalesce(p.issued_on, p.year || '-01-01') as start, a.completed_on as "completedOn"
			from assignment a join indicator i on i.id = a.indicator_id join plan p on p.id = i.plan_id where 1 = 1 ${unitFilter}`
	);
	const reported = new Set(
		(
			await db
				.select({ unitId: report.unitId, period: report.period })
				.from(report)
				.where(
					and(
						inArray(report.status, [...SUBMITTED_STATUSES]),
						sql`${report.firstSubmittedAt} < ${endOfDay(day).getTime()}`,
						scope.unitIds ? inArray(report.unitId, scope.unitIds) : undefined
					)
				)
		).map((r) => `${r.unitId}|${r.period}`)
	);
	// Each assignment makes its unit report from its plan's start month to its completion month.
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
