// A synthetic province-wide database: 3,000 units, 10,000 indicators in five yearly plans (2016–2020),
// 30,000 assignments and five years of monthly reports (~1.8 million report items), written with raw
// prepared statements in one transaction (the services would take hours for this volume).
import { closeDb, openDb, writerOf } from '../../db/client.ts';
import { seedDirectory } from '../../api/services/setup.ts';
import { systemClock } from '../../api/lib/clock.ts';
import type { Config } from '../../api/config.ts';
import { periodEnd, reportDueOn } from '../../api/lib/dates.ts';

/** BENCH_YEARS=N keeps the last N of the five plan years (each as large): a smaller run, e.g. on a busy machine. */
const YEARS = [2016, 2017, 2018, 2019, 2020].slice(
	-Math.max(1, Math.min(5, Number(process.env.BENCH_YEARS ?? 5)))
);

export const SYNTHETIC = {
	units: 3000,
	indicators: 2_000 * YEARS.length,
	assignmentsPerIndicator: 3,
	years: YEARS
};

/** Every report lists all of its unit's assignments, so five full years give the volume asked for. */
export async function buildSynthetic(config: Config, until = '2021-01-15') {
	const started = performance.now();
	const db = openDb(config.dbFile);
	await seedDirectory({ db, config, clock: systemClock(), actor: null, ip: null });
	// Raw writes on the write connection (the read one is query_only).
	const sqlite = writerOf(db).$client;
	let seed = 7;
	const rand = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
	const now = Date.parse(`${until}T02:00:00Z`);
	sqlite.transaction(() => {
		const existing = (sqlite.prepare('select count(*) as n from unit').get() as { n: number }).n;
		const insertUnit = sqlite.prepare('insert into unit (name, kind, position) values (?, ?, ?)');
		for (let i = existing; i < SYNTHETIC.units; i++) {
			const kind = i < 200 ? 'provincial' : i < 300 ? 'city' : i < 2000 ? 'county' : 'other';
			insertUnit.run(`合成单位${String(i).padStart(4, '0')}`, kind, 100 + i);
		}
		const unitIds = (sqlite.prepare('select id from unit order by id').all() as { id: number }[]).map(
			(u) => u.id
		);
		const insertPlan = sqlite.prepare(
			'insert into plan (title, year, issuer, issued_on) values (?, ?, ?, ?) returning id'
		);
		const insertSection = sqlite.prepare(
			'insert into section (plan_id, parent_id, level, name, position) values (?, ?, ?, ?, ?) returning id'
		);
		const insertTask = sqlite.prepare(
			'insert into task (plan_id, section_id, title, position) values (?, ?, ?, ?) returning id'
		);
		const insertIndicator = sqlite.prepare(
			`insert into indicator (plan_id, task_id, text, position, deadline_text, due_on, original_due_on, units_text, status, completed_on)
			 values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id`
		);
		const insertAssignment = sqlite.prepare(
			'insert or ignore into assignment (indicator_id, unit_id, role, position) values (?, ?, ?, ?)'
		);
		const perPlan = SYNTHETIC.indicators / SYNTHETIC.years.length;
		const byUnit = new Map<number, { indicatorId: number; role: string }[]>();
		for (const year of SYNTHETIC.years) {
			const planId = (
				insertPlan.get(`${year}年合成工作要点`, year, '合成', `${year}-01-20`) as { id: number }
			).id;
			let position = 0;
			for (let s1 = 0; s1 < 4; s1++) {
				const top = (insertSection.get(planId, null, 1, `领域${s1 + 1}`, position++) as { id: number }).id;
				for (let s2 = 0; s2 < 5; s2++) {
					const sub = (
						insertSection.get(planId, top, 2, `子领域${s1 + 1}-${s2 + 1}`, position++) as { id: number }
					).id;
					for (let t = 0; t < perPlan / 80; t++) {
						const taskId = (insertTask.get(planId, sub, `任务${s1}-${s2}-${t}`, position++) as { id: number })
							.id;
						for (let k = 0; k < 4; k++) {
							const month = 1 + Math.floor(rand() * 12);
							const due = periodEnd(`${year}-${String(month).padStart(2, '0')}`);
							const done = due < until && rand() < 0.8;
							const indicatorId = (
								insertIndicator.get(
									planId,
									taskId,
									`合成指标${year}-${s1}-${s2}-${t}-${k}`,
									position++,
									`${year}年${month}月底前`,
									due,
									due,
									'合成',
									done ? 'completed' : 'open',
									done ? due : null
								) as { id: number }
							).id;
							for (let a = 0; a < SYNTHETIC.assignmentsPerIndicator; a++) {
								const unitId = unitIds[Math.floor(rand() * unitIds.length)]!;
								const role = a === 0 ? 'lead' : 'co';
								if (insertAssignment.run(indicatorId, unitId, role, a).changes) {
									byUnit.set(unitId, [...(byUnit.get(unitId) ?? []), { indicatorId, role }]);
								}
							}
						}
					}
				}
			}
		}
		const insertReport = sqlite.prepare(
			`insert into report (unit_id, period, status, version, revision, due_on, first_submitted_at, submitted_at, late, updated_at, created_at)
			 values (?, ?, ?, 1, 2, ?, ?, ?, ?, ?, ?) returning id`
		);
		const insertItem = sqlite.prepare(
			`insert into report_item (report_id, indicator_id, role, progress_status, percent, progress, problems, next_steps)
			 values (?, ?, ?, ?, ?, ?, '', '下月继续推进')`
		);
		for (const [unitId, assignments] of byUnit) {
			for (const year of SYNTHETIC.years) {
				for (let m = 1; m <= 12; m++) {
					const period = `${year}-${String(m).padStart(2, '0')}`;
					const due = reportDueOn(period, 0);
					if (due >= until || rand() < 0.05) continue;
					const late = rand() < 0.12;
					const at = Date.parse(`${due}T10:00:00+08:00`) + (late ? 3 : -2) * 86_400_000;
					const reportId = (
						insertReport.get(unitId, period, 'accepted', due, at, at, late ? 1 : 0, at, at) as { id: number }
					).id;
					for (const a of assignments) {
						const percent = Math.min(100, Math.round((m / 12) * 100));
						insertItem.run(
							reportId,
							a.indicatorId,
							a.role,
							rand() < 0.1 ? 'behind' : 'on_track',
							percent,
							`${period} 合成进展说明`
						);
					}
				}
			}
		}
	})();
	const count = (table: string) =>
		(sqlite.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
	const stats = {
		units: count('unit'),
		indicators: count('indicator'),
		assignments: count('assignment'),
		reports: count('report'),
		reportItems: count('report_item'),
		buildMs: Math.round(performance.now() - started),
		now
	};
	sqlite.pragma('wal_checkpoint(TRUNCATE)');
	sqlite.exec('analyze');
	closeDb(db);
	return stats;
}
