// Figures for monthly reporting on the demo data: demo load time, database size, and the server time of
// the report form and of a submission for the unit with the most assignments, over the real HTTP server.
import { serve } from '@hono/node-server';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { createApp } from '../../api/app.ts';
import { loadConfig } from '../../api/config.ts';
import { appClock } from '../../api/lib/app-clock.ts';
import { loadDemoHistory } from '../../api/services/demo-history.ts';
import { createDemoAccounts, loadPlan2020, seedDirectory } from '../../api/services/setup.ts';
import { createUser } from '../../api/services/users.ts';
import { query, writerOf } from '../../db/client.ts';
import { openDatabase } from '../../db/open.ts';
import { systemClock } from '../../api/lib/clock.ts';
import { periodOf } from '../../api/lib/dates.ts';
import { signIn, submitFullForm } from './server.ts';
import { benchDatabaseEnv, freshBenchDatabase } from './database.ts';

const RUNS = 30;

/** Returns the figures and leaves the demo database in place (its folder) for the next measurements. */
export async function benchReporting() {
	const dataDir = mkdtempSync(join(tmpdir(), 'duban-bench-'));
	const config = loadConfig({
		DATA_DIR: dataDir,
		STATIC_DIR: join(dataDir, 'none'),
		SECURE_COOKIES: '0',
		...benchDatabaseEnv()
	});
	await freshBenchDatabase();
	const { db, dialect, close } = await openDatabase(config);
	const setupCtx = { db, config, clock: systemClock('2020-01-22'), actor: null, ip: null };
	await seedDirectory(setupCtx);
	await loadPlan2020(setupCtx);
	await createDemoAccounts(setupCtx);
	const history = (await loadDemoHistory(setupCtx, config.demoDate))!;
	let dbBytes: number;
	if (dialect === 'postgres') {
		const [size] = await query<{ bytes: number }>(
			db,
			sql`select pg_database_size(current_database()) as bytes`
		);
		dbBytes = size!.bytes;
	} else {
		writerOf(db).$client.pragma('wal_checkpoint(TRUNCATE)');
		dbBytes = statSync(config.dbFile).size;
	}

	const [busiest] = await query<{ name: string; n: number }>(
		db,
		sql`select u.name, count(*) as n from assignment a join unit u on u.id = a.unit_id group by u.id, u.name order by n desc, u.id limit 1`
	);
	const clock = await appClock(config, db);
	// Created on the application's date, so the password is not already past its maximum age there.
	for (const [username, role] of [
		['bench', 'unit'],
		['bench-office', 'office']
	] as const) {
		await createUser(
			{ ...setupCtx, clock },
			{
				username,
				name: username,
				role,
				...(role === 'unit' ? { unitName: busiest!.name } : {}),
				password: 'Rush#Month2020'
			}
		);
	}

	const app = createApp({ db, config, clock, mailer: null });
	const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
	await new Promise((r) => server.once('listening', r));
	const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
	const headers = await signIn(base, 'bench', 'Rush#Month2020');

	async function timed(fn: () => Promise<Response>) {
		const t = performance.now();
		const res = await fn();
		await res.arrayBuffer();
		if (!res.ok) throw new Error(`HTTP ${res.status}`);
		return performance.now() - t;
	}
	const stats = (xs: number[]) => {
		const s = [...xs].sort((a, b) => a - b);
		return { median: s[Math.floor(s.length / 2)]!, p95: s[Math.floor(s.length * 0.95)]! };
	};

	const formTimes: number[] = [];
	for (let i = 0; i < RUNS; i++)
		formTimes.push(await timed(() => fetch(`${base}/reports/mine/2020-10`, { headers })));

	// The month in progress, submitted as a full form, returned by the office and submitted again.
	const office = await signIn(base, 'bench-office', 'Rush#Month2020');
	const period = periodOf(clock.today());
	const submitTimes: number[] = [];
	for (let i = 0; i < 8; i++) submitTimes.push(await submitFullForm(base, headers, office, period));

	const figures = {
		demo_history_load_ms: history.ms,
		demo_reports: history.reports,
		db_size_mb: Math.round((dbBytes / 1024 / 1024) * 10) / 10,
		busiest_unit_assignments: busiest!.n,
		report_form_median_ms: Math.round(stats(formTimes).median * 10) / 10,
		report_form_p95_ms: Math.round(stats(formTimes).p95 * 10) / 10,
		report_submit_median_ms: Math.round(stats(submitTimes).median * 10) / 10,
		report_submit_p95_ms: Math.round(stats(submitTimes).p95 * 10) / 10
	};
	server.close();
	await close();
	return { figures, dataDir };
}
