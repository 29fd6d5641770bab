import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import type { ServiceContext } from '../context.ts';
import { ApiError } from '../errors.ts';
import { addDays, daysBetween, lastPeriodDue, periodEnd, reportDueOn } from '../lib/dates.ts';
import {
	indicatorLight,
	lightsOn,
	loadScope,
	type DashboardFilter,
	type IndicatorLight,
	type ScopeIndicator
} from './dashboard-scope.ts';
import { endOfDay } from './lights.ts';
import { reportableInMemory } from './report-form.ts';
import { getSettings } from './settings.ts';
import { memo } from '../lib/memo.ts';

/** Dashboards are for the office and leaders (and, for their own unit, units: see unitDashboard). */
export function assertSupervisor(ctx: ServiceContext) {
	const role = ctx.actor?.role;
	if (role !== 'office' && role !== 'leader') throw new ApiError('forbidden', '仅联席办和领导可查看督查看板');
}

type ReportRow = { unitId: number; period: string; late: number; submittedAt: number };

/** Report status of every expected (unit, month): on time, late, missing, or not yet due. */
export function reportStatuses(
	db: Db,
	units: Set<number> | null,
	planId: number | undefined,
	day: string,
	periods: string[]
) {
	const dueDay = getSettings(db).reportDueDay;
	const spans = db.all<{ unitId: number; start: string; completedOn: string | null }>(sql`
		select distinct a.unit_id as unitId, coalesce(p.issued_on, p.year || '-01-01') as start, i.completed_on as completedOn
		from assignment a join indicator i on i.id = a.indicator_id join plan p on p.id = i.plan_id
		where (${planId ?? null} is null or p.id = ${planId ?? null})`);
	const cutoff = endOfDay(day).getTime();
	const reports = new Map(
		db
			.all<ReportRow>(
				sql`select unit_id as unitId, period, late, first_submitted_at as submittedAt from report
					where status in ('submitted', 'returned', 'accepted') and period >= ${periods[0] ?? ''} and period <= ${periods.at(-1) ?? ''}`
			)
			.filter((r) => r.submittedAt < cutoff)
			.map((r) => [`${r.unitId}|${r.period}`, r])
	);
	return periods.map((period) => {
		const due = reportDueOn(period, dueDay);
		const reportable = reportableInMemory(period);
		const expected = new Set(
			spans
				.filter((x) => (!units || units.has(x.unitId)) && reportable(x.start, x.completedOn))
				.map((x) => x.unitId)
		);
		const status = new Map<number, 'on_time' | 'late' | 'missing' | 'not_due'>();
		for (const unitId of expected) {
			const r = reports.get(`${unitId}|${period}`);
			status.set(unitId, r ? (r.late ? 'late' : 'on_time') : due < day ? 'missing' : 'not_due');
		}
		return { period, due, status };
	});
}

export function countStatuses(status: Map<number, string>) {
	let onTime = 0;
	let late = 0;
	let missing = 0;
	for (const s of status.values()) {
		if (s === 'on_time') onTime++;
		else if (s === 'late') late++;
		else if (s === 'missing') missing++;
	}
	const expected = onTime + late + missing;
	return {
		expected,
		onTime,
		late,
		missing,
		rate: expected ? Math.round(((onTime + late) / expected) * 1000) / 10 : null
	};
}

/** The office dashboard as of a day: tiles, sections by light, monthly trend, report matrix. */
export function dashboardSummary(ctx: ServiceContext, f: DashboardFilter, day: string) {
	assertSupervisor(ctx);
	const today = ctx.clock.today();
	if (day > today) throw new ApiError('bad_request', '只能查看今天及以前的情况');
	return summaryData(ctx.db, f, day, today);
}

/** The dashboard's figures for a day, without the caller check (bulletins use them too). */
export function summaryData(db: Db, f: DashboardFilter, day: string, today: string) {
	return memo(db, `summary|${JSON.stringify(f)}|${day}|${today}`, () => summaryNow(db, f, day, today));
}

