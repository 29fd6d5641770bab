import { and, eq, gte, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import {
	assignment,
	indicator,
	indicatorTarget,
	pendingGroup,
	plan,
	report,
	reportItem,
	reportItemValue,
	unitGroup,
	type AlertKind,
	type Light
} from '../../db/schema/index.ts';
import type { Db } from '../../db/client.ts';
import { accountable, dateLight } from '../../web/src/lib/rules/lights.ts';
import { SUBMITTED_STATUSES } from '../../web/src/lib/rules/enums.ts';
import { expectedProgress, type ReasonParams } from '../../web/src/lib/rules/reasons.ts';
import { addDays, addMonths, lastPeriodDue, periodOf, periodsBetween, reportDueOn } from '../lib/dates.ts';
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

/** What a write touched: the lights of these indicators and/or these units are brought up to date. */
export type Scope = { indicatorIds?: number[]; unitIds?: number[] };

export const alertKey = (a: Pick<DesiredAlert, 'kind' | 'indicatorId' | 'unitId' | 'period'>) =>
	`${a.kind}|${a.indicatorId ?? ''}|${a.unitId ?? ''}|${a.period ?? ''}`;

/** The instant a Shanghai calendar day ends: what happened before it counts for that day. */
export const endOfDay = (day: string) => new Date(Date.parse(`${addDays(day, 1)}T00:00:00+08:00`));

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
export function desiredAlerts(db: Db, day: string, settings: Settings, scope: Scope = {}): DesiredAlert[] {
	const out: DesiredAlert[] = [];
	const cutoff = endOfDay(day);
	const year = Number(day.slice(0, 4));
	const rows = db
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
		)
		.all();

	// The latest report each unit sent on each indicator, within the last three months.
	const latest = new Map<
		string,
		{ period: string; itemId: number; status: string | null; percent: number | null }
	>();
	for (const r of db
		.select({
			unitId: report.unitId,
			indicatorId: reportItem.indicatorId,
			period: report.period,
			itemId: reportItem.id,
			status: reportItem.progressStatus,
			percent: reportItem.percent
		})
		.from(reportItem)
		.innerJoin(report, eq(report.id, reportItem.reportId))
		.where(
			and(
				inArray(report.status, [...SUBMITTED_STATUSES]),
				gte(report.period, addMonths(periodOf(day), -2)),
				lte(report.period, periodOf(day)),
				sql`${report.firstSubmittedAt} < ${cutoff.getTime()}`,
				inScope(scope, reportItem.indicatorId, report.unitId)
			)
		)
		.all()) {
		const key = `${r.indicatorId}|${r.unitId}`;
		if ((latest.get(key)?.period ?? '') < r.period) latest.set(key, r);
	}
	const itemIds = [...latest.values()].map((l) => l.itemId);
	const values = new Map<number, { targetId: number; value: number }[]>();
	for (let i = 0; i < itemIds.length; i += 5000) {
		for (const v of db
			.select()
			.from(reportItemValue)
			.where(inArray(reportItemValue.itemId, itemIds.slice(i, i + 5000)))
			.all()) {
			values.set(v.itemId, [...(values.get(v.itemId) ?? []), v]);
		}
	}
	const targets = new Map(
		db
			.select()
			.from(indicatorTarget)
			.where(scope.indicatorIds ? inArray(indicatorTarget.indicatorId, scope.indicatorIds) : undefined)
			.all()
			.map((t) => [t.id, t])
	);

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
		const last = latest.get(`${r.indicatorId}|${r.unitId}`);
		if (!last) continue;
		if (last.status === 'behind') push('reported_behind', 'yellow', { period: last.period }, day);
		if (!r.dueOn || r.recurrence) continue;
		const figures: { label: string; actual: number }[] = [];
		if (last.percent !== null) figures.push({ label: '自报完成比例', actual: last.percent });
		for (const v of values.get(last.itemId) ?? []) {
			const t = targets.get(v.targetId);
			if (t && (t.op === '>=' || t.op === '>') && t.value > 0)
				figures.push({
					label: `${t.label}（${v.value}/${t.value}${t.unit}）`,
					actual: Math.min(100, (v.value / t.value) * 100)
				});
		}
		const worst = figures.sort((a, b) => a.actual - b.actual)[0];
		if (worst && expectedProgress(r.planStart, r.dueOn, day) - worst.actual > settings.behindPoints) {
			push(
				'behind_schedule',
				'yellow',
				{
					start: r.planStart,
					dueOn: r.dueOn,
					label: worst.label,
					actual: Math.round(worst.actual * 10) / 10
				},
				day
			);
		}
	}

	if (!scope.unitIds) out.push(...placeholderAlerts(db, day, scope));
	out.push(...missingReports(db, day, settings, scope));
	return out;
}

/**
 * Indicators whose lead is an unresolved placeholder (省级有关单位 …; co-units, if any, only support):
 * overdue under "待明确" once due, until the office names the units.
 */
function placeholderAlerts(db: Db, day: string, scope: Scope): DesiredAlert[] {
	return db
		.select({
			indicatorId: indicator.id,
			dueOn: indicator.dueOn,
			pending: sql<string>`group_concat(${unitGroup.name}, '、')`
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
		.all()
		.map((p) => {
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
function missingReports(db: Db, day: string, settings: Settings, scope: Scope): DesiredAlert[] {
	if (scope.indicatorIds && !scope.unitIds) return [];
	const unitFilter = scope.unitIds ? sql`and a.unit_id in ${scope.unitIds}` : sql``;
	const spans = db.all<{ unitId: number; start: string; completedOn: string | null }>(
		sql`select distinct a.unit_id as unitId, coalesce(p.issued_on, p.year || '-01-01') as start, a.completed_on as completedOn
			from assignment a join indicator i on i.id = a.indicator_id join plan p on p.id = i.plan_id where 1 = 1 ${unitFilter}`
	);
	const reported = new Set(
		db
			.select({ unitId: report.unitId, period: report.period })
			.from(report)
			.where(
				and(
					inArray(report.status, [...SUBMITTED_STATUSES]),
					sql`${report.firstSubmittedAt} < ${endOfDay(day).getTime()}`,
					scope.unitIds ? inArray(report.unitId, scope.unitIds) : undefined
				)
			)
			.all()
			.map((r) => `${r.unitId}|${r.period}`)
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
