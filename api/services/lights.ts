import { and, eq, gte, inArray, lte, or, sql } from 'drizzle-orm';
import {
	assignment,
	indicator,
	indicatorTarget,
	plan,
	report,
	reportItem,
	reportItemValue,
	type AlertKind,
	type Light
} from '../../db/schema/index.ts';
import type { Db } from '../../db/client.ts';
import {
	addDays,
	addMonths,
	daysBetween,
	lastPeriodDue,
	periodOf,
	periodsBetween,
	reportDueOn
} from '../lib/dates.ts';
import type { Settings } from './settings.ts';

export type DesiredAlert = {
	key: string;
	kind: AlertKind;
	light: Light;
	indicatorId: number | null;
	unitId: number;
	period: string | null;
	reason: string;
};

export const alertKey = (a: Pick<DesiredAlert, 'kind' | 'indicatorId' | 'unitId' | 'period'>) =>
	`${a.kind}|${a.indicatorId ?? ''}|${a.unitId}|${a.period ?? ''}`;

/** The instant a Shanghai calendar day ends: what happened before it counts for that day. */
export const endOfDay = (day: string) => new Date(Date.parse(`${addDays(day, 1)}T00:00:00+08:00`));

const SUBMITTED = ['submitted', 'returned', 'accepted'] as const;

/** 序时进度: the share of the time from the plan's start to the due date that has passed, in percent. */
export function expectedProgress(start: string, due: string, day: string): number {
	const span = daysBetween(start, due);
	if (span <= 0) return 100;
	return Math.max(0, Math.min(100, (daysBetween(start, day) / span) * 100));
}

/**
 * Every alert that should be open after the evaluation of `day`, from the rules of the design: red when
 * past due and not signed off, or a monthly report missing after its due day; yellow when due soon, when
 * the unit reports 滞后, or when its figures lag the time-proportional expectation.
 */
export function desiredAlerts(db: Db, day: string, settings: Settings): DesiredAlert[] {
	const out: DesiredAlert[] = [];
	const cutoff = endOfDay(day);
	const rows = db
		.select({
			indicatorId: indicator.id,
			unitId: assignment.unitId,
			dueOn: indicator.dueOn,
			recurrence: indicator.recurrence,
			planStart: sql<string>`coalesce(${plan.issuedOn}, ${plan.year} || '-01-01')`
		})
		.from(assignment)
		.innerJoin(indicator, eq(indicator.id, assignment.indicatorId))
		.innerJoin(plan, eq(plan.id, indicator.planId))
		.where(
			and(
				or(eq(indicator.status, 'open'), sql`${indicator.completedOn} > ${day}`),
				sql`${plan.year} <= ${Number(day.slice(0, 4))}`
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
				inArray(report.status, [...SUBMITTED]),
				gte(report.period, addMonths(periodOf(day), -2)),
				lte(report.period, periodOf(day)),
				sql`${report.firstSubmittedAt} < ${cutoff.getTime()}`
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
			.all()
			.map((t) => [t.id, t])
	);

	for (const r of rows) {
		const base = { indicatorId: r.indicatorId, unitId: r.unitId, period: null };
		const push = (kind: AlertKind, light: Light, reason: string) =>
			out.push({ ...base, key: alertKey({ ...base, kind }), kind, light, reason });
		if (r.dueOn && !r.recurrence) {
			const left = daysBetween(day, r.dueOn);
			if (left < 0) push('overdue', 'red', `已超过完成时限 ${r.dueOn}（逾期 ${-left} 天），尚未办结`);
			else if (left <= settings.dueSoonDays)
				push('due_soon', 'yellow', `距完成时限 ${r.dueOn} 还有 ${left} 天`);
		}
		const last = latest.get(`${r.indicatorId}|${r.unitId}`);
		if (!last) continue;
		if (last.status === 'behind') push('reported_behind', 'yellow', `${last.period} 月报自报进展“滞后”`);
		if (!r.dueOn || r.recurrence) continue;
		const expected = expectedProgress(r.planStart, r.dueOn, day);
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
		if (worst && expected - worst.actual > settings.behindPoints) {
			push(
				'behind_schedule',
				'yellow',
				`序时进度 ${Math.round(expected)}%，${worst.label}实际 ${Math.round(worst.actual)}%，落后 ${Math.round(expected - worst.actual)} 个百分点`
			);
		}
	}

	// Monthly reports missing after their due day, for every month since the earliest plan started.
	// One pass over the assignments and one over the reports, instead of two queries per month.
	const spans = db.all<{ unitId: number; start: string; completedOn: string | null }>(
		sql`select distinct a.unit_id as unitId, coalesce(p.issued_on, p.year || '-01-01') as start, i.completed_on as completedOn
			from assignment a join indicator i on i.id = a.indicator_id join plan p on p.id = i.plan_id`
	);
	const reported = new Set(
		db
			.select({ unitId: report.unitId, period: report.period })
			.from(report)
			.where(
				and(inArray(report.status, [...SUBMITTED]), sql`${report.firstSubmittedAt} < ${cutoff.getTime()}`)
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
	for (const [unitId, list] of ranges) {
		const periods = new Set<string>();
		for (const [from, to] of list) {
			for (const period of periodsBetween(from, to < last ? to : last)) periods.add(period);
		}
		for (const period of periods) {
			if (reported.has(`${unitId}|${period}`)) continue;
			const due = reportDueOn(period, settings.reportDueDay);
			const a = { kind: 'report_missing' as const, indicatorId: null, unitId, period };
			out.push({
				...a,
				key: alertKey(a),
				light: 'red',
				reason: `${period} 月报未报送（应于 ${due} 前报送，已超期 ${daysBetween(due, day)} 天）`
			});
		}
	}
	return out;
}
