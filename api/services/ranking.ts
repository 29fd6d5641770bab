import { sql } from 'drizzle-orm';
import type { UnitKind } from '../../db/schema/index.ts';
import { type Db, query } from '../../db/client.ts';
import type { ServiceContext } from '../context.ts';
import { fail } from '../errors.ts';
import { addMonths, assertPeriod, endOfDay, periodEnd } from '../lib/dates.ts';
import { reportStatuses } from './dashboard.ts';
import { litOn } from './dashboard-scope.ts';
import { getSettings, type RankingCategory, type Settings } from './settings.ts';

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
const CAUSES = ['missing', 'late', 'behind', 'redLead', 'redCo', 'returns', 'adjustments'] as const;
export type ScoreCause = (typeof CAUSES)[number];
export type ScoreCounts = Record<ScoreCause, number>;
export type ScoredUnit = {
	unit: { id: number; name: string; kind: UnitKind };
	category: string;
	public: boolean;
	score: number;
	/** Rank within the category. */
	rank: number;
	counts: ScoreCounts;
	components: Record<Component, number>;
	/** 100 plus these points is the score. */
	items: ScoreItem[];
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
 * Every unit's score for a month from the supervision state at the end of `asOf` (the one day a bulletin
 * or the dashboard speaks of; a day not yet over, today, as it stands): 100, minus the weights per missing or late report, per indicator behind 序时进度
 * (or as its unit reports), per overdue indicator (lead: accountable for it; co: supporting a joint one the lead
 * has let fall overdue), per return of the month's report, plus the office's 加分/减分. Ranked within
 * categories by TIE_RULE.
 */
