import { sql } from 'drizzle-orm';
import type { UnitKind } from '../../db/schema/index.ts';
import { type Db, query } from '../../db/client.ts';
import type { ServiceContext } from '../context.ts';
import { fail } from '../errors.ts';
import { addMonths, assertPeriod, endOfDay, periodEnd } from '../lib/dates.ts';
import { reportStatuses } from './dashboard.ts';
import { litOn } from './dashboard-scope.ts';
import { visibleUnitIds } from './access.ts';
import { getSettings, type RankingCategory, type Settings } from './settings.ts';
import { LAG_KINDS, MILESTONE_KINDS } from '../../web/src/lib/rules/enums.ts';

/** The named parts of a score; each deduction or addition is one traceable item. */
export const COMPONENTS = ['timeliness', 'progress', 'overdue', 'quality', 'adjustment'] as const;
export type Component = (typeof COMPONENTS)[number];
export const COMPONENT_NAMES: Record<Component, string> = {
	timeliness: '报送及时性',
	progress: '推进进度',
	overdue: '逾期任务',
	quality: '报送质量',
	adjustment: '加分减分'
};
export const TIE_RULE = '得分相同的，依次以牵头逾期指标少者、月报报送早者居前；仍相同的并列。';

export type ScoreItem = {
	component: Component;
	kind: ScoreCause;
	points: number;
	cause: string;
	indicatorId: number | null;
};
export type ScoreCause = 'missing' | 'late' | 'behind' | 'redLead' | 'redCo' | 'returns' | 'adjustments';
export type ScoreCounts = Record<ScoreCause, number>;
export type ScoredUnit = {
	unit: { id: number; name: string; kind: UnitKind };
	category: string;
	public: boolean;
	score: number;
	/** Rank within the category. */
	rank: number;
	counts: ScoreCounts;
	/** 100 plus these is the score; the items behind them: scoreItems. */
	components: Record<Component, number>;
};

export const weightsOf = (s: Settings) => ({
	missing: s.scoreMissingReport,
	late: s.scoreLateReport,
	behind: s.scoreBehind,
	redLead: s.scoreRedLead,
	redCo: s.scoreRedCo,
	returned: s.scoreReturned
});

/** A month's ranking is final once the following month has ended (late reports and returns are in). */
export const isFinal = (period: string, today: string) => today > periodEnd(addMonths(period, 1));

/** The category a unit falls in: the first that names it, else the first of its kind. */
export function categoryOf(categories: RankingCategory[], u: { name: string; kind: UnitKind }) {
	return categories.find((c) => c.units.includes(u.name)) ?? categories.find((c) => c.kinds.includes(u.kind));
}

const round = (n: number) => Math.round(n * 100) / 100;

/**
 * Why units lose points for a month, as of the end of `asOf`: the units' overdue items lit then
 * (`redLead`), their lagging ones (`behind`), and the co-units of joint indicators whose lead has let them
 * fall overdue (`redCo`; each-owes parts are their own overdue items), one row per (unit, indicator) each,
 * and `causes`, all three with their kind. The counts behind every score (each kind counted on its own)
 * and the traced items of one unit's score are both read from them. Each is read from an index alone: the
 * overdue lights in alert_kind_unit_idx's order (kind, unit, indicator), distinct without a sort of every
 * lit light; the co-units' parts from assignment_role_idx, against the joint indicators found overdue once
 * (not once a co-unit).
 */
