// npm run bench:load — the month-end rush: USERS unit users (default 300), each in its own unit with 15–36
// assignments, open, save (twice) and submit their monthly report forms for LOAD_SECONDS (default 60)
// against the real server in its own processes (WEB_PROCESSES, default one per core); then THINK_USERS
// (default 3,000: ten a unit account, each on months of its own) do the same pausing 5–20 s between
// steps, as people do, joining in steps of THINK_STEP users every THINK_STEP_SECONDS; then a count check
// in the database that every submission the server acknowledged is there, submitted, with all its items.
// Ends with one JSON line of figures; exits 1 on any error or lost submission.
// DATABASE_URL=postgres://… (an empty database) runs it on PostgreSQL; INSTANCES=N starts N servers on the
// same database (each WEB_PROCESSES as set) and spreads the users over them, as a reverse proxy would.
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { sql } from 'drizzle-orm';
import { loadConfig } from '../../api/config.ts';
import { manualClock } from '../../api/lib/clock.ts';
import { reportDueOn } from '../../api/lib/dates.ts';
import { getReportForm, type ReportForm } from '../../api/services/report-form.ts';
import { writeReport } from '../../api/services/reports.ts';
import { createUser } from '../../api/services/users.ts';
import { isPostgres, query } from '../../db/client.ts';
import { openDatabase } from '../../db/open.ts';
import { freePort, startChildServer } from '../support/child-server.ts';
import { fill, HISTORY, importRushPlan, PASSWORD, PERIODS, PLAN, TODAY } from './rush-plan.ts';
import { cpuSeconds, peakRssMb, processTree, rssMb, signIn } from './server.ts';

const USERS = Number(process.env.USERS ?? 300);
const SECONDS = Number(process.env.LOAD_SECONDS ?? 60);
const THINK_USERS = Number(process.env.THINK_USERS ?? 3000);
const THINK_STEP = Number(process.env.THINK_STEP ?? 500);
const THINK_STEP_SECONDS = Number(process.env.THINK_STEP_SECONDS ?? 20);
/** Virtual users with think time per unit account: each works on months of its own. */
const THINK_PER_ACCOUNT = Math.ceil(THINK_USERS / USERS);
const INSTANCES = Number(process.env.INSTANCES ?? 1);
const DATABASE_URL = process.env.DATABASE_URL;
const seconds = (ms: number) => Math.round(ms / 100) / 10;
const log = (line: string) => console.log(line);

/** A save's or submission's answer: the report's new state. */
type Saved = { report: { revision: number } };
/** The data folder: directory, plan, USERS unit accounts and HISTORY months already submitted. */
async function setUp(dataDir: string) {
	const config = loadConfig({
		DATA_DIR: dataDir,
		SECURE_COOKIES: '0',
		...(DATABASE_URL ? { DATABASE_URL } : {})
	});
	const { db, close } = await openDatabase(config);
	const clock = manualClock(new Date(`${PLAN.issuedOn}T02:00:00Z`));
	const ctx = { db, config, clock, actor: null, ip: null };

	let t = performance.now();
	const { table, imported } = await importRushPlan(ctx, USERS);
	log(
		`plan imported: ${imported.indicators} indicators, ${imported.assignments} assignments, ${imported.targets} targets, ` +
			`${imported.created.units} units (${seconds(performance.now() - t)} s)`
	);

	// argon2 hashing dominates: a few at a time keep both cores busy. The accounts are new on the server's
	// "today" (an older password would have expired).
	t = performance.now();
	const accountsCtx = { ...ctx, clock: manualClock(new Date(`${TODAY}T00:00:00+08:00`)) };
	const users: { username: string; id: number; unitName: string }[] = [];
	for (let i = 0; i < USERS; i += 4) {
		const batch = table.units.slice(i, i + 4).map(async (unitName, k) => {
			const username = `load${String(i + k + 1).padStart(3, '0')}`;
			const created = await createUser(accountsCtx, {
				username,
				name: `${unitName}填报员`,
				role: 'unit',
				unitName,
				password: PASSWORD
			});
			return { username, id: created.id, unitName };
		});
		users.push(...(await Promise.all(batch)));
	}
	log(`${USERS} unit users created (${seconds(performance.now() - t)} s)`);

	t = performance.now();
	const unitIds = new Map(
		(await query<{ id: number; name: string }>(db, sql`select id, name from unit`)).map((u) => [u.name, u.id])
	);
	const accounts = users.map((u) => ({ ...u, unitId: unitIds.get(u.unitName)! }));
	for (const period of HISTORY) {
		clock.set(new Date(`${reportDueOn(period, 0)}T02:00:00Z`));
		for (const a of accounts) {
			const actor = {
				kind: 'user' as const,
				id: a.id,
				username: a.username,
				name: a.username,
				role: 'unit' as const,
				unit: { id: a.unitId, name: a.unitName }
			};
			const form = await getReportForm({ ...ctx, actor }, a.unitId, period);
			await writeReport(
				{ ...ctx, actor },
				{ period, revision: null, items: fill(form.items, period, false) },
				true
			);
		}
	}
	log(`${HISTORY.length} months of history submitted per unit (${seconds(performance.now() - t)} s)`);
	if (!isPostgres(db)) await query(db, sql`pragma wal_checkpoint(TRUNCATE)`);
	await close();
	return { accounts, perUnit: table.perUnit, config };
}

