/**
 * Long work off the request thread, on the real server (`node api/server.ts`): while a 20,000-row table
 * is previewed and imported, and while the whole plan is exported and a bulletin made, /health is asked
 * every 50 ms and must always answer quickly. Before (everything on the request thread) the worst
 * /health wait was the length of the work itself: seconds.
 */
import { sql } from 'drizzle-orm';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../api/config.ts';
import { verifyAuditChain } from '../api/services/audit.ts';
import { seedDirectory } from '../api/services/setup.ts';
import { createUser } from '../api/services/users.ts';
import { query } from '../db/client.ts';
import { openDatabase } from '../db/open.ts';
import { freePort, startChildServer, type ChildServer, childData } from './support/child-server.ts';
import { Client, csvTable, importForm, PASSWORD } from './support/harness.ts';

const ROWS = Number(process.env.OFFLOAD_ROWS ?? 20_000);
/**
 * The worst /health answer allowed while the work runs. A request thread that is free answers in a few
 * milliseconds, and measured in-process the request thread stalls at most ~130 ms during this work (a
 * worker starting). But this machine is shared: two cores at load averages of 8–10 while other suites
 * run, the work itself keeping a core busy, where a runnable thread waits up to a second or so for a
 * core (an idle server's worst here: 100–280 ms; during the work: 0.26–1.3 s). 2 s still tells a free
 * request thread from a blocked one: before, /health waited as long as the work (41–65 s).
 */
const HEALTH_BOUND_MS = Number(process.env.OFFLOAD_HEALTH_BOUND_MS ?? 2_000);
const TODAY = '2020-09-15';

let data: Awaited<ReturnType<typeof childData>>;
let server: ChildServer;
let office: Client;

beforeAll(async () => {
	data = await childData('offload', TODAY);
	const { env } = data;
	const ctx = { ...data, actor: null, ip: null };
	await seedDirectory(ctx);
	await createUser(ctx, { username: 'offload-office', name: '联席办', role: 'office', password: PASSWORD });
	await createUser(ctx, { username: 'offload-leader', name: '领导', role: 'leader', password: PASSWORD });
	await data.close();
	server = await startChildServer(env, { port: await freePort(), readyTimeoutMs: 60_000 });
	office = new Client(server.base);
	const login = await office.post('/api/v1/auth/login', { username: 'offload-office', password: PASSWORD });
	expect(login.status).toBe(200);
}, 120_000);

afterAll(async () => {
	server?.proc.kill('SIGTERM');
	await server?.exited;
	await data?.remove();
});

/**
 * Asks /health every 50 ms from a thread of its own (this test's thread is busy too, reading megabytes
 * of JSON), keeping the worst answer time.
 */
const POLLER = `
const { parentPort, workerData } = require('node:worker_threads');
let running = true, worstMs = 0, polls = 0, failures = 0;
parentPort.once('message', () => (running = false));
(async () => {
	while (running) {
		const started = performance.now();
		try {
			const res = await fetch(workerData + '/api/v1/health');
			await res.arrayBuffer();
			if (!res.ok) failures++;
		} catch {
			failures++;
		}
		worstMs = Math.max(worstMs, performance.now() - started);
		polls++;
		await new Promise((r) => setTimeout(r, 50));
	}
	parentPort.postMessage({ worstMs, polls, failures });
})();
`;

/** Runs `work` while /health is polled; the worst /health answer time in ms (also when `work` fails). */
async function worstHealthDuring<T>(work: () => Promise<T>) {
	const poller = new Worker(POLLER, { eval: true, workerData: server.base });
	const figures = new Promise<{ worstMs: number; polls: number; failures: number }>((resolve, reject) => {
		poller.once('message', resolve);
		poller.once('error', reject);
	});
	try {
		const outcome = await work().then(
			(result) => ({ result, error: null }),
			(error: Error) => ({ result: null as T, error })
		);
		poller.postMessage('stop');
		return { ...outcome, ...(await figures) };
	} finally {
		await poller.terminate();
	}
}

function bigTable(rows: number) {
	return csvTable(
		Array.from({ length: rows }, (_, i) => [
			`领域${i % 7}`,
			`方向${i % 21}`,
			`任务${i % 700}`,
			`第${i + 1}项指标：新增开放数据集${(i % 90) + 10}个`,
			i % 2 ? '2020年12月底前' : '2020年6月底前',
			i % 3 ? '省大数据局、省发展改革委' : '省市场监管局'
		])
	);
}