function indicatorCauses(asOf: string) {
	const lit = litOn(asOf);
	return sql`redLead(unitId, indicatorId) as (
		select distinct al.unit_id, al.indicator_id from alert al
		where al.kind = 'overdue' and al.unit_id is not null and ${lit}
	), behind(unitId, indicatorId) as (
		select distinct al.unit_id, al.indicator_id from alert al
		where al.kind in ${LAG_KINDS} and al.unit_id is not null and ${lit}
	), redCo(unitId, indicatorId) as (
		select a.unit_id, a.indicator_id from assignment a
		where a.role = 'co' and a.parent_id is null and (a.completed_on is null or a.completed_on > ${asOf})
			and a.indicator_id in (select i.id from indicator i where i.kind = 'joint'
				and exists (select 1 from alert al where al.indicator_id = i.id and al.kind = 'overdue' and ${lit}))
	), causes(unitId, kind, indicatorId) as (
		select unitId, 'redLead', indicatorId from redLead
		union all select unitId, 'behind', indicatorId from behind
		union all select unitId, 'redCo', indicatorId from redCo
	)`;
}

/** The returns of a month's reports made before the end of `asOf`, per unit. */
const returnsBy = (period: string, asOf: string) => sql`
	select r.unit_id as unitId, count(*) as n from report_version v join report r on r.id = v.report_id
	where r.period = ${period} and v.action = 'return' and v.at < ${endOfDay(asOf).getTime()} group by r.unit_id`;

/**
 * Every unit's score for a month from the supervision state at the end of `asOf` (the one day a bulletin
 * or the dashboard speaks of; a day not yet over, today, as it stands): 100, minus the weights per missing
 * or late report, per indicator behind 序时进度 or its milestone (or as its unit reports), per overdue indicator (lead:
 * accountable for it; co: supporting a joint one the lead has let fall overdue), per return of the month's
 * report, plus the office's 加分/减分. Ranked within categories by TIE_RULE. Counted in SQL, one row per
 * unit: the items behind one unit's score are scoreItems'.
 */
export async function scoreUnits(db: Db, period: string, asOf: string, today: string) {
	const settings = await getSettings(db);
	const w = weightsOf(settings);
	const cutoff = endOfDay(asOf).getTime();
	const [status] = await reportStatuses(db, {}, asOf, [period], asOf < today);
	const rows = await query<{
		id: number;
		name: string;
		kind: UnitKind;
		position: number;
		behind: number;
		redLead: number;
		redCo: number;
		returns: number;
		adjustments: number;
		points: number;
		at: number | null;
	}>(
		db,
		sql`
		with ${indicatorCauses(asOf)},
		lead_n as (select unitId, count(*) as n from redLead group by unitId),
		behind_n as (select unitId, count(*) as n from behind group by unitId),
		co_n as (select unitId, count(*) as n from redCo group by unitId),
		ret as (${returnsBy(period, asOf)}),
		adj as (
			select unit_id as unitId, count(*) as n, sum(points) as points from score_adjustment
			where period = ${period} group by unit_id
		)
		select u.id, u.name, u.kind, u.position, coalesce(behind_n.n, 0) as behind, coalesce(lead_n.n, 0) as "redLead",
			coalesce(co_n.n, 0) as "redCo", coalesce(ret.n, 0) as returns, coalesce(adj.n, 0) as adjustments,
			coalesce(adj.points, 0) as points, r.first_submitted_at as at
		from unit u left join lead_n on lead_n.unitId = u.id left join behind_n on behind_n.unitId = u.id
			left join co_n on co_n.unitId = u.id left join ret on ret.unitId = u.id
			left join adj on adj.unitId = u.id
			left join report r on r.unit_id = u.id and r.period = ${period} and r.first_submitted_at < ${cutoff}`
	);

	const scored: (ScoredUnit & { position: number; at: number })[] = [];
	for (const u of rows) {
		const s = status!.status.get(u.id);
		if (s === undefined) continue;
		const counts: ScoreCounts = {
			missing: s === 'missing' ? 1 : 0,
			late: s === 'late' ? 1 : 0,
			behind: u.behind,
			redLead: u.redLead,
			redCo: u.redCo,
			returns: u.returns,
			adjustments: u.adjustments
		};
		const components: Record<Component, number> = {
			timeliness: round(-counts.missing * w.missing - counts.late * w.late),
			progress: round(-counts.behind * w.behind),
			overdue: round(-counts.redLead * w.redLead - counts.redCo * w.redCo),
			quality: round(-counts.returns * w.returned),
			adjustment: round(u.points)
		};
		const category = categoryOf(settings.rankingCategories, u);
		scored.push({
			unit: { id: u.id, name: u.name, kind: u.kind },
			category: category?.name ?? '未分类',
			public: category?.public ?? false,
			score: round(100 + COMPONENTS.reduce((sum, k) => sum + components[k], 0)),
			rank: 0,
			counts,
			components,
			position: u.position,
			at: u.at ?? Number.MAX_SAFE_INTEGER
		});
	}
	// TIE_RULE: score, then fewer overdue lead indicators, then the earlier report; still equal: same rank.
	const order = (a: (typeof scored)[number], b: (typeof scored)[number]) =>
		b.score - a.score || a.counts.redLead - b.counts.redLead || a.at - b.at;
	const categories = [...settings.rankingCategories, { name: '未分类', public: false }].map((c) => {
		const list = scored
			.filter((s) => s.category === c.name)
			.sort((a, b) => order(a, b) || a.position - b.position || a.unit.id - b.unit.id);
		list.forEach((s, i) => (s.rank = i > 0 && order(s, list[i - 1]!) === 0 ? list[i - 1]!.rank : i + 1));
		return { name: c.name, public: c.public, items: list.map(({ position: _p, at: _a, ...s }) => s) };
	});
	return {
		period,
		asOf,
		weights: w,
		tieRule: TIE_RULE,
		categories: categories.filter((c) => c.items.length)
	};
}

