// node test/bench/request-cpu.ts — CPU per request of the month-end rush's three steps (open the monthly
// form, save it twice, submit), in one process through the Hono app (app.request: no sockets, no load
// driver on the same cores), on a database seeded like test/bench/load.ts's (a three-year plan, units with
// 15–36 assignments, three months of history). CPU time (process.cpuUsage), not wall time: robust on a
// shared machine. PROFILE=file.cpuprofile writes a CPU profile of the measured rounds only (not the set-up),
// with the top of its self time by function on stderr. On SQLite it then measures the same requests' SQL
// alone (test/bench/sql-replay.ts): the rounds run again on a copy of the database as it was before them,
// their statements recorded, and are replayed without the app; `sql_*` is that CPU, `app_to_sql` the ratio.
// UNITS (default 60) units; ROUNDS (default 4) months each unit works through after a warm-up month.
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { createApp } from '../../api/app.ts';
import { loadConfig } from '../../api/config.ts';
import { manualClock } from '../../api/lib/clock.ts';
import { reportDueOn } from '../../api/lib/dates.ts';
import { getReportForm, type ReportForm } from '../../api/services/report-form.ts';
import { writeReport } from '../../api/services/reports.ts';
import { createUser } from '../../api/services/users.ts';
import { closeDb, openDb, query, writerOf, type Db } from '../../db/client.ts';
import { openDatabase } from '../../db/open.ts';
import { fill, HISTORY, importRushPlan, MONTHS, PASSWORD, PLAN, TODAY } from './rush-plan.ts';
import { recordStatements, replayStatements } from './sql-replay.ts';

const UNITS = Number(process.env.UNITS ?? 60);
const ROUNDS = Number(process.env.ROUNDS ?? 4);
const dataDir = mkdtempSync(join(tmpdir(), 'duban-reqcpu-'));
const config = loadConfig({
	DATA_DIR: dataDir,
	SECURE_COOKIES: '0',
	STATIC_DIR: join(dataDir, 'no-static'),
	REPORT_SAVE_LIMIT: '100000',
	SESSION_IDLE_MINUTES: '600',
	...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {})
});
const { db, close } = await openDatabase(config);
const clock = manualClock(new Date(`${PLAN.issuedOn}T02:00:00Z`));
const ctx = { db, config, clock, actor: null, ip: null };
const { table } = await importRushPlan(ctx, UNITS);
const accountsCtx = { ...ctx, clock: manualClock(new Date(`${TODAY}T00:00:00+08:00`)) };
const users: { username: string; id: number; unitName: string }[] = [];
for (let i = 0; i < UNITS; i += 4)
	users.push(
		...(await Promise.all(
			table.units.slice(i, i + 4).map(async (unitName, k) => {
				const username = `load${String(i + k + 1).padStart(3, '0')}`;
				const u = await createUser(accountsCtx, {
					username,
					name: username,
					role: 'unit',
					unitName,
					password: PASSWORD
				});
				return { username, id: u.id, unitName };
			})
		))
	);
const unitIds = new Map(
	(await query<{ id: number; name: string }>(db, sql`select id, name from unit`)).map((u) => [u.name, u.id])
);
for (const period of HISTORY) {
	clock.set(new Date(`${reportDueOn(period, 0)}T02:00:00Z`));
	for (const a of users) {
		const unitId = unitIds.get(a.unitName)!;
		const actor = {
			kind: 'user' as const,
			id: a.id,
			username: a.username,
			name: a.username,
			role: 'unit' as const,
			unit: { id: unitId, name: a.unitName }
		};
		const form = await getReportForm({ ...ctx, actor }, unitId, period);
		await writeReport(
			{ ...ctx, actor },
			{ period, revision: null, items: fill(form.items, period, false) },
			true
		);
	}
}
clock.set(new Date(`${TODAY}T02:00:00Z`));
const serve = (on: Db) => createApp({ db: on, clock, config, mailer: null });
let app = serve(db);
const origin = 'http://localhost';
const sessions: Record<string, string>[] = [];
for (const a of users) {
	const res = await app.request('/api/v1/auth/login', {
		method: 'POST',
		headers: { 'content-type': 'application/json', origin },
		body: JSON.stringify({ username: a.username, password: PASSWORD })
	});
	if (!res.ok) throw new Error(`login ${res.status} ${await res.text()}`);
	sessions.push({
		cookie: res.headers.getSetCookie()[0]!.split(';')[0]!,
		'content-type': 'application/json',
		origin
	});
}

