import { sql, type SQL } from 'drizzle-orm';
import { type Db, query } from '../../db/client.ts';
import type { ServiceContext } from '../context.ts';
import { fail } from '../errors.ts';
import { addDays, daysBetween, endOfDay, lastPeriodDue, periodEnd, reportDueOn } from '../lib/dates.ts';
import {
	inScope,
	litOn,
	narrowsUnits,
	planPart,
	scopeWith,
	unitMatch,
	unitsInScope,
	type DashboardFilter
} from './dashboard-scope.ts';
import { getSettings } from './settings.ts';
import { subtreeRoot } from '../../web/src/lib/rules/access.ts';
import {
	REPORT_CELL_CODES,
	SUBMITTED_STATUSES,
	type ReportCell,
	type ReportState,
	type SupervisionState
} from '../../web/src/lib/rules/enums.ts';

/**
 * Dashboards are for the office, leaders and machine clients (service accounts feeding leaders' cockpits),
 * and, for their own unit, units: see unitDashboard.
 */
export function assertSupervisor(ctx: ServiceContext) {
	const role = ctx.actor?.role;
	if (role !== 'office' && role !== 'leader' && role !== 'service') throw fail('forbidden', 'role.dashboard');
}

/** A unit's months among some (bit k: the k-th): those it is expected to report, and those filed. */
type ReportBits = { unitId: number; expected: number; submitted: number; late: number };

/**
 * Per unit expected in some of these months (at most 31: a month is a bit of a sum below), in unit
 * order: the months its report spans cover (report-spans.ts, kept with the lights) and its reports in by
 * the end of the day. One row a unit: thousands of rows at province scale, not units × months.
 */
async function reportBits(db: Db, f: DashboardFilter, day: string, periods: string[]): Promise<ReportBits[]> {
	const first = periods.reduce((a, b) => (b < a ? b : a));
	const last = periods.reduce((a, b) => (b > a ? b : a));
	// Month k counts 2^k (numbers in the text: PostgreSQL cannot type a sum of parameters).
	const bitOf = sql`case r.period ${sql.join(
		periods.map((p, k) => sql`when ${p} then ${sql.raw(String(2 ** k))}`),
		sql` `
	)} else 0 end`;
	// A unit's spans of different plans mostly cover the same of these months: clipped to them, told once.
	const spans = await query<{ unitId: number; fromPeriod: string; toPeriod: string }>(
		db,
		sql`select s.unit_id as "unitId", case when s.from_period < ${first} then ${first} else s.from_period end as "fromPeriod",
			case when s.to_period > ${last} then ${last} else s.to_period end as "toPeriod"
		from report_span s
		where s.from_period <= ${last} and s.to_period >= ${first}
			and ${f.planId ? sql`s.plan_id = ${f.planId}` : sql`1 = 1`} and ${unitsInScope(f, sql`s.unit_id`)}
		group by 1, 2, 3`
	);
	// Every unit's reports of these months when the filter takes every unit (only the expected ones are
	// kept below): one pass over the months' reports, cheaper than a lookup per unit with a span.
	const reports = await query<{ unitId: number; submitted: number; late: number }>(
		db,
		sql`select r.unit_id as "unitId", sum(${bitOf}) as submitted, sum(case when r.late then ${bitOf} else 0 end) as late
		from report r
		where r.period >= ${first} and r.period <= ${last} and ${narrowsUnits(f) ? unitsInScope(f, sql`r.unit_id`) : sql`1 = 1`}
			and r.status in ${SUBMITTED_STATUSES} and r.first_submitted_at < ${endOfDay(day).getTime()}
		group by r.unit_id`
	);
	const units = new Map<number, ReportBits>();
	for (const s of spans) {
		const u = units.get(s.unitId) ?? { unitId: s.unitId, expected: 0, submitted: 0, late: 0 };
		periods.forEach((p, k) => {
			if (s.fromPeriod <= p && s.toPeriod >= p) u.expected |= 2 ** k;
		});
		units.set(s.unitId, u);
	}
	for (const r of reports) {
		const u = units.get(r.unitId);
		if (!u) continue;
		u.submitted = r.submitted;
		u.late = r.late;
	}
	return [...units.values()].sort((a, b) => a.unitId - b.unitId);
}