/**
 * The items behind one unit's score, each deduction or addition with its cause (an indicator's named):
 * the causes scoreUnits counted, as `counts` (its row) says, itemised.
 */
export async function scoreItems(
	db: Db,
	period: string,
	asOf: string,
	unitId: number,
	counts: ScoreCounts
): Promise<ScoreItem[]> {
	const w = weightsOf(await getSettings(db));
	const items: ScoreItem[] = [];
	if (counts.missing)
		items.push({
			component: 'timeliness',
			kind: 'missing',
			points: -w.missing,
			cause: `${period} 月报未报送`,
			indicatorId: null
		});
	if (counts.late)
		items.push({
			component: 'timeliness',
			kind: 'late',
			points: -w.late,
			cause: `${period} 月报逾期报送`,
			indicatorId: null
		});
	// A lag is named after the unit's milestone plan where one of its milestone lights says so.
	const milestoneLit = sql`exists (select 1 from alert al where al.unit_id = c.unitId
		and al.indicator_id = c.indicatorId and al.kind in ${MILESTONE_KINDS} and ${litOn(asOf)})`;
	for (const r of await query<{
		kind: 'redLead' | 'redCo' | 'behind';
		indicatorId: number;
		text: string;
		milestone: number;
	}>(
		db,
		sql`
		with ${indicatorCauses(asOf)}
		select c.kind, c.indicatorId as "indicatorId", i.text, case when ${milestoneLit} then 1 else 0 end as milestone
		from causes c join indicator i on i.id = c.indicatorId
		where c.unitId = ${unitId} order by c.indicatorId`
	)) {
		if (r.kind === 'redLead')
			items.push({
				component: 'overdue',
				kind: 'redLead',
				points: -w.redLead,
				cause: `牵头指标逾期未完成：${r.text}`,
				indicatorId: r.indicatorId
			});
		else if (r.kind === 'redCo')
			items.push({
				component: 'overdue',
				kind: 'redCo',
				points: -w.redCo,
				cause: `配合指标逾期未完成：${r.text}`,
				indicatorId: r.indicatorId
			});
		else
			items.push({
				component: 'progress',
				kind: 'behind',
				points: -w.behind,
				cause: `${r.milestone ? '进度滞后于月度里程碑' : '进度滞后于序时进度'}：${r.text}`,
				indicatorId: r.indicatorId
			});
	}
	for (let i = 0; i < counts.returns; i++)
		items.push({
			component: 'quality',
			kind: 'returns',
			points: -w.returned,
			cause: `${period} 月报被退回修改（第${i + 1}次）`,
			indicatorId: null
		});
	for (const a of await query<{ points: number; reason: string }>(
		db,
		sql`select points, reason from score_adjustment where period = ${period} and unit_id = ${unitId} order by id`
	))
		items.push({
			component: 'adjustment',
			kind: 'adjustments',
			points: a.points,
			cause: `${a.points > 0 ? '加分' : '减分'}：${a.reason}`,
			indicatorId: null
		});
	return items;
}