type Kind = 'open' | 'save' | 'submit';
const cpu: Record<Kind, number> = { open: 0, save: 0, submit: 0 };
const count: Record<Kind, number> = { open: 0, save: 0, submit: 0 };
/** The requests of the measured rounds, in order (the SQL replay's requests are their indexes). */
const kinds: Kind[] = [];
let measuring = true;
async function call<T>(
	kind: Kind | null,
	headers: Record<string, string>,
	method: string,
	path: string,
	body?: unknown
) {
	if (kind) kinds.push(kind);
	const before = process.cpuUsage();
	const sent = body ? JSON.stringify(body) : undefined;
	// With its Content-Length, as browsers and bench:load send a body (the body limit judges it unread).
	const res = await app.request(`/api/v1${path}`, {
		method,
		headers: sent
			? { ...headers, prefer: 'return=minimal', 'content-length': String(Buffer.byteLength(sent)) }
			: headers,
		body: sent
	});
	const text = await res.text();
	const used = process.cpuUsage(before);
	if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
	if (kind && measuring) {
		cpu[kind] += (used.user + used.system) / 1000;
		count[kind]++;
	}
	return JSON.parse(text) as T;
}
async function month(kind: boolean, headers: Record<string, string>, period: string) {
	const path = `/reports/mine/${period}`;
	const form = await call<ReportForm>(kind ? 'open' : null, headers, 'GET', path);
	const first = await call<{ report: { revision: number } }>(kind ? 'save' : null, headers, 'PUT', path, {
		revision: form.report?.revision ?? null,
		items: fill(form.items, period, true)
	});
	const items = fill(form.items, period, false);
	const second = await call<{ report: { revision: number } }>(kind ? 'save' : null, headers, 'PUT', path, {
		revision: first.report.revision,
		items
	});
	await call(kind ? 'submit' : null, headers, 'POST', `${path}/submit`, {
		revision: second.report.revision,
		items
	});
}
// Warm-up month (JIT, statement caches), then the measured rounds.
for (const h of sessions) await month(false, h, MONTHS[3]!);
const sqlite = process.env.DATABASE_URL ? null : writerOf(db).$client;
const before = sqlite && join(dataDir, 'before-rounds.db');
if (sqlite && before) {
	// The whole database in the file (no reader holds the WAL now), so that a copy of the file is all of it.
	const [checkpoint] = sqlite.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
	if (checkpoint!.busy) throw new Error('the WAL could not be checkpointed before the rounds');
	copyFileSync(sqlite.name, before);
}
const rounds = async () => {
	const startedAt = clock.now();
	for (let r = 1; r <= ROUNDS; r++) for (const h of sessions) await month(true, h, MONTHS[3 + r]!);
	clock.set(startedAt);
};
const inspector = process.env.PROFILE ? new Session() : null;
if (inspector) {
	inspector.connect();
	await inspector.post('Profiler.enable');
	await inspector.post('Profiler.setSamplingInterval', { interval: 200 });
	await inspector.post('Profiler.start');
}
const total = process.cpuUsage();
await rounds();
const used = process.cpuUsage(total);
if (inspector) {
	const { profile } = await inspector.post('Profiler.stop');
	writeFileSync(process.env.PROFILE!, JSON.stringify(profile));
	console.error(topSelfTime(profile).join('\n'));
}
const per = (k: Kind) => Math.round((cpu[k] / count[k]) * 100) / 100;
const requests = count.open + count.save + count.submit;
const alone = before ? await sqlAlone(before) : null;
const sqlPer = (k: Kind) => alone && Math.round((alone.cpu[k] / count[k]) * 100) / 100;
const sqlPerRequest = alone && (alone.cpu.open + alone.cpu.save + alone.cpu.submit) / requests;
console.log(
	JSON.stringify({
		units: UNITS,
		rounds: ROUNDS,
		database: process.env.DATABASE_URL ? 'postgres' : 'sqlite',
		open_cpu_ms: per('open'),
		save_cpu_ms: per('save'),
		submit_cpu_ms: per('submit'),
		cpu_ms_per_request: Math.round(((used.user + used.system) / 1000 / requests) * 100) / 100,
		requests,
		sql_open_cpu_ms: sqlPer('open'),
		sql_save_cpu_ms: sqlPer('save'),
		sql_submit_cpu_ms: sqlPer('submit'),
		sql_cpu_ms_per_request: sqlPerRequest && Math.round(sqlPerRequest * 100) / 100,
		app_to_sql:
			sqlPerRequest && Math.round(((used.user + used.system) / 1000 / requests / sqlPerRequest) * 10) / 10,
		sql_statements_per_request: alone && Math.round((alone.statements / requests) * 10) / 10
	})
);
await close();
rmSync(dataDir, { recursive: true, force: true });
process.exit(0);

/**
 * The measured rounds' SQL alone: the rounds again, from the copy `before` of the database, with their
 * statements recorded (on a copy of the copy, so that the replay starts from the same state), then
 * replayed; the CPU by kind of request.
 */
async function sqlAlone(before: string) {
	const recorded = join(dataDir, 'recorded.db');
	const replayed = join(dataDir, 'replayed.db');
	copyFileSync(before, recorded);
	copyFileSync(before, replayed);
	const again = openDb(recorded);
	app = serve(again);
	measuring = false;
	const first = kinds.length;
	const recording = recordStatements(again.$client, writerOf(again).$client, () => kinds.length - 1);
	await rounds();
	const executed = recording.stop().filter((e) => e.request >= first);
	closeDb(again);
	const byRequest = replayStatements(replayed, executed);
	const cpu: Record<Kind, number> = { open: 0, save: 0, submit: 0 };
	for (const [request, ms] of byRequest) cpu[kinds[request]!] += ms;
	return { cpu, statements: executed.length };
}

type Profile = {
	nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
	samples?: number[];
	timeDeltas?: number[];
};
/** Self time by function (name, file:line), the 25 largest, as lines of "ms  share  name  where". */
function topSelfTime(profile: Profile) {
	const byNode = new Map<number, number>();
	profile.samples?.forEach((id, i) => byNode.set(id, (byNode.get(id) ?? 0) + (profile.timeDeltas?.[i] ?? 0)));
	const byFn = new Map<string, number>();
	let all = 0;
	for (const n of profile.nodes) {
		const us = byNode.get(n.id) ?? 0;
		all += us;
		const f = n.callFrame;
		const key = `${f.functionName || '(anonymous)'}  ${f.url.replace(/^.*\/(node_modules|cheapreq)\//, '')}:${f.lineNumber + 1}`;
		byFn.set(key, (byFn.get(key) ?? 0) + us);
	}
	return [...byFn]
		.sort((a, b) => b[1] - a[1])
		.slice(0, 25)
		.map(
			([k, us]) =>
				`${(us / 1000).toFixed(0).padStart(6)} ms ${((us / all) * 100).toFixed(1).padStart(5)}%  ${k}`
		);
}