describe('long work off the request thread', () => {
	let planId: number;

	it(`a ${ROWS}-row import, previewed and committed: /health answers meanwhile, and the page sees each phase's progress`, async () => {
		// The same polling with nothing to do: what the machine itself adds (printed beside the figures).
		const idle = await worstHealthDuring(() => new Promise((r) => setTimeout(r, 3_000)));
		console.log(`idle server: worst /health ${Math.round(idle.worstMs)} ms (${idle.polls} polls)`);
		const csv = bigTable(ROWS);
		const title = '大表导入';
		const preview = await worstHealthDuring(() =>
			office.post('/api/v1/imports', importForm(csv, { title, year: '2020', dryRun: '1' }))
		);
		console.log(
			`${ROWS}-row preview: worst /health ${Math.round(preview.worstMs)} ms (${preview.polls} polls, ${preview.failures} failed)` +
				(preview.error ? `; the preview itself failed: ${preview.error.message}` : '')
		);
		expect(preview.error).toBeNull();
		expect(preview.result.status).toBe(200);
		expect(preview.result.data).toMatchObject({ committed: false, dataRows: ROWS, errors: [] });
		expect(preview.result.data.created.indicators).toBe(ROWS);

		// The commit, with the progress the page polls (by the Idempotency-Key it sends).
		const key = `offload-${Date.now()}`;
		const seen: { phase: string; done: number; total: number }[] = [];
		let finished = false;
		const watcher = (async () => {
			while (!finished) {
				const p = (await office.get(`/api/v1/imports/progress/${key}`)).data.progress;
				if (p) seen.push(p);
				await new Promise((r) => setTimeout(r, 100));
			}
		})();
		// Meanwhile others sign in (a session and an audit row each): they wait for the import's write
		// transaction without failing, and the audit chain stays whole.
		const signIns: number[] = [];
		const signing = (async () => {
			while (!finished) {
				const res = await new Client(server.base).post('/api/v1/auth/login', {
					username: 'offload-leader',
					password: PASSWORD
				});
				signIns.push(res.status);
				await new Promise((r) => setTimeout(r, 300));
			}
		})();
		office.headers['Idempotency-Key'] = key;
		const commit = await worstHealthDuring(() =>
			office.post('/api/v1/imports', importForm(csv, { title, year: '2020' })).finally(() => {
				finished = true;
				delete office.headers['Idempotency-Key'];
			})
		);
		await signing;
		await watcher;
		expect(commit.result.status).toBe(200);
		expect(commit.result.data).toMatchObject({ committed: true, dataRows: ROWS });
		planId = commit.result.data.planId;

		const phases = seen.map((p) => p.phase).filter((p, i, all) => all[i - 1] !== p);
		const partWritten = seen.find((p) => p.phase === 'writing' && p.done > 0 && p.done < p.total);
		console.log(
			`${ROWS}-row import: worst /health ${Math.round(preview.worstMs)} ms during the preview (${preview.polls} polls), ` +
				`${Math.round(commit.worstMs)} ms during the commit (${commit.polls} polls); ` +
				`/health failures ${preview.failures + commit.failures}; ` +
				`${signIns.length} sign-ins meanwhile: ${[...new Set(signIns)].join('/')}; phases ${phases.join(' → ')}; ` +
				`writing seen at ${partWritten ? `${partWritten.done}/${partWritten.total}` : '—'}`
		);
		expect(signIns.length).toBeGreaterThan(0);
		expect(signIns.every((status) => status === 200)).toBe(true);
		expect(phases).toEqual(expect.arrayContaining(['analysing', 'writing']));
		expect(phases.indexOf('analysing')).toBeLessThan(phases.indexOf('writing'));
		expect(partWritten?.total).toBe(ROWS);
		expect(preview.failures + commit.failures).toBe(0);
		expect(preview.worstMs).toBeLessThan(HEALTH_BOUND_MS);
		expect(commit.worstMs).toBeLessThan(HEALTH_BOUND_MS);

		// Written through the worker's own connection: the audit chain still holds, one row for the import.
		const { db, close } = await openDatabase(loadConfig(data.env));
		const count = async (statement: ReturnType<typeof sql>) =>
			Number((await query<{ n: number }>(db, statement))[0]!.n);
		try {
			expect((await verifyAuditChain(db)).ok).toBe(true);
			expect(await count(sql`select count(*) as n from audit_log where action = 'plan.import'`)).toBe(1);
			expect(await count(sql`select count(*) as n from indicator`)).toBe(ROWS);
		} finally {
			await close();
		}
	}, 900_000);

	it('the whole plan exported and a bulletin made as .docx: /health answers meanwhile', async () => {
		expect(planId).toBeTypeOf('number');
		const xlsx = await worstHealthDuring(() => office.get(`/api/v1/plans/${planId}/export?format=xlsx`));
		expect(xlsx.result.status).toBe(200);
		expect(xlsx.result.data.byteLength).toBeGreaterThan(100_000);
		const bulletin = await worstHealthDuring(() => office.post('/api/v1/bulletins', { period: '2020-08' }));
		expect(bulletin.result.status).toBe(201);
		const docx = await worstHealthDuring(() =>
			office.get(`/api/v1/bulletins/${bulletin.result.data.id}/export?format=docx`)
		);
		expect(docx.result.status).toBe(200);
		console.log(
			`whole-plan export (${ROWS} indicators, ${xlsx.result.data.byteLength} bytes): worst /health ${Math.round(xlsx.worstMs)} ms; ` +
				`bulletin made: worst /health ${Math.round(bulletin.worstMs)} ms; ` +
				`bulletin .docx (${docx.result.data.byteLength} bytes): worst /health ${Math.round(docx.worstMs)} ms`
		);
		expect(xlsx.worstMs).toBeLessThan(HEALTH_BOUND_MS);
		expect(docx.worstMs).toBeLessThan(HEALTH_BOUND_MS);
	}, 600_000);
});