export type Scores = Awaited<ReturnType<typeof scoreUnits>>;

/** The day a month's ranking speaks of on the dashboard: the month's last day, or today within it. */
export const rankingAsOf = (period: string, today: string) => {
	const end = periodEnd(period);
	return today < end ? today : end;
};

/** The ranking as the dashboard shows it: in category order, with the change of rank against the previous month. */
export async function unitRanking(ctx: ServiceContext, period: string, unitKind?: UnitKind) {
	const role = ctx.actor?.role;
	if (role !== 'office' && role !== 'leader' && role !== 'service') throw fail('forbidden', 'role.ranking');
	assertPeriod(period);
	const today = ctx.clock.today();
	if (`${period}-01` > today) throw fail('bad_request', 'period.not_begun');
	const current = await scoreUnits(ctx.db, period, rankingAsOf(period, today), today);
	const previous = await scoreUnits(ctx.db, addMonths(period, -1), periodEnd(addMonths(period, -1)), today);
	const visible = await visibleUnitIds(ctx);
	const scoped = (scores: Scores) => (visible ? scoresWithin(scores, visible) : scores);
	const { categories: _c, ...head } = scoped(current);
	// The rows once, in category order (a unit's traced items are on its own page: unitScoreOf).
	return {
		...head,
		final: isFinal(period, today),
		items: withChange(scoped(current), scoped(previous), unitKind)
	};
}

/**
 * A level's ranking: its own units, ranked among themselves (a city's districts against each other), in
 * the province's order, ties kept tied.
 */
export function scoresWithin(scores: Scores, units: Set<number>): Scores {
	return {
		...scores,
		categories: scores.categories
			.map((c) => {
				let rank = 0;
				let last: number | null = null;
				const items = c.items
					.filter((r) => units.has(r.unit.id))
					.map((r, i) => {
						if (r.rank !== last) rank = i + 1;
						last = r.rank;
						return { ...r, rank };
					});
				return { ...c, items };
			})
			.filter((c) => c.items.length)
	};
}

/** Rows in category order, each with its change of rank (within its category) since the previous scores. */
export function withChange(current: Scores, previous: Scores, unitKind?: UnitKind) {
	const prev = new Map(
		previous.categories.flatMap((c) => c.items.map((r) => [`${c.name}|${r.unit.id}`, r.rank] as const))
	);
	return current.categories.flatMap((c) =>
		c.items
			.filter((r) => !unitKind || r.unit.kind === unitKind)
			.map((r) => {
				const before = prev.get(`${c.name}|${r.unit.id}`);
				return { ...r, change: before === undefined ? null : before - r.rank };
			})
	);
}

/** A unit's own score, rank within its category and every point's cause (the unit dashboard). */
export async function unitScoreOf(db: Db, period: string, today: string, unitId: number) {
	const scores = await scoreUnits(db, period, rankingAsOf(period, today), today);
	for (const c of scores.categories) {
		const mine = c.items.find((r) => r.unit.id === unitId);
		if (mine)
			return {
				period,
				asOf: scores.asOf,
				final: isFinal(period, today),
				score: mine.score,
				rank: mine.rank,
				of: c.items.length,
				category: c.name,
				counts: mine.counts,
				components: mine.components,
				items: await scoreItems(db, period, scores.asOf, unitId, mine.counts)
			};
	}
	return null;
}
