// Dashboard endpoints against the real HTTP server (its own process) on the synthetic province-wide
// database: median and p95 latency, the server's peak memory, and the bare SQL each endpoint cannot avoid.
import { fork, spawnSync } from 'node:child_process';
import { freePort, startChildServer } from '../support/child-server.ts';
import { peakRssMb, signIn, submitFullForm } from './server.ts';
import { endOfDay } from '../../api/lib/dates.ts';
import { benchDatabaseEnv, openBareSql } from './database.ts';

const bin = new URL('../../bin/duban.mjs', import.meta.url).pathname;

const stats = (xs: number[]) => {
	const s = [...xs].sort((a, b) => a - b);
	const r = (n: number) => Math.round(n * 10) / 10;
	return {
		first: r(xs[0]!),
		median: r(s[Math.floor(s.length / 2)]!),
		p95: r(s[Math.min(s.length - 1, Math.floor(s.length * 0.95))]!)
	};
};

const EARLIER_DAYS = [
	'2020-03-31',
	'2020-04-15',
	'2020-05-31',
	'2020-06-30',
	'2020-07-15',
	'2020-08-31',
	'2020-09-30',
	'2020-10-15',
	'2020-11-10',
	'2020-11-30'
];

async function timeMany(runs: number, fn: (run: number) => Promise<Response>) {
	const times: number[] = [];
	for (let i = 0; i < runs; i++) {
		const t = performance.now();
		const res = await fn(i);
		const body = await res.arrayBuffer();
		if (!res.ok)
			throw new Error(`HTTP ${res.status} ${res.url} ${Buffer.from(body).toString('utf8', 0, 500)}`);
		times.push(performance.now() - t);
	}
	return stats(times);
}

type BareSql = Awaited<ReturnType<typeof openBareSql>>;

/** Runs the statements one after another, `runs` times; the figures are per run (all statements). */
async function timeSql(db: BareSql, runs: number, statements: [string, ...unknown[]][]) {
	const prepared = statements.map(([query, ...params]) => [db.prepare(query), params] as const);
	const times: number[] = [];
	for (let i = 0; i < runs; i++) {
		const t = performance.now();
		for (const [statement, params] of prepared) await statement(...params);
		times.push(performance.now() - t);
	}
	return stats(times);
}

// The bare SQL of each endpoint's question, written by hand against the database (what no implementation can
// avoid reading), so that the ratios compare like with like:
/** The lights lit at the end of :day, per indicator: red if any is red. */
const LIT = `lit as (select indicator_id as id, max(case when light = 'red' then 1 else 0 end) as red from alert
	where indicator_id is not null and since <= :day and (resolved_on is null or resolved_on > :day) group by indicator_id)`;
/** Each indicator's state on :day: completed (on time / late), else its worst lit light, else green. */
const STATE = `with ${LIT}, st as (select i.id, i.task_id, i.due_on, case
	when i.completed_on is not null and i.completed_on <= :day then
		case when i.original_due_on is not null and i.completed_on > i.original_due_on then 'completed_late' else 'completed_on_time' end
	when lit.red = 1 then 'red' when lit.red = 0 then 'yellow' else 'green' end as state
	from indicator i left join lit on lit.id = i.id)`;
/** The units owing :period's report and how they filed it by the end of :day. */
const REPORTS = `select u.id, r.late, r.id is not null as submitted from unit u
	left join report r on r.unit_id = u.id and r.period = :period and r.status in ('submitted', 'returned', 'accepted')
		and r.first_submitted_at < :cutoff
	where exists (select 1 from report_span s where s.unit_id = u.id and s.from_period <= :period and s.to_period >= :period)`;
/** A month's score counts per unit: report, overdue and lagging items, co-units of overdue joint ones, returns. */
const SCORE_COUNTS = `with causes as (
		select al.unit_id, al.kind, al.indicator_id from alert al
		where al.kind in ('overdue', 'behind_schedule', 'reported_behind') and al.unit_id is not null
			and al.since <= :day and (al.resolved_on is null or al.resolved_on > :day)
		union all
		select a.unit_id, 'co', a.indicator_id from assignment a join indicator i on i.id = a.indicator_id
		where a.role = 'co' and i.kind = 'joint' and (a.completed_on is null or a.completed_on > :day)
			and exists (select 1 from alert al where al.indicator_id = a.indicator_id and al.kind = 'overdue'
				and al.since <= :day and (al.resolved_on is null or al.resolved_on > :day))
	), c as (
		select unit_id, count(distinct case when kind = 'overdue' then indicator_id end) as red_lead,
			count(distinct case when kind in ('behind_schedule', 'reported_behind') then indicator_id end) as behind,
			sum(case when kind = 'co' then 1 else 0 end) as red_co
		from causes group by unit_id
	), ret as (
		select r.unit_id, count(*) as n from report_version v join report r on r.id = v.report_id
		where r.period = :period and v.action = 'return' and v.at < :cutoff group by r.unit_id
	)
	select o.id, o.late, o.submitted, c.red_lead, c.behind, c.red_co, ret.n
	from (${REPORTS}) o left join c on c.unit_id = o.id left join ret on ret.unit_id = o.id`;