/** One unit's report state in month k: on time, late, missing once overdue, not yet due, or none expected. */
function cellOf(u: ReportBits, k: number, overdue: boolean): ReportCell {
	const bit = 2 ** k;
	if (!(u.expected & bit)) return 'none';
	if (u.submitted & bit) return u.late & bit ? 'late' : 'on_time';
	return overdue ? 'missing' : 'not_due';
}

/**
 * A month's report is missing once its due day has passed; with `closed` (a past day, seen as at its
 * end: bulletins and scores), once the due day itself is over.
 */
const overdueOn = (due: string, day: string, closed: boolean) => due < day || (closed && due <= day);

/** Each month's due day and cells, a cell per unit in `units`' order. */
function monthCells(units: ReportBits[], periods: string[], dueDay: number, day: string, closed: boolean) {
	return periods.map((period, k) => {
		const due = reportDueOn(period, dueDay);
		const overdue = overdueOn(due, day, closed);
		return { period, due, cells: units.map((u) => cellOf(u, k, overdue)) };
	});
}

/**
 * Report status of every expected (unit, month) among the units in scope: on time, late, missing, or not
 * yet due. A unit is expected in a month its report spans cover.
 */
export async function reportStatuses(
	db: Db,
	f: DashboardFilter,
	day: string,
	periods: string[],
	closed = false
): Promise<{ period: string; due: string; status: Map<number, ReportState> }[]> {
	const dueDay = (await getSettings(db)).reportDueDay;
	if (!periods.length) return [];
	if (periods.length > 31)
		return [
			...(await reportStatuses(db, f, day, periods.slice(0, 31), closed)),
			...(await reportStatuses(db, f, day, periods.slice(31), closed))
		];
	const units = await reportBits(db, f, day, periods);
	return monthCells(units, periods, dueDay, day, closed).map(({ period, due, cells }) => {
		const status = new Map<number, ReportState>();
		cells.forEach((cell, i) => {
			if (cell !== 'none') status.set(units[i]!.unitId, cell);
		});
		return { period, due, status };
	});
}

