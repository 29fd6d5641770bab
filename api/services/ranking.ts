import { sql } from 'drizzle-orm';
import { unitScore, type UnitKind } from '../../db/schema/index.ts';
import type { Db } from '../../db/client.ts';
import type { ServiceContext } from '../context.ts';
import { fail } from '../errors.ts';
import { addMonths, assertPeriod, periodEnd } from '../lib/dates.ts';
import { reportStatuses } from './dashboard.ts';
import { getSettings, type Settings } from './settings.ts';

export type ScoreCounts = { missing: number; late: number; redLead: number; redCo: number };
export type RankedUnit = {
	unit: { id: number; name: string; kind: UnitKind };
	score: number;
	rank: number;
	counts: ScoreCounts;
};

const weightsOf = (s: Settings) => ({
	missing: s.scoreMissingReport,
	late: s.scoreLateReport,
	redLead: s.scoreRedLead,
	redCo: s.scoreRedCo
});

/** A month's ranking becomes final (and is kept) once the following month has ended. */
export const isFinal = (period: string, today: string) => today > periodEnd(addMonths(period, 1));

/**
 * Scores for a month: from 100, minus the weights per missing report, late report, and lead / co
 * indicator overdue at the month's end. Ties share a rank (1, 1, 3).
 */
function computeRanking(db: Db, period: string, today: string): RankedUnit[] {
	const settings = getSettings(db);
	const w = weightsOf(settings);
	const end = periodEnd(period);
	const asOf = today < end ? today : end;
	const [status] = reportStatuses(db, null, undefined, today, [period]);
	// Each unit's own part, overdue at the month's end: accountable parts (a joint indicator's lead, every
	// unit of an each-owes one) weigh as lead; co-units of a joint indicator, who support, weigh as co.
	const overdue = db.all<{ unitId: number; role: 'lead' | 'co'; n: number }>(sql`
		select a.unit_id as unitId, case when i.kind = 'each' or a.role = 'lead' then 'lead' else 'co' end as role, count(*) as n
		from assignment a join indicator i on i.id = a.indicator_id
		where i.recurrence is null and coalesce(a.due_on, i.due_on) < ${asOf} and (a.completed_on is null or a.completed_on > ${asOf})
		group by 1, 2`);
	const units = db.all<{ id: number; name: string; kind: UnitKind; position: number }>(
		sql`select id, name, kind, position from unit`
	);
	const byId = new Map(units.map((u) => [u.id, u]));
	const scored = [...status!.status.entries()].map(([unitId, s]) => {
		const counts: ScoreCounts = {
			missing: s === 'missing' ? 1 : 0,
			late: s === 'late' ? 1 : 0,
			redLead: overdue.find((o) => o.unitId === unitId && o.role === 'lead')?.n ?? 0,
			redCo: overdue.find((o) => o.unitId === unitId && o.role === 'co')?.n ?? 0
		};
		const score = Math.max(
			0,
			100 -
				w.missing * counts.missing -
				w.late * counts.late -
				w.redLead * counts.redLead -
				w.redCo * counts.redCo
		);
		const u = byId.get(unitId)!;
		return { unit: { id: u.id, name: u.name, kind: u.kind }, position: u.position, score, rank: 0, counts };
	});
	scored.sort((a, b) => b.score - a.score || a.position - b.position || a.unit.id - b.unit.id);
	scored.forEach(
		(s, i) => (s.rank = i > 0 && s.score === scored[i - 1]!.score ? scored[i - 1]!.rank : i + 1)
	);
	return scored.map(({ position: _p, ...s }) => s);
}

/** The ranking of a month: the kept one when final (computing and keeping it the first time), else provisional. */
export function rankingFor(db: Db, period: string, today: string): { final: boolean; items: RankedUnit[] } {
	const final = isFinal(period, today);
	if (final) {
		const kept = db.all<{
			unitId: number;
			score: number;
			rank: number;
			details: string;
			name: string;
			kind: UnitKind;
		}>(sql`
			select s.unit_id as unitId, s.score, s.rank, s.details, u.name, u.kind from unit_score s join unit u on u.id = s.unit_id
			where s.period = ${period} order by s.rank, u.position`);
		if (kept.length) {
			return {
				final,
				items: kept.map((k) => ({
					unit: { id: k.unitId, name: k.name, kind: k.kind },
					score: k.score,
					rank: k.rank,
					counts: (JSON.parse(k.details) as { counts: ScoreCounts }).counts
				}))
			};
		}
	}
	const items = computeRanking(db, period, today);
	if (final && items.length) {
		const weights = weightsOf(getSettings(db));
		db.transaction((tx) => {
			for (const r of items) {
				tx.insert(unitScore)
					.values({
						period,
						unitId: r.unit.id,
						score: r.score,
						rank: r.rank,
						details: { counts: r.counts, weights },
						computedAt: new Date()
					})
					.onConflictDoNothing()
					.run();
			}
		});
	}
	return { final, items };
}

/** The ranking as the dashboard shows it: with the change of rank against the previous month, optionally one unit kind. */
export function unitRanking(ctx: ServiceContext, period: string, unitKind?: UnitKind) {
	const role = ctx.actor?.role;
	if (role !== 'office' && role !== 'leader') throw fail('forbidden', 'role.ranking');
	assertPeriod(period);
	const today = ctx.clock.today();
	if (`${period}-01` > today) throw fail('bad_request', 'period.not_begun');
	const current = rankingFor(ctx.db, period, today);
	const previous = rankingFor(ctx.db, addMonths(period, -1), today);
	const prevRank = new Map(previous.items.map((r) => [r.unit.id, r.rank]));
	const items = current.items
		.filter((r) => !unitKind || r.unit.kind === unitKind)
		.map((r) => ({ ...r, change: prevRank.has(r.unit.id) ? prevRank.get(r.unit.id)! - r.rank : null }));
	return { period, final: current.final, weights: weightsOf(getSettings(ctx.db)), items };
}

/** A unit's own score and rank for a month (the unit dashboard). */
export function unitScoreOf(db: Db, period: string, today: string, unitId: number) {
	const { final, items } = rankingFor(db, period, today);
	const mine = items.find((r) => r.unit.id === unitId);
	return mine
		? { period, final, score: mine.score, rank: mine.rank, of: items.length, counts: mine.counts }
		: null;
}