const WRITERS = 16;
const WRITE_RATE = 25;

/**
 * The month-end rush (writer.ts, in its own process): the writers' units submit their reports for the
 * month in progress at WRITE_RATE a second until stopped. Every submission and return is a real write
 * that keeps the supervision state current in its transaction.
 */
function startWriter(
	base: string,
	units: Record<string, string>[],
	office: Record<string, string>,
	period: string
) {
	const child = fork(new URL('./writer.ts', import.meta.url).pathname, [base, period, String(WRITE_RATE)]);
	const failed = new Promise<never>((_, reject) =>
		child.once('exit', (code) => reject(new Error(`bench writer exited with code ${code}`)))
	);
	child.send({ units, office });
	return {
		async stop() {
			const result = new Promise<{ count: number; perSecond: number }>((resolve) =>
				child.once('message', resolve)
			);
			child.send('stop');
			return Promise.race([result, failed]);
		}
	};
}

export async function benchDashboard(dataDir: string, today: string) {
	const env = {
		DATA_DIR: dataDir,
		DUBAN_TODAY: today,
		DUBAN_JOBS: '0',
		DUBAN_DEMO: '0',
		WEB_PROCESSES: '1',
		...benchDatabaseEnv()
	};
	const password = 'Bench@2021pass';
	// The units that owe the month in progress, largest form first: the busiest is measured alone (its
	// form, its submission); the rush's writers are spread over the whole range of form sizes (every
	// (units / WRITERS)-th, from the second largest), as the month-end rush is every unit filing once. The
	// 16 largest alone were all counties with the hierarchy's 400-odd handed-down parts (3% of the units),
	// a rush of nothing but the heaviest forms.
	const db = await openBareSql(dataDir);
	const owing = (
		(await db.prepare(
			`select u.name from assignment a join unit u on u.id = a.unit_id
			where a.completed_on is null or a.completed_on >= ? group by u.id, u.name order by count(*) desc, u.id`
		)(`${today.slice(0, 7)}-01`)) as { name: string }[]
	).map((u) => u.name);
	const busiest = [
		owing[0]!,
		...Array.from({ length: WRITERS }, (_, k) => owing[1 + Math.floor((k * (owing.length - 1)) / WRITERS)]!)
	];
	const unitName = busiest[0]!;
	for (const [username, role, unit] of [
		['bench-office', 'office', null],
		['bench-unit', 'unit', unitName],
		...busiest.slice(1).map((name, i) => [`bench-writer-${i}`, 'unit', name] as const)
	] as const) {
		spawnSync(
			process.execPath,
			[
				bin,
				'user',
				'add',
				'--username',
				username,
				'--name',
				username,
				'--role',
				role,
				...(unit ? ['--unit', unit] : []),
				'--password-stdin',
				'--permanent'
			],
			{ env: { ...process.env, ...env }, input: password }
		);
	}
	const server = await startChildServer(env, { port: await freePort(), readyTimeoutMs: 120_000 });
	const base = `${server.base}/api/v1`;
	const office = await signIn(base, 'bench-office', password);
	const unit = await signIn(base, 'bench-unit', password);
	const period = '2020-12';
	const runs = 30;
	const http = {
		dashboard_summary: await timeMany(runs, () => fetch(`${base}/dashboard/summary`, { headers: office })),
		// An office looking back: ten earlier days of the year, three times each, in turn (each day's first
		// look is as cold as the next day's).
		dashboard_summary_earlier_day: await timeMany(runs, (i) =>
			fetch(`${base}/dashboard/summary?asOf=${EARLIER_DAYS[i % EARLIER_DAYS.length]}`, { headers: office })
		),
		ranking: await timeMany(runs, () =>
			fetch(`${base}/dashboard/ranking?period=${period}`, { headers: office })
		),
		red_list: await timeMany(runs, () =>
			fetch(`${base}/dashboard/list?kind=red&page=1&pageSize=50`, { headers: office })
		),
		report_form: await timeMany(runs, () => fetch(`${base}/reports/mine/2021-01`, { headers: unit })),
		bulletin: await timeMany(5, () =>
			fetch(`${base}/bulletins`, { method: 'POST', headers: office, body: JSON.stringify({ period }) })
		)
	};
	// The busiest unit's full form, submitted (and between times returned by the office) eleven times.
	const submitTimes: number[] = [];
	for (let i = 0; i < 11; i++) submitTimes.push(await submitFullForm(base, unit, office, today.slice(0, 7)));
	const submission = stats(submitTimes);

	// The month-end rush: the same reads while the writers' units submit their reports at WRITE_RATE a second.
	const writers = await Promise.all(
		busiest.slice(1).map((_, i) => signIn(base, `bench-writer-${i}`, password))
	);
	const rush = startWriter(base, writers, office, today.slice(0, 7));
	// Once the writers' forms are prepared and the pace is set, the reads begin.
	await new Promise((r) => setTimeout(r, 2000));
	const underWrites = {
		dashboard_summary: await timeMany(runs, () => fetch(`${base}/dashboard/summary`, { headers: office })),
		ranking: await timeMany(runs, () =>
			fetch(`${base}/dashboard/ranking?period=${period}`, { headers: office })
		),
		red_list: await timeMany(runs, () =>
			fetch(`${base}/dashboard/list?kind=red&page=1&pageSize=50`, { headers: office })
		)
	};
	const written = await rush.stop();
	const serverPeakRssMb = peakRssMb(server.proc.pid!);
	server.proc.kill('SIGTERM');
	await server.exited;

	const cutoff = (day: string) => endOfDay(day).getTime();
	const bare = {
		// The tiles and sections (indicators by section and state), the red indicators' units, the report
		// matrix of the months so far (the tiles' month, December, and January) and the trend's month-end figures.
		dashboard_summary: await timeSql(db, runs, [
			[
				`${STATE} select t.section_id, st.state, count(*) from st join task t on t.id = st.task_id group by t.section_id, st.state`,
				{ day: today }
			],
			[
				`select count(distinct unit_id) from alert where light = 'red' and indicator_id is not null and since <= :day and (resolved_on is null or resolved_on > :day)`,
				{ day: today }
			],
			[REPORTS, { period, cutoff: cutoff(today) }],
			[REPORTS, { period: today.slice(0, 7), cutoff: cutoff(today) }],
			[
				`select completed_on, count(*) from indicator where completed_on is not null and completed_on <= :day group by completed_on`,
				{ day: today }
			],
			[
				`select count(distinct indicator_id) from alert where kind = 'overdue' and since <= :day and (resolved_on is null or resolved_on > :day)`,
				{ day: today }
			]
		]),
		// The month's (up to today) and the previous month's counts per unit (the change of rank).
		ranking: await timeSql(db, runs, [
			[SCORE_COUNTS, { day: '2020-12-31', period, cutoff: cutoff('2020-12-31') }],
			[SCORE_COUNTS, { day: '2020-11-30', period: '2020-11', cutoff: cutoff('2020-11-30') }]
		]),
		// The first 50 red indicators by due date, how many there are, and their red units.
		red_list: await timeSql(db, runs, [
			[
				`${STATE} , page as (select id, due_on, count(*) over () as total from st where state = 'red' order by coalesce(due_on, ''), id limit 50)
				select page.id, page.total, i.text, a.unit_id from page join indicator i on i.id = page.id
					join assignment a on a.indicator_id = page.id
				where exists (select 1 from alert al where al.indicator_id = a.indicator_id and al.unit_id = a.unit_id and al.light = 'red'
					and al.since <= :day and (al.resolved_on is null or al.resolved_on > :day))`,
				{ day: today }
			]
		]),
		report_form: await timeSql(db, runs, [
			[
				`select * from assignment a join indicator i on i.id = a.indicator_id where a.unit_id = (select id from unit where name = ?)`,
				unitName
			]
		])
	};
	await db.close();
	const ratio = (k: keyof typeof bare) =>
		Math.round((http[k].median / Math.max(0.01, bare[k].median)) * 10) / 10;
	return {
		dashboard_cold_ms: http.dashboard_summary.first,
		dashboard_median_ms: http.dashboard_summary.median,
		dashboard_p95_ms: http.dashboard_summary.p95,
		dashboard_earlier_day_p95_ms: http.dashboard_summary_earlier_day.p95,
		dashboard_under_writes_p95_ms: underWrites.dashboard_summary.p95,
		ranking_under_writes_p95_ms: underWrites.ranking.p95,
		red_list_under_writes_p95_ms: underWrites.red_list.p95,
		writes_per_second_during_reads: written.perSecond,
		ranking_cold_ms: http.ranking.first,
		ranking_median_ms: http.ranking.median,
		ranking_p95_ms: http.ranking.p95,
		red_list_cold_ms: http.red_list.first,
		red_list_median_ms: http.red_list.median,
		red_list_p95_ms: http.red_list.p95,
		province_report_form_p95_ms: http.report_form.p95,
		province_submission_p95_ms: submission.p95,
		bulletin_cold_ms: http.bulletin.first,
		bulletin_p95_ms: http.bulletin.p95,
		server_peak_rss_mb: serverPeakRssMb,
		sql_dashboard_median_ms: bare.dashboard_summary.median,
		sql_ranking_median_ms: bare.ranking.median,
		sql_red_list_median_ms: bare.red_list.median,
		sql_report_form_median_ms: bare.report_form.median,
		dashboard_to_sql_ratio: ratio('dashboard_summary'),
		ranking_to_sql_ratio: ratio('ranking'),
		red_list_to_sql_ratio: ratio('red_list'),
		report_form_to_sql_ratio: ratio('report_form')
	};
}