function summaryNow(db: Db, f: DashboardFilter, day: string, today: string) {
	const { indicators, assignments } = loadScope(db, f);
	const units = f.unitKind || f.unitId ? new Set(assignments.map((a) => a.unitId)) : null;
	const { lights } = lightsOn(db, day, today);
	const lightOf = new Map(indicators.map((i) => [i.id, indicatorLight(i, day, lights, units)]));
	const count = (l: IndicatorLight) => [...lightOf.values()].filter((x) => x === l).length;
	const open = indicators.filter((i) => !(i.completedOn && i.completedOn <= day));
	const dueDay = getSettings(db).reportDueDay;
	const period = lastPeriodDue(day, dueDay, true);

	const year = Number(day.slice(0, 4));
	const months = Array.from({ length: 12 }, (_, m) => `${year}-${String(m + 1).padStart(2, '0')}`);
	const statuses = reportStatuses(
		db,
		units,
		f.planId,
		day,
		months.filter((p) => `${p}-01` <= day)
	);
	const thisPeriod =
		statuses.find((s) => s.period === period) ?? reportStatuses(db, units, f.planId, day, [period])[0]!;

	const sections = new Map<
		number,
		{ id: number; name: string; parentId: number | null; counts: Record<IndicatorLight, number> }
	>();
	const bump = (id: number | null, name: string | null, parentId: number | null, light: IndicatorLight) => {
		if (id === null) return;
		const entry = sections.get(id) ?? {
			id,
			name: name ?? '',
			parentId,
			counts: { red: 0, yellow: 0, green: 0, completed_on_time: 0, completed_late: 0 }
		};
		entry.counts[light]++;
		sections.set(id, entry);
	};
	for (const i of indicators) {
		bump(i.s1Id, i.s1Name, null, lightOf.get(i.id)!);
		bump(i.s2Id, i.s2Name, i.s1Id, lightOf.get(i.id)!);
	}

	const trend = statuses.map((s) => {
		const end = periodEnd(s.period) < day ? periodEnd(s.period) : day;
		return {
			period: s.period,
			completed: indicators.filter((i) => i.completedOn && i.completedOn <= end).length,
			overdue: indicators.filter(
				(i) => i.dueOn && !i.recurrence && i.dueOn < end && !(i.completedOn && i.completedOn <= end)
			).length,
			submissionRate: s.due < day ? countStatuses(s.status).rate : null
		};
	});

	const unitNames = new Map(assignments.map((a) => [a.unitId, a.unitName]));
	const matrixUnits = [...new Set(statuses.flatMap((s) => [...s.status.keys()]))].sort((a, b) => a - b);
	return {
		day,
		today,
		filter: f,
		tiles: {
			indicators: indicators.length,
			completedOnTime: count('completed_on_time'),
			completedLate: count('completed_late'),
			inProgress: open.length,
			red: count('red'),
			yellow: count('yellow'),
			dueWithin30: open.filter(
				(i) => i.dueOn && !i.recurrence && i.dueOn >= day && i.dueOn <= addDays(day, 30)
			).length,
			reports: { period, due: thisPeriod.due, ...countStatuses(thisPeriod.status) }
		},
		sections: [...sections.values()],
		trend,
		matrix: {
			periods: statuses.map((s) => s.period),
			rows: matrixUnits.map((unitId) => ({
				unit: { id: unitId, name: unitNames.get(unitId) ?? String(unitId) },
				cells: statuses.map((s) => s.status.get(unitId) ?? 'none')
			}))
		}
	};
}

export type ListKind = 'red' | 'due_soon';

/** The red list (or the due-soon list) with the units concerned, sortable and paged. */
export function dashboardList(
	ctx: ServiceContext,
	f: DashboardFilter,
	day: string,
	kind: ListKind,
	sort: 'due' | '-due',
	page: number,
	pageSize: number
) {
	assertSupervisor(ctx);
	return listData(ctx.db, f, day, ctx.clock.today(), kind, sort, page, pageSize);
}

export function listData(
	db: Db,
	f: DashboardFilter,
	day: string,
	today: string,
	kind: ListKind,
	sort: 'due' | '-due',
	page: number,
	pageSize: number
) {
	const { indicators, assignments } = loadScope(db, f);
	const units = f.unitKind || f.unitId ? new Set(assignments.map((a) => a.unitId)) : null;
	const { lights } = lightsOn(db, day, today);
	const picked: (ScopeIndicator & { light: IndicatorLight })[] = [];
	for (const i of indicators) {
		const light = indicatorLight(i, day, lights, units);
		if (
			kind === 'red'
				? light === 'red'
				: light !== 'completed_on_time' &&
					light !== 'completed_late' &&
					i.dueOn &&
					!i.recurrence &&
					i.dueOn >= day &&
					i.dueOn <= addDays(day, 30)
		) {
			picked.push({ ...i, light });
		}
	}
	picked.sort(
		(a, b) =>
			(sort === '-due'
				? (b.dueOn ?? '').localeCompare(a.dueOn ?? '')
				: (a.dueOn ?? '').localeCompare(b.dueOn ?? '')) || a.id - b.id
	);
	const slice = picked.slice((page - 1) * pageSize, page * pageSize);
	const byIndicator = new Map<number, typeof assignments>();
	for (const a of assignments) byIndicator.set(a.indicatorId, [...(byIndicator.get(a.indicatorId) ?? []), a]);
	return {
		day,
		total: picked.length,
		page,
		pageSize,
		items: slice.map((i) => ({
			id: i.id,
			text: i.text,
			task: i.task,
			section: i.s2Name ?? i.s1Name,
			dueOn: i.dueOn,
			light: i.light,
			daysOverdue: i.dueOn && i.dueOn < day ? daysBetween(i.dueOn, day) : 0,
			units: (byIndicator.get(i.id) ?? [])
				// On the red list, the units that are red; on the due-soon list, every unit concerned.
				.filter((a) => kind === 'due_soon' || lights.get(i.id)?.get(a.unitId) === 'red')
				.map((a) => ({ id: a.unitId, name: a.unitName, role: a.role }))
		}))
	};
}
