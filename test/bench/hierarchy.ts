// The hierarchy on the synthetic province (issue 18): a share of the latest plan's indicators owed by
// 各设区市政府 (each of the 11 cities its own part), every city's part handed down to all its counties
// (the 90 of the directory), signed for, with the counties' monthly reports on them. Raw prepared
// statements in one transaction, like synthetic.ts; run after buildSynthetic, before the daily rounds.
import { closeDb, openDb, writerOf } from '../../db/client.ts';
import type { Config } from '../../api/config.ts';
import { addDays, reportDueOn } from '../../api/lib/dates.ts';

export const HIERARCHY = {
	/** Which plan year gets 各设区市 indicators, and what share of its indicators they are. */
	year: 2020,
	fraction: 0.25,
	/** The day the cities hand their parts down (the counties report from that month). */
	handedOn: '2020-03-10'
};

/**
 * Adds the hierarchy to a synthetic database built by `buildSynthetic`: for every `fraction`-th indicator
 * of `year`'s plan, a part for each city (each-owes, through 各设区市政府) and a handed-down part for each
 * of its counties (sign-by a week later, signed within it except one in twenty), and the counties'
 * reports from the month after. Returns the counts it added.
 */
export async function addHierarchy(config: Config, until = '2021-01-15', opts = HIERARCHY) {
	const started = performance.now();
	const db = openDb(config.dbFile);
	// Writes go through the writer connection (openDb's own is for reads).
	const sqlite = writerOf(db).$client;
	const added = { indicators: 0, cityParts: 0, countyParts: 0, reportItems: 0 };
	sqlite.transaction(() => {
		const group = sqlite.prepare(`select id from unit_group where name = '各设区市政府'`).get() as
			{ id: number } | undefined;
		if (!group) throw new Error('the directory has no 各设区市政府');
		const cities = sqlite
			.prepare(
				`select u.id from unit_group_member m join unit u on u.id = m.unit_id where m.group_id = ? order by u.position, u.id`
			)
			.all(group.id) as { id: number }[];
		const countiesOf = sqlite.prepare('select id from unit where parent_id = ? order by position, id');
		const indicators = sqlite
			.prepare(
				`select i.id, i.due_on as dueOn, i.completed_on as completedOn from indicator i join plan p on p.id = i.plan_id
				 where p.year = ? order by i.id`
			)
			.all(opts.year) as { id: number; dueOn: string; completedOn: string | null }[];
		const every = Math.max(1, Math.round(1 / opts.fraction));
		const chosen = indicators.filter((_, k) => k % every === 0 && _.dueOn > opts.handedOn);
		const setEach = sqlite.prepare(
			`update indicator set kind = 'each', units_text = '各设区市政府' where id = ?`
		);
		const cityPart = sqlite.prepare(
			`insert into assignment (indicator_id, unit_id, role, via_group_id, position, completed_on)
			 values (?, ?, 'lead', ?, ?, ?)
			 on conflict (indicator_id, unit_id) do update set via_group_id = excluded.via_group_id returning id`
		);
		const countyPart = sqlite.prepare(
			`insert or ignore into assignment (indicator_id, unit_id, role, position, due_on, original_due_on, completed_on,
				parent_id, handed_on, sign_by, signed_on)
			 values (?, ?, 'lead', ?, ?, ?, ?, ?, ?, ?, ?)`
		);
		const counties = new Map(
			cities.map((c) => [c.id, (countiesOf.all(c.id) as { id: number }[]).map((u) => u.id)])
		);
		const signBy = addDays(opts.handedOn, 7);
		const byCounty = new Map<number, number[]>();
		for (const ind of chosen) {
			setEach.run(ind.id);
			added.indicators++;
			let position = 100;
			for (const city of cities) {
				const part = cityPart.get(ind.id, city.id, group.id, position++, ind.completedOn) as { id: number };
				added.cityParts++;
				const due = addDays(ind.dueOn, -7);
				for (const [k, county] of counties.get(city.id)!.entries()) {
					const signed = (ind.id + k) % 20 === 0 ? null : addDays(opts.handedOn, 1 + (k % 5));
					const done = ind.completedOn ? addDays(ind.completedOn, -3) : null;
					if (
						countyPart.run(ind.id, county, position++, due, due, done, part.id, opts.handedOn, signBy, signed)
							.changes
					) {
						added.countyParts++;
						byCounty.set(county, [...(byCounty.get(county) ?? []), ind.id]);
					}
				}
			}
		}
		// The counties' months: one report each (added to the one it files on other work, if any).
		const findReport = sqlite.prepare('select id from report where unit_id = ? and period = ?');
		const insertReport = sqlite.prepare(
			`insert into report (unit_id, period, status, version, revision, due_on, first_submitted_at, submitted_at, late, updated_at, created_at)
			 values (?, ?, 'accepted', 1, 2, ?, ?, ?, 0, ?, ?) returning id`
		);
		const insertItem = sqlite.prepare(
			`insert or ignore into report_item (report_id, indicator_id, role, progress_status, percent, progress, problems, next_steps)
			 values (?, ?, 'lead', ?, ?, ?, '', '下月继续推进')`
		);
		for (const [county, ids] of byCounty) {
			for (let m = Number(opts.handedOn.slice(5, 7)); m <= 12; m++) {
				const period = `${opts.year}-${String(m).padStart(2, '0')}`;
				const due = reportDueOn(period, 0);
				if (due >= until) continue;
				const at = Date.parse(`${due}T10:00:00+08:00`) - 86_400_000;
				const reportId =
					(findReport.get(county, period) as { id: number } | undefined)?.id ??
					(insertReport.get(county, period, due, at, at, at, at) as { id: number }).id;
				for (const id of ids) {
					const behind = (id + county + m) % 9 === 0;
					added.reportItems += insertItem.run(
						reportId,
						id,
						behind ? 'behind' : 'on_track',
						Math.min(100, m * 9),
						`${period} 县级合成进展`
					).changes;
				}
			}
		}
	})();
	sqlite.exec('analyze');
	closeDb(db);
	return { ...added, ms: Math.round(performance.now() - started) };
}