export async function scoreUnits(db: Db, period: string, asOf: string, today: string) {
	const settings = await getSettings(db);
	const w = weightsOf(settings);
	const cutoff = endOfDay(asOf).getTime();
	const [status] = await reportStatuses(db, {}, asOf, [period], asOf < today);
	const units = new Map(
		(
			await query<{ id: number; name: string; kind: UnitKind; position: number }>(
				db,
				sql`select id, name, kind, position from unit`
			)
		).map((u) => [u.id, u])
	);
	const items = new Map<number, ScoreItem[]>();
	const add = (unitId: number, item: ScoreItem) => items.get(unitId)?.push(item);
	for (const [unitId, s] of status!.status) {
		items.set(unitId, []);
		if (s === 'missing')
			add(unitId, {
				component: 'timeliness',
				kind: 'missing',
				points: -w.missing,
				cause: `${period} 月报未报送`,
				indicatorId: null
			});
		if (s === 'late')
			add(unitId, {
				component: 'timeliness',
				kind: 'late',
				points: -w.late,
				cause: `${period} 月报逾期报送`,
				indicatorId: null
			});
	}

	// The units' overdue and lagging items lit at the end of `asOf`, and the co-units of joint indicators
	// whose lead has let them fall overdue (each-owes parts are their own overdue items).
	const lit = litOn(asOf);
	for (const r of await query<{
		unitId: number;
		indicatorId: number;
		kind: 'redLead' | 'redCo' | 'behind';
		text: string;
	}>(
		db,
		sql`
		select distinct al.unit_id as "unitId", al.indicator_id as "indicatorId",
			case when al.kind = 'overdue' then 'redLead' else 'behind' end as kind, i.text
		from alert al join indicator i on i.id = al.indicator_id
		where al.kind in ('overdue', 'behind_schedule', 'reported_behind') and al.unit_id is not null and ${lit}
		union all
		select a.unit_id, a.indicator_id, 'redCo', i.text
		from assignment a join indicator i on i.id = a.indicator_id
		where a.role = 'co' and i.kind = 'joint' and (a.completed_on is null or a.completed_on > ${asOf})
			and exists (select 1 from alert al where al.indicator_id = a.indicator_id and al.kind = 'overdue' and ${lit})
		order by 1, 2`
	)) {
		if (r.kind === 'redLead')
			add(r.unitId, {
				component: 'overdue',
				kind: 'redLead',
				points: -w.redLead,
				cause: `牵头指标逾期未完成：${r.text}`,
				indicatorId: r.indicatorId
			});
		else if (r.kind === 'redCo')
			add(r.unitId, {
				component: 'overdue',
				kind: 'redCo',
				points: -w.redCo,
				cause: `配合指标逾期未完成：${r.text}`,
				indicatorId: r.indicatorId
			});
		else
			add(r.unitId, {
				component: 'progress',
				kind: 'behind',
				points: -w.behind,
				cause: `进度滞后于序时进度：${r.text}`,
				indicatorId: r.indicatorId
			});
	}
	for (const r of await query<{ unitId: number; n: number }>(
		db,
		sql`
		select r.unit_id as "unitId", count(*) as n from report_version v join report r on r.id = v.report_id
		where r.period = ${period} and v.action = 'return' and v.at < ${cutoff} group by r.unit_id`
	)) {
		for (let i = 0; i < r.n; i++)
			add(r.unitId, {
				component: 'quality',
				kind: 'returns',
				points: -w.returned,
				cause: `${period} 月报被退回修改（第${i + 1}次）`,
				indicatorId: null
			});
	}
	for (const a of await query<{ unitId: number; points: number; reason: string }>(
		db,
		sql`
		select unit_id as "unitId", points, reason from score_adjustment where period = ${period} order by id`
	)) {
		add(a.unitId, {
			component: 'adjustment',
			kind: 'adjustments',
			points: a.points,
			cause: `${a.points > 0 ? '加分' : '减分'}：${a.reason}`,
			indicatorId: null
		});
	}
	const submitted = new Map(
		(
			await query<{ unitId: number; at: number }>(
				db,
				sql`select unit_id as "unitId", first_submitted_at as at from report where period = ${period} and first_submitted_at < ${cutoff}`
			)
		).map((r) => [r.unitId, r.at])
	);

	const scored: (ScoredUnit & { position: number; at: number })[] = [];
	for (const [unitId, list] of items) {
		const u = units.get(unitId)!;
		const category = categoryOf(settings.rankingCategories, u);
		const components = Object.fromEntries(COMPONENTS.map((c) => [c, 0])) as Record<Component, number>;
		for (const i of list) components[i.component] = round(components[i.component] + i.points);
		scored.push({
			unit: { id: u.id, name: u.name, kind: u.kind },
			category: category?.name ?? '未分类',
			public: category?.public ?? false,
			score: round(100 + list.reduce((sum, i) => sum + i.points, 0)),
			rank: 0,
			counts: Object.fromEntries(
				CAUSES.map((k) => [k, list.filter((i) => i.kind === k).length])
			) as ScoreCounts,
			components,
			items: list,
			position: u.position,
			at: submitted.get(unitId) ?? Number.MAX_SAFE_INTEGER
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

export type Scores = Awaited<ReturnType<typeof scoreUnits>>;

/** The day a month's ranking speaks of on the dashboard: the month's last day, or today within it. */
export const rankingAsOf = (period: string, today: string) => {
	const end = periodEnd(period);
	return today < end ? today : end;
};

/** The ranking as the dashboard shows it: by category, with the change of rank against the previous month. */
export async function unitRanking(ctx: ServiceContext, period: string, unitKind?: UnitKind) {
	const role = ctx.actor?.role;
	if (role !== 'office' && role !== 'leader' && role !== 'service') throw fail('forbidden', 'role.ranking');
	assertPeriod(period);
	const today = ctx.clock.today();
	if (`${period}-01` > today) throw fail('bad_request', 'period.not_begun');
	const current = await scoreUnits(ctx.db, period, rankingAsOf(period, today), today);
	const previous = await scoreUnits(ctx.db, addMonths(period, -1), periodEnd(addMonths(period, -1)), today);
	return { ...current, final: isFinal(period, today), items: withChange(current, previous, unitKind) };
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
				items: mine.items
			};
	}
	return null;
}
