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
	SUBMITTED_STATUSES,
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

/**
 * Report status of every expected (unit, month) among the units in scope: on time, late, missing, or not
 * yet due. A unit is expected in a month its report spans cover (report-spans.ts, kept with the lights).
 * With `closed` (a past day, seen as at its end: bulletins and scores), a report not in by the end of its
 * due day is missing.
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
	// A month is a bit of a sum below: 31 of them at most (a year's matrix is 13).
	if (periods.length > 31)
		return [
			...(await reportStatuses(db, f, day, periods.slice(0, 31), closed)),
			...(await reportStatuses(db, f, day, periods.slice(31), closed))
		];
	const first = periods.reduce((a, b) => (b < a ? b : a));
	const last = periods.reduce((a, b) => (b > a ? b : a));
	// Month k counts 2^k (numbers in the text: PostgreSQL cannot type a sum of parameters).
	const bitOf = sql`case r.period ${sql.join(
		periods.map((p, k) => sql`when ${p} then ${sql.raw(String(2 ** k))}`),
		sql` `
	)} else 0 end`;
	// Per unit: its report spans over these months (a few plans each), and its reports in by the end of
	// the day as bits, one row a unit: thousands of rows at province scale, not units × months.
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
	const reports = await query<{ unitId: number; submitted: number; late: number }>(
		db,
		sql`select r.unit_id as "unitId", sum(${bitOf}) as submitted, sum(case when r.late then ${bitOf} else 0 end) as late
		from report r
		where r.unit_id in (select s.unit_id from report_span s where s.from_period <= ${last} and s.to_period >= ${first})
			and r.period >= ${first} and r.period <= ${last}
			and r.status in ${SUBMITTED_STATUSES} and r.first_submitted_at < ${endOfDay(day).getTime()}
		group by r.unit_id`
	);
	const expected = new Map<number, number>();
	for (const s of spans) {
		let bits = expected.get(s.unitId) ?? 0;
		periods.forEach((p, k) => {
			if (s.fromPeriod <= p && s.toPeriod >= p) bits |= 2 ** k;
		});
		expected.set(s.unitId, bits);
	}
	const filed = new Map(reports.map((r) => [r.unitId, r]));
	const units = [...expected.keys()].sort((a, b) => a - b);
	return periods.map((period, k) => {
		const due = reportDueOn(period, dueDay);
		const overdue = due < day || (closed && due <= day);
		const bit = 2 ** k;
		const status = new Map<number, ReportState>();
		for (const unitId of units) {
			if (!(expected.get(unitId)! & bit)) continue;
			const r = filed.get(unitId);
			status.set(
				unitId,
				r && r.submitted & bit ? (r.late & bit ? 'late' : 'on_time') : overdue ? 'missing' : 'not_due'
			);
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
	if (day > today) throw fail('bad_request', 'dashboard.future_day');
	return summaryData(ctx.db, scoped(ctx, f), day, today);
}

/** The caller's filter within the caller's subtree (a level's supervisor; provincial: as asked). */
function scoped(ctx: ServiceContext, f: DashboardFilter): DashboardFilter {
	const under = subtreeRoot(ctx.actor!);
	return under === null ? f : { ...f, under };
}

/** The dashboard's figures for a day, without the caller check (bulletins use them too). */
export async function summaryData(db: Db, f: DashboardFilter, day: string, today: string) {
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
	const all = await reportStatuses(db, f, day, soFar.includes(period) ? soFar : [period, ...soFar], closed);
	const statuses = all.filter((s) => soFar.includes(s.period));
	const thisPeriod = all.find((s) => s.period === period)!;

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

	const trend = await monthlyTrend(db, f, day, scope, statuses);
	const unitNames = new Map(
		(await query<{ id: number; name: string }>(db, sql`select id, name from unit`)).map((u) => [u.id, u.name])
	);
	const matrixUnits = [...new Set(statuses.flatMap((s) => [...s.status.keys()]))].sort((a, b) => a - b);
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
			reports: { period, due: thisPeriod.due, ...countStatuses(thisPeriod.status) }
		},
		sections: inOrder,
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

/**
 * Per month of the year so far: indicators completed by the month's end (or the day), indicators with an
 * overdue light then (over the units in scope), and the month's report submission rate once due.
 */
async function monthlyTrend(
	db: Db,
	f: DashboardFilter,
	day: string,
	scope: SQL,
	statuses: Awaited<ReturnType<typeof reportStatuses>>
) {
	if (!statuses.length) return [];
	const ends = statuses.map((s) => (periodEnd(s.period) < day ? periodEnd(s.period) : day));
	// Completions by day, once (counted up to each month's end below), not the scope once per month.
	const completions = await query<{ completedOn: string; n: number }>(
		db,
		sql`${scope} select "completedOn", count(*) as n from ind
			where "completedOn" is not null and "completedOn" <= ${day} group by "completedOn"`
	);
	// The overdue lights lit at some month's end, read once; counted per month here (one grouped distinct
	// count per month cost ten times more).
	const lit = await query<{ indicatorId: number; since: string; resolvedOn: string | null }>(
		db,
		sql`
		${scope}
		select al.indicator_id as "indicatorId", al.since, al.resolved_on as "resolvedOn" from alert al
		where al.kind = 'overdue' and al.since <= ${ends.at(-1)!} and (al.resolved_on is null or al.resolved_on > ${ends[0]!})
			and ${unitMatch(f, sql`al.unit_id`)} and ${inScope(f, sql`al.indicator_id`)}`
	);
	// Per indicator, the months at whose end it had an overdue light (bit k: month k): one pass over the lights.
	const monthsLit = new Map<number, number>();
	for (const a of lit) {
		let bits = monthsLit.get(a.indicatorId) ?? 0;
		ends.forEach((end, k) => {
			if (a.since <= end && (a.resolvedOn === null || a.resolvedOn > end)) bits |= 1 << k;
		});
		monthsLit.set(a.indicatorId, bits);
	}
	const overdueAt = (k: number) => {
		let n = 0;
		for (const bits of monthsLit.values()) if (bits & (1 << k)) n++;
		return n;
	};
	const completedBy = (end: string) => completions.reduce((n, c) => n + (c.completedOn <= end ? c.n : 0), 0);
	return statuses.map((s, k) => ({
		period: s.period,
		completed: completedBy(ends[k]!),
		overdue: overdueAt(k),
		submissionRate: s.due < day ? countStatuses(s.status).rate : null
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