type Kind = 'open' | 'save' | 'submit';
type Failure = { kind: Kind; user: string; period: string; status: number; body: string };

/** Latencies per kind, failures, and the (unit, period) pairs whose submission the server acknowledged. */
function recorder() {
	const times: Record<Kind, number[]> = { open: [], save: [], submit: [] };
	/** Every request's start (performance.now()) and duration, for the think-time steps. */
	const samples: { at: number; ms: number }[] = [];
	const failures: Failure[] = [];
	const submitted = new Set<string>();
	return { times, samples, failures, submitted };
}

function percentiles(xs: number[]) {
	const s = [...xs].sort((a, b) => a - b);
	const at = (p: number) => Math.round((s[Math.max(0, Math.ceil(p * s.length) - 1)] ?? 0) * 10) / 10;
	return { p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Kept-alive connections, one a user at a time (a user waits for each answer before the next step). */
const agent = new Agent({ keepAlive: true });

/**
 * One request of a user, on node:http: the driver shares the server's two cores, and fetch (undici's
 * WHATWG streams and headers) cost it several times the CPU a request. It asks for gzip as fetch and
 * browsers do, so the server compresses its answers as it would for them.
 */
function send(url: string, method: string, headers: Record<string, string>, body?: string) {
	return new Promise<{ status: number; text: string }>((resolve, reject) => {
		const extra = body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) };
		const req = request(
			url,
			{ method, agent, headers: { ...headers, ...extra, 'accept-encoding': 'gzip' } },
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (chunk: Buffer) => chunks.push(chunk));
				res.on('error', reject);
				res.on('end', () => {
					const raw = Buffer.concat(chunks);
					const text = (res.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString();
					resolve({ status: res.statusCode!, text });
				});
			}
		);
		req.on('error', reject);
		req.end(body);
	});
}

/**
 * One unit user: period after period of `periods`, open the form, autosave twice, submit, until the time
 * is up; with `think`, a pause of 5–20 s before each step.
 */