/** How many of a month's expected reports are in on time, late or missing, and the share in. */
function countCells(cells: Iterable<string>) {
	let onTime = 0;
	let late = 0;
	let missing = 0;
	for (const s of cells) {
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

export const countStatuses = (status: Map<number, string>) => countCells(status.values());

/** The office dashboard as of a day: tiles, sections by light, monthly trend, report matrix. */
export function dashboardSummary(
	ctx: ServiceContext,
	f: DashboardFilter,
	day: string,
	matrixPage?: MatrixPage
) {
	assertSupervisor(ctx);
	const today = ctx.clock.today();
	if (day > today) throw fail('bad_request', 'dashboard.future_day');
	return summaryData(ctx.db, scoped(ctx, f), day, today, matrixPage);
}

/** The report matrix's page: at province scale thousands of units, of which a screen shows a hundred-odd. */
export type MatrixPage = { page: number; pageSize: number };
export const MATRIX_PAGE_SIZE = 120;

/** The caller's filter within the caller's subtree (a level's supervisor; provincial: as asked). */
function scoped(ctx: ServiceContext, f: DashboardFilter): DashboardFilter {
	const under = subtreeRoot(ctx.actor!);
	return under === null ? f : { ...f, under };
}

/** The dashboard's figures for a day, without the caller check (bulletins use them too). */
export async function summaryData(
	db: Db,
	f: DashboardFilter,
	day: string,
	today: string,
	matrixPage: MatrixPage = { page: 1, pageSize: MATRIX_PAGE_SIZE }
) {
	const scope = scopeWith(f, day);
	const soonEnd = addDays(day, 30);
	// One row per (section, state, due within 30 days): the tiles and the sections are sums of these.
	const groups = await query<{
		s1Id: number | null;
		s2Id: number | null;
		state: SupervisionState;
		soon: number;
		n: number;
	}>(
		db,
		sql`
		${scope}
		select "s1Id", "s2Id", state,
			case when "dueOn" is not null and recurrence is null and "dueOn" >= ${day} and "dueOn" <= ${soonEnd} then 1 else 0 end as soon,
			count(*) as n
		from st group by "s1Id", "s2Id", state, soon`
	);
	const count = (l: SupervisionState) => groups.reduce((n, g) => n + (g.state === l ? g.n : 0), 0);
	const isOpen = (g: { state: SupervisionState }) =>
		g.state !== 'completed_on_time' && g.state !== 'completed_late';
	const open = groups.filter(isOpen);
	// The units with a red plan part lit, each found by its first such light (one count distinct over every
	// red light cost twice as much), and 1 for 待明确 if any.
	const red = sql`al.light = 'red' and al.indicator_id is not null and ${litOn(day)}
		and ${planPart(sql`al.indicator_id`, sql`al.unit_id`)} and ${inScope(f, sql`al.indicator_id`)}`;
	const { redUnits } = (
		await query<{ redUnits: number }>(
			db,
			sql`
		${scope}
		select (select count(*) from unit u where ${unitMatch(f, sql`u.id`)}
				and exists (select 1 from alert al where al.unit_id = u.id and ${red}))
			+ (select count(*) from (select 1 from alert al where al.unit_id is null and ${unitMatch(f, sql`al.unit_id`)} and ${red} limit 1) x)
			as "redUnits"`
		)
	)[0]!;
	const dueDay = (await getSettings(db)).reportDueDay;
	const period = lastPeriodDue(day, dueDay, true);

	const year = Number(day.slice(0, 4));
	const months = Array.from({ length: 12 }, (_, m) => `${year}-${String(m + 1).padStart(2, '0')}`);
	// A past day is seen at its end (as bulletins see it): a report not in by its due day is missing.
	const closed = day < today;
	const soFar = months.filter((p) => `${p}-01` <= day);
	// The months of the year so far and the month the tiles speak of (in January, December's), in one query.
	const periods = soFar.includes(period) ? soFar : [period, ...soFar];
	const units = await reportBits(db, f, day, periods);
	const reportMonths = monthCells(units, periods, dueDay, day, closed);
	const statuses = reportMonths.filter((m) => soFar.includes(m.period));
	const thisPeriod = reportMonths.find((m) => m.period === period)!;

	const names = new Map(
		(
			await query<{ id: number; name: string; planId: number; position: number }>(
				db,
				// 0 matches no section and keeps the list non-empty when the scope has none.
				sql`select id, name, plan_id as "planId", position from section where id in (${sql.join(
					[...new Set([0, ...groups.flatMap((g) => [g.s1Id, g.s2Id])])]
						.filter((id) => id !== null)
						.map((id) => sql`${id}`),
					sql`, `
				)})`
			)
		).map((s) => [s.id, s])
	);
	const sections = new Map<
		number,
		{ id: number; name: string; parentId: number | null; counts: Record<SupervisionState, number> }
	>();
	const bump = (id: number | null, parentId: number | null, g: (typeof groups)[number]) => {
		if (id === null) return;
		const entry = sections.get(id) ?? {
			id,
			name: names.get(id)?.name ?? '',
			parentId,
			counts: { red: 0, yellow: 0, green: 0, completed_on_time: 0, completed_late: 0 }
		};
		entry.counts[g.state] += g.n;
		sections.set(id, entry);
	};
	for (const g of groups) {
		bump(g.s1Id, null, g);
		bump(g.s2Id, g.s1Id, g);
	}
	// In the plans' order, as the sections stand in their plans.
	const place = (id: number) => [names.get(id)?.planId ?? 0, names.get(id)?.position ?? 0] as const;
	const inOrder = [...sections.values()].sort((a, b) => {
		const [pa, xa] = place(a.id);
		const [pb, xb] = place(b.id);
		return pa - pb || xa - xb;
	});

	const trend = await monthlyTrend(
		db,
		f,
		day,
		scope,
		statuses.map((m) => ({ period: m.period, due: m.due, rate: countCells(m.cells).rate }))
	);
	// The units expected in some month so far (the matrix's rows, in unit order) and their reports' tally.
	const expected = units.flatMap((_, i) => (statuses.some((m) => m.cells[i] !== 'none') ? [i] : []));
	const tally = countCells(expected.flatMap((i) => statuses.map((m) => m.cells[i]!)));
	const { page, pageSize } = matrixPage;
	const shown = expected.slice((page - 1) * pageSize, page * pageSize);
	const unitNames = new Map(
		shown.length
			? (
					await query<{ id: number; name: string }>(
						db,
						sql`select id, name from unit where id in (${sql.join(
							shown.map((i) => sql`${units[i]!.unitId}`),
							sql`, `
						)})`
					)
				).map((u) => [u.id, u.name])
			: []
	);
	// Each with a letter a month (REPORT_CELL_CODES).
	const rows = shown.map((i) => ({
		unit: { id: units[i]!.unitId, name: unitNames.get(units[i]!.unitId) ?? String(units[i]!.unitId) },
		cells: statuses.map((m) => REPORT_CELL_CODES[m.cells[i]!]).join('')
	}));
	return {
		day,
		today,
		filter: f,
		tiles: {
			indicators: groups.reduce((n, g) => n + g.n, 0),
			completedOnTime: count('completed_on_time'),
			completedLate: count('completed_late'),
			inProgress: open.reduce((n, g) => n + g.n, 0),
			red: count('red'),
			/** The units (and "待明确") behind the red indicators: "红灯指标 12 项，涉及 34 个单位". */
			redUnits,
			yellow: count('yellow'),
			dueWithin30: open.reduce((n, g) => n + (g.soon ? g.n : 0), 0),
			reports: { period, due: thisPeriod.due, ...countCells(thisPeriod.cells) }
		},
		sections: inOrder,
		trend,
		matrix: {
			periods: statuses.map((m) => m.period),
			total: expected.length,
			tally: { onTime: tally.onTime, late: tally.late, missing: tally.missing },
			page,
			pageSize,
			rows
		}
	};
}

/**
 * Per month of the year so far: indicators completed by the month's end (or the day), indicators with an
 * overdue light then (over the units in scope), and the month's report submission rate once due.
 */
async function monthlyTrend(
	db: Db,
	f: DashboardFilter,
	day: string,
	scope: SQL,
	reports: { period: string; due: string; rate: number | null }[]
) {
	if (!reports.length) return [];
	const ends = reports.map((s) => (periodEnd(s.period) < day ? periodEnd(s.period) : day));
	const first = ends[0]!;
	const last = ends.at(-1)!;
	// Completions by day, once (counted up to each month's end below), not the scope once per month.
	const completions = await query<{ completedOn: string; n: number }>(
		db,
		sql`${scope} select "completedOn", count(*) as n from ind
			where "completedOn" is not null and "completedOn" <= ${day} group by "completedOn"`
	);
	// The overdue lights lit at some month's end, counted in SQL: an indicator whose lights stay on through
	// the last month's end is lit at every month's end from its first light's day, so those are counted by
	// that day. Only an indicator with a light that went out within the months comes as its lights, counted
	// per month here (one grouped distinct count per month cost ten times more).
	const overdue = sql`al.kind = 'overdue' and al.since <= ${last} and (al.resolved_on is null or al.resolved_on > ${first})
		and ${unitMatch(f, sql`al.unit_id`)} and ${inScope(f, sql`al.indicator_id`)}`;
	const lit = await query<{
		indicatorId: number | null;
		since: string;
		resolvedOn: string | null;
		n: number;
	}>(
		db,
		sql`
		${scope}, lit as (
			select al.indicator_id as id, min(al.since) as since, max(case when al.resolved_on <= ${last} then 1 else 0 end) as outs
			from alert al where ${overdue} group by al.indicator_id
		)
		select null as "indicatorId", since, null as "resolvedOn", count(*) as n from lit where outs = 0 group by since
		union all
		select al.indicator_id, al.since, al.resolved_on, 1 from alert al
		where ${overdue} and al.indicator_id in (select id from lit where outs = 1)`
	);
	const overdueAt = ends.map(() => 0);
	// Per indicator whose light went out, the months at whose end it had one (bit k: month k).
	const monthsLit = new Map<number, number>();
	for (const a of lit) {
		if (a.indicatorId === null) {
			ends.forEach((end, k) => {
				if (a.since <= end) overdueAt[k]! += a.n;
			});
			continue;
		}
		let bits = monthsLit.get(a.indicatorId) ?? 0;
		ends.forEach((end, k) => {
			if (a.since <= end && (a.resolvedOn === null || a.resolvedOn > end)) bits |= 1 << k;
		});
		monthsLit.set(a.indicatorId, bits);
	}
	for (const bits of monthsLit.values()) ends.forEach((_, k) => (overdueAt[k]! += bits & (1 << k) ? 1 : 0));
	const completedBy = (end: string) => completions.reduce((n, c) => n + (c.completedOn <= end ? c.n : 0), 0);
	return reports.map((s, k) => ({
		period: s.period,
		completed: completedBy(ends[k]!),
		overdue: overdueAt[k]!,
		submissionRate: s.due < day ? s.rate : null
	}));
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
	return listData(ctx.db, scoped(ctx, f), day, ctx.clock.today(), kind, sort, page, pageSize);
}

export async function listData(
	db: Db,
	f: DashboardFilter,
	day: string,
	today: string,
	kind: ListKind,
	sort: 'due' | '-due',
	page: number,
	pageSize: number
) {
	const picked =
		kind === 'red'
			? sql`st.state = 'red'`
			: sql`st.state not in ('completed_on_time', 'completed_late') and st."dueOn" is not null and st.recurrence is null
				and st."dueOn" >= ${day} and st."dueOn" <= ${addDays(day, 30)}`;
	const direction = sort === '-due' ? sql`desc` : sql`asc`;
	const order = (t: SQL) => sql`order by coalesce(${t}."dueOn", '') ${direction}, ${t}.id`;
	// An indicator without a date sorts as the empty text did: first ascending, last descending. The page is
	// picked by id and date alone, its texts, task and section read for its own rows (not for every one
	// picked); a red list's rows are red by the filter, their light not looked up a second time.
	const slice = await query<{
		id: number;
		text: string;
		task: string;
		section: string | null;
		dueOn: string | null;
		light: SupervisionState;
		total: number;
	}>(
		db,
		sql`
		${scopeWith(f, day)}, page as (
			select st.id, st."taskId", st."s1Id", st."s2Id", st."dueOn", ${kind === 'red' ? sql`'red'` : sql`st.state`} as light,
				count(*) over () as total
			from st where ${picked}
			${order(sql`st`)}
			limit ${pageSize} offset ${(page - 1) * pageSize}
		)
		select page.id, i.text, t.title as task, coalesce(s2.name, s1.name) as section, page."dueOn", page.light, page.total
		from page join indicator i on i.id = page.id join task t on t.id = page."taskId"
			left join section s2 on s2.id = page."s2Id" left join section s1 on s1.id = page."s1Id"
		${order(sql`page`)}`
	);
	const ids = slice.length
		? sql.join(
				slice.map((i) => sql`${i.id}`),
				sql`, `
			)
		: sql`0`;
	// On the red list, the units that are red; on the due-soon list, every unit concerned. Found by the page's
	// indicators: `+` keeps SQLite from reading every plan part by assignment_parent_idx instead (its
	// statistics count the many null parents as one value of a few rows).
	const red = sql`exists (select 1 from alert al where al.indicator_id = a.indicator_id and al.unit_id = a.unit_id
		and al.light = 'red' and ${litOn(day)})`;
	const units = await query<{ indicatorId: number; id: number; name: string; role: 'lead' | 'co' }>(
		db,
		sql`
		select a.indicator_id as "indicatorId", u.id, u.name, a.role from assignment a join unit u on u.id = a.unit_id
		where a.indicator_id in (${ids}) and +a.parent_id is null and ${unitMatch(f, sql`a.unit_id`)} and ${kind === 'red' ? red : sql`1 = 1`}
		order by a.indicator_id, a.position`
	);
	const pending = new Set(
		narrowsUnits(f)
			? []
			: (
					await query<{ id: number }>(
						db,
						sql`select distinct al.indicator_id as id from alert al
							where al.indicator_id in (${ids}) and al.unit_id is null and al.light = 'red' and ${litOn(day)}`
					)
				).map((r) => r.id)
	);
	return {
		day,
		total: slice[0]?.total ?? (await listTotal(db, f, day, picked)),
		page,
		pageSize,
		items: slice.map((i) => ({
			id: i.id,
			text: i.text,
			task: i.task,
			section: i.section,
			dueOn: i.dueOn,
			light: i.light,
			daysOverdue: i.dueOn && i.dueOn < day ? daysBetween(i.dueOn, day) : 0,
			/** Owed only by placeholders not yet resolved (待明确). */
			pending: pending.has(i.id),
			units: units
				.filter((u) => u.indicatorId === i.id)
				.map((u) => ({ id: u.id, name: u.name, role: u.role }))
		}))
	};
}

/** The list's length when the page asked for lies beyond its end. */
const listTotal = async (db: Db, f: DashboardFilter, day: string, picked: SQL) =>
	(await query<{ n: number }>(db, sql`${scopeWith(f, day)} select count(*) as n from st where ${picked}`))[0]!
		.n;
