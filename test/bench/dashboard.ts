// Dashboard endpoints against the real HTTP server (its own process) on the synthetic province-wide
// database: median and p95 latency, the server's peak memory, and the bare SQL each endpoint cannot avoid.
import { fork, spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { freePort, startChildServer } from '../support/child-server.ts';
import { peakRssMb, signIn, submitFullForm } from './server.ts';

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

async function timeMany(runs: number, fn: () => Promise<Response>) {
	const times: number[] = [];
	for (let i = 0; i < runs; i++) {
		const t = performance.now();
		const res = await fn();
		await res.arrayBuffer();
		if (!res.ok) throw new Error(`HTTP ${res.status} ${res.url}`);
		times.push(performance.now() - t);
	}
	return stats(times);
}

function timeSql(db: Database.Database, runs: number, query: string, ...params: unknown[]) {
	const statement = db.prepare(query);
	const times: number[] = [];
	for (let i = 0; i < runs; i++) {
		const t = performance.now();
		statement.all(...params);
		times.push(performance.now() - t);
	}
	return stats(times);
}

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
	const env = { DATA_DIR: dataDir, DUBAN_TODAY: today, DUBAN_JOBS: '0', DUBAN_DEMO: '0', WEB_PROCESSES: '1' };
	const password = 'Bench@2021pass';
	const busiest = (
		new Database(`${dataDir}/duban.db`, { readonly: true })
			.prepare(
				`select u.name from assignment a join unit u on u.id = a.unit_id group by u.id order by count(*) desc limit ${1 + WRITERS}`
			)
			.all() as { name: string }[]
	).map((u) => u.name);
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
		dashboard_summary_earlier_day: await timeMany(5, () =>
			fetch(`${base}/dashboard/summary?asOf=2020-09-30`, { headers: office })
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

	// The month-end rush: the same reads while other units submit their reports at WRITE_RATE a second.
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

	const db = new Database(`${dataDir}/duban.db`, { readonly: true });
	const bare = {
		dashboard_summary: timeSql(
			db,
			runs,
			`select count(*), sum(status = 'completed'), (select count(*) from alert where open_key is not null and light = 'red') from indicator`
		),
		ranking: timeSql(
			db,
			runs,
			`select unit_id, late, count(*) from report where period = ? group by unit_id`,
			period
		),
		red_list: timeSql(
			db,
			runs,
			`select a.*, i.text from alert a join indicator i on i.id = a.indicator_id where a.open_key is not null and a.light = 'red' order by i.due_on limit 50`
		),
		report_form: timeSql(
			db,
			runs,
			`select * from assignment a join indicator i on i.id = a.indicator_id where a.unit_id = (select id from unit where name = ?)`,
			unitName
		)
	};
	db.close();
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