async function unitUser(
	base: string,
	origin: string,
	account: { username: string; unitId: number },
	headers: Record<string, string>,
	deadline: number,
	rec: ReturnType<typeof recorder>,
	periods: string[],
	think = false
) {
	const call = async <T>(kind: Kind, period: string, method: string, path: string, body?: unknown) => {
		if (think) await sleep(5_000 + Math.random() * 15_000);
		if (performance.now() >= deadline) return null;
		const started = performance.now();
		try {
			const res = await send(
				base + path,
				method,
				// A save answers with the report's state only, as the web app asks (routes/reports.ts).
				body ? { ...headers, origin, prefer: 'return=minimal' } : headers,
				body ? JSON.stringify(body) : undefined
			);
			const text = res.text;
			rec.times[kind].push(performance.now() - started);
			rec.samples.push({ at: started, ms: performance.now() - started });
			if (res.status >= 200 && res.status < 300) return JSON.parse(text) as T;
			rec.failures.push({
				kind,
				user: account.username,
				period,
				status: res.status,
				body: text.slice(0, 300)
			});
		} catch (err) {
			rec.times[kind].push(performance.now() - started);
			rec.samples.push({ at: started, ms: performance.now() - started });
			const cause = err instanceof Error ? `${err.message} ${String(err.cause ?? '')}` : String(err);
			rec.failures.push({ kind, user: account.username, period, status: 0, body: cause });
		}
		return null;
	};
	const live = () => performance.now() < deadline;
	let p = 0;
	let submitted = 0;
	while (live()) {
		// Past the last period (not expected at this rate) the user keeps opening the last form.
		const period = periods[Math.min(p, periods.length - 1)]!;
		const path = `/reports/mine/${period}`;
		const form = await call<ReportForm>('open', period, 'GET', path);
		if (!form || p >= periods.length || !live()) continue;
		if (form.report?.status === 'submitted') {
			p++;
			continue;
		}
		let revision = form.report?.revision ?? null;
		const first = await call<Saved>('save', period, 'PUT', path, {
			revision,
			items: fill(form.items, period, true)
		});
		if (!first || !live()) continue;
		const items = fill(form.items, period, false);
		const second = await call<Saved>('save', period, 'PUT', path, {
			revision: first.report.revision,
			items
		});
		if (!second || !live()) continue;
		revision = second.report.revision;
		if (await call<Saved>('submit', period, 'POST', `${path}/submit`, { revision, items })) {
			rec.submitted.add(`${account.unitId}|${period}`);
			submitted++;
			p++;
		}
	}
	return { submitted, outOfPeriods: p >= periods.length };
}

/** Every acknowledged submission in the database, submitted, with every item filled and every value. */
async function countCheck(config: ReturnType<typeof loadConfig>, submitted: Set<string>) {
	const { db, close } = await openDatabase(config);
	const rows = await query<{
		unitId: number;
		period: string;
		filled: number;
		assigned: number;
		vals: number;
		targets: number;
	}>(
		db,
		sql`select r.unit_id as "unitId", r.period,
			        (select count(*) from report_item i where i.report_id = r.id and i.progress_status is not null and i.progress <> '') as filled,
			        (select count(*) from assignment a where a.unit_id = r.unit_id) as assigned,
			        (select count(*) from report_item_value v join report_item i on i.id = v.item_id where i.report_id = r.id) as vals,
			        (select count(*) from assignment a join indicator_target t on t.indicator_id = a.indicator_id where a.unit_id = r.unit_id) as targets
			   from report r where r.status = 'submitted' and r.period >= ${PERIODS[0]}`
	);
	await close();
	const inDb = new Set(rows.map((r) => `${r.unitId}|${r.period}`));
	return {
		inDb: inDb.size,
		lost: [...submitted].filter((k) => !inDb.has(k)),
		unacknowledged: [...inDb].filter((k) => !submitted.has(k)),
		incomplete: rows.filter((r) => r.filled !== r.assigned || r.vals !== r.targets)
	};
}

const setupStarted = performance.now();
const dataDir = mkdtempSync(join(tmpdir(), 'duban-load-'));
log(`== setup: ${USERS} units and unit users, plan, ${HISTORY.length} months of history (${dataDir})`);
const { accounts, perUnit, config } = await setUp(dataDir);
const setupS = seconds(performance.now() - setupStarted);
log(`setup ${setupS} s; assignments per unit ${Math.min(...perUnit)}–${Math.max(...perUnit)}`);

const servers = await Promise.all(
	Array.from({ length: INSTANCES }, async (_, i) =>
		startChildServer(
			{
				DATA_DIR: dataDir,
				DUBAN_DEMO: '0',
				DUBAN_JOBS: '0',
				DUBAN_TODAY: TODAY,
				SECURE_COOKIES: '0',
				STATIC_DIR: join(dataDir, 'no-static'),
				SESSION_IDLE_MINUTES: '600',
				// Users here save with no pause at all; the per-user save limit is for people, not this rush.
				REPORT_SAVE_LIMIT: '100000',
				// e.g. SERVER_NODE_OPTIONS="--cpu-prof --cpu-prof-dir=/tmp/prof" for a profile of each process.
				...(process.env.SERVER_NODE_OPTIONS ? { NODE_OPTIONS: process.env.SERVER_NODE_OPTIONS } : {}),
				...(DATABASE_URL ? { DATABASE_URL } : {})
			},
			// LOAD_PORT: fixed ports from there (a shared machine hands each user of it a range of its own).
			{ port: process.env.LOAD_PORT ? Number(process.env.LOAD_PORT) + i : await freePort() }
		)
	)
);
/** The users are spread over the instances (user i on instance i mod N). */
const server = servers[0]!;
const origins = servers.map((s) => s.base);
const bases = origins.map((o) => `${o}/api/v1`);
let pass = false;
try {
	// The supervisor and its web processes (or the one process, WEB_PROCESSES=1), settled after start.
	await sleep(3_000);
	const pids = servers.flatMap((s) => processTree(s.proc.pid!));
	const idleRssMb = pids.map(rssMb);
	const treeCpu = () => pids.reduce((sum, p) => sum + cpuSeconds(p), 0);
	log(
		`== ${INSTANCES > 1 ? `${INSTANCES} instances ${origins.join(', ')}` : `server ${server.base}`}: ${pids.length} processes (${pids.join(', ')}), idle ${idleRssMb.join(' / ')} MB; ` +
			`today ${TODAY}; signing in ${USERS} users`
	);
	let t = performance.now();
	const sessions: Record<string, string>[] = [];
	for (let i = 0; i < accounts.length; i += 8) {
		const batch = accounts
			.slice(i, i + 8)
			.map((a, k) => signIn(bases[(i + k) % INSTANCES]!, a.username, PASSWORD));
		sessions.push(...(await Promise.all(batch)));
	}
	const signInS = seconds(performance.now() - t);
	log(`signed in (${signInS} s)`);

	log(
		`== the rush: ${USERS} users × ${SECONDS} s from ${PERIODS[0]} on; load average ${loadavg()[0]!.toFixed(2)}`
	);
	const rec = recorder();
	const cpuBefore = treeCpu();
	const driverBefore = process.cpuUsage();
	t = performance.now();
	// One connection per user busy (the agent has no cap per origin).
	const users = await Promise.all(
		accounts.map((a, i) =>
			unitUser(
				bases[i % INSTANCES]!,
				origins[i % INSTANCES]!,
				a,
				sessions[i]!,
				t + SECONDS * 1000,
				rec,
				PERIODS
			)
		)
	);
	const elapsedS = (performance.now() - t) / 1000;
	const serverCpuS = treeCpu() - cpuBefore;
	const driverCpu = process.cpuUsage(driverBefore);

	// With think time: THINK_PER_ACCOUNT users a unit account, each on months of its own from the end
	// (the rush above works from the start), joining THINK_STEP at a time; each step's p95 is measured
	// over the requests begun in it.
	const thinkUsers = Array.from({ length: THINK_USERS }, (_, i) => ({
		account: i % USERS,
		periods: PERIODS.filter((_, j) => j % THINK_PER_ACCOUNT === Math.floor(i / USERS)).reverse()
	}));
	const steps = Math.ceil(THINK_USERS / THINK_STEP);
	log(
		`== with think time (5–20 s between steps): up to ${THINK_USERS} users, ${THINK_STEP} more every ` +
			`${THINK_STEP_SECONDS} s; load average ${loadavg()[0]!.toFixed(2)}`
	);
	const thinkRec = recorder();
	const thinkStart = performance.now();
	const thinkEnd = thinkStart + steps * THINK_STEP_SECONDS * 1000;
	const thinkCpuBefore = treeCpu();
	// This one event loop drives every user: its own CPU and how late its timers and callbacks ran tell
	// whether the figures are the server's or the client's (on two cores it shares them with the server).
	const thinkDriverBefore = process.cpuUsage();
	const driverLag = monitorEventLoopDelay({ resolution: 20 });
	driverLag.enable();
	const running = thinkUsers.map((u, i) => {
		const joinAt = Math.floor(i / THINK_STEP) * THINK_STEP_SECONDS * 1000;
		const a = accounts[u.account]!;
		return sleep(joinAt).then(() =>
			unitUser(
				bases[u.account % INSTANCES]!,
				origins[u.account % INSTANCES]!,
				a,
				sessions[u.account]!,
				thinkEnd,
				thinkRec,
				u.periods,
				true
			)
		);
	});
	await Promise.all(running);
	const thinkCpuS = treeCpu() - thinkCpuBefore;
	const thinkS = (performance.now() - thinkStart) / 1000;
	driverLag.disable();
	const thinkDriverCpu = process.cpuUsage(thinkDriverBefore);
	const thinkDriverCpuS = (thinkDriverCpu.user + thinkDriverCpu.system) / 1e6;
	const stepFigures = Array.from({ length: steps }, (_, k) => {
		const from = thinkStart + k * THINK_STEP_SECONDS * 1000;
		const inStep = thinkRec.samples.filter((x) => x.at >= from && x.at < from + THINK_STEP_SECONDS * 1000);
		return {
			users: Math.min(THINK_USERS, (k + 1) * THINK_STEP),
			requests: inStep.length,
			...percentiles(inStep.map((x) => x.ms))
		};
	});
	for (const f of stepFigures)
		log(
			`  ${String(f.users).padStart(5)} users: ${f.requests} requests, p50/p95/p99 ${f.p50}/${f.p95}/${f.p99} ms`
		);
	const served = stepFigures.filter((f) => f.p95 <= 1000);
	const thinkMaxUsers = stepFigures.findIndex((f) => f.p95 > 1000);
	for (const k of thinkRec.submitted) rec.submitted.add(k);

	const serverPeakRssEach = pids.map(peakRssMb);
	const serverPeakRssMb = Math.max(...serverPeakRssEach);
	for (const s of servers) s.proc.kill('SIGTERM');
	const [exit] = await Promise.all(servers.map((s) => s.exited));
	log(`server stopped (exit ${exit!.code}); load average ${loadavg()[0]!.toFixed(2)}`);

	const check = await countCheck(config, rec.submitted);
	const all = [...rec.times.open, ...rec.times.save, ...rec.times.submit];
	const thinkAll = [...thinkRec.times.open, ...thinkRec.times.save, ...thinkRec.times.submit];
	const thinkOverall = percentiles(thinkAll);
	const lastStep = stepFigures.at(-1) ?? { users: 0, p95: 0 };
	const overall = percentiles(all);
	const byKind = Object.fromEntries(
		(['open', 'save', 'submit'] as const).flatMap((k) =>
			Object.entries(percentiles(rec.times[k])).map(([p, ms]) => [`${k}_${p}_ms`, ms])
		)
	);
	const rate = (n: number) => Math.round((n / elapsedS) * 10) / 10;
	const figures = {
		load_users: USERS,
		load_seconds: SECONDS,
		measured_s: Math.round(elapsedS * 10) / 10,
		requests: all.length,
		rps: rate(all.length),
		report_form_rps: rate(rec.times.open.length),
		save_rps: rate(rec.times.save.length),
		submit_rps: rate(rec.times.submit.length),
		p50_ms: overall.p50,
		p95_ms: overall.p95,
		p99_ms: overall.p99,
		...byKind,
		submissions: rec.submitted.size,
		submissions_in_db: check.inDb,
		lost: check.lost.length,
		incomplete_in_db: check.incomplete.length,
		errors: rec.failures.length + thinkRec.failures.length,
		users_without_submission: users.filter((u) => u.submitted === 0).length,
		users_out_of_periods: users.filter((u) => u.outOfPeriods).length,
		instances: INSTANCES,
		database: DATABASE_URL ? 'postgres' : 'sqlite',
		processes: pids.length,
		web_processes: pids.length > 1 ? pids.length - 1 : 1,
		server_idle_rss_mb: Math.max(...idleRssMb),
		server_idle_rss_mb_each: idleRssMb,
		server_peak_rss_mb: serverPeakRssMb,
		server_peak_rss_mb_each: serverPeakRssEach,
		server_cpu_s: Math.round(serverCpuS * 10) / 10,
		// What a request costs the server, whatever share of the cores it got on a busy machine.
		server_cpu_ms_per_request: Math.round((serverCpuS * 1000) / Math.max(1, all.length)),
		driver_cpu_s: Math.round(((driverCpu.user + driverCpu.system) / 1e6) * 10) / 10,
		driver_cpu_ms_per_request:
			Math.round((driverCpu.user + driverCpu.system) / 100 / Math.max(1, all.length)) / 10,
		think_users: THINK_USERS,
		think_requests: thinkAll.length,
		think_p50_ms: thinkOverall.p50,
		think_p95_ms: thinkOverall.p95,
		think_p99_ms: thinkOverall.p99,
		[`think_${lastStep.users}_users_p95_ms`]: lastStep.p95,
		think_submissions: thinkRec.submitted.size,
		think_server_cpu_ms_per_request: Math.round((thinkCpuS * 1000) / Math.max(1, thinkAll.length)),
		// The load driver's side: its CPU (per request, and as a share of one core over the phase) and the
		// 99th percentile of its event loop's delay, which a driver short of CPU would show first.
		think_driver_cpu_s: Math.round(thinkDriverCpuS * 10) / 10,
		think_driver_cpu_ms_per_request:
			Math.round((thinkDriverCpuS * 10_000) / Math.max(1, thinkAll.length)) / 10,
		think_driver_core_share: Math.round((thinkDriverCpuS / Math.max(1, thinkS)) * 100) / 100,
		think_driver_loop_delay_p99_ms: Math.round(driverLag.percentile(99) / 1e5) / 10,
		/** The most users of the steps before the first whose p95 exceeded 1 s. */
		think_max_users_p95_1s:
			thinkMaxUsers === -1 ? lastStep.users : thinkMaxUsers === 0 ? 0 : stepFigures[thinkMaxUsers - 1]!.users,
		think_steps_p95_le_1s: served.length,
		setup_s: setupS,
		sign_in_s: signInS
	};
	log(
		`${figures.requests} requests in ${figures.measured_s} s: ${figures.rps}/s (forms opened ${figures.report_form_rps}/s, ` +
			`saves ${figures.save_rps}/s, submissions ${figures.submit_rps}/s)`
	);
	log(`latency ms p50/p95/p99: all ${overall.p50}/${overall.p95}/${overall.p99}`);
	for (const k of ['open', 'save', 'submit'] as const)
		log(`  ${k.padEnd(6)} ${byKind[`${k}_p50_ms`]}/${byKind[`${k}_p95_ms`]}/${byKind[`${k}_p99_ms`]}`);
	log(
		`${figures.users_without_submission} users got no submission through; CPU: server ${figures.server_cpu_s} s ` +
			`(${figures.server_cpu_ms_per_request} ms a request), ` +
			`load driver ${figures.driver_cpu_s} s (the machine's cores are shared)`
	);
	log(
		`with think time: server ${Math.round(thinkCpuS * 10) / 10} s CPU, load driver ${figures.think_driver_cpu_s} s ` +
			`(${figures.think_driver_cpu_ms_per_request} ms a request, ${figures.think_driver_core_share} of a core), ` +
			`its event loop's delay p99 ${figures.think_driver_loop_delay_p99_ms} ms`
	);
	log(`errors: ${rec.failures.length} in the rush, ${thinkRec.failures.length} with think time`);
	for (const f of [...rec.failures, ...thinkRec.failures].slice(0, 5))
		log(`  ${f.kind} ${f.user} ${f.period}: HTTP ${f.status} ${f.body}`);
	const serverErrors = server
		.output()
		.split('\n')
		.filter((l) => /error/i.test(l));
	for (const line of serverErrors.slice(0, 5)) log(`  server: ${line}`);
	pass =
		!rec.failures.length &&
		!thinkRec.failures.length &&
		!check.lost.length &&
		!check.unacknowledged.length &&
		!check.incomplete.length;
	log(
		`count check: ${rec.submitted.size} submissions acknowledged, ${check.inDb} submitted in the database, ` +
			`${check.lost.length} lost, ${check.unacknowledged.length} not acknowledged, ${check.incomplete.length} incomplete` +
			` → ${pass ? 'PASS' : 'FAIL'}`
	);
	for (const k of check.lost.slice(0, 5)) log(`  lost: unit|period ${k}`);
	for (const r of check.incomplete.slice(0, 5)) log(`  incomplete: ${JSON.stringify(r)}`);
	console.log(JSON.stringify(figures));
} finally {
	for (const s of servers) s.proc.kill('SIGTERM');
	await Promise.all(servers.map((s) => s.exited));
	if (pass) rmSync(dataDir, { recursive: true, force: true });
	else log(`data kept in ${dataDir}`);
}
process.exit(pass ? 0 : 1);
