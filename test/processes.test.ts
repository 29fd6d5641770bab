/**
 * Both cores (api/processes.ts): the real server with WEB_PROCESSES=2 and its job process. Both web
 * processes answer on the one port, a write through one is read at once through the other, a write
 * waits out another process's long write transaction instead of failing (and its process answers reads
 * meanwhile), the job process runs the day's round (`duban tasks worker`), a killed web process is
 * started again, and SIGTERM stops them all.
 */
import { readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPlan2020, seedDirectory } from '../api/services/setup.ts';
import { createUser } from '../api/services/users.ts';
import { freePort, startChildServer, type ChildServer, childData } from './support/child-server.ts';
import { PASSWORD } from './support/harness.ts';
import { rssMb } from './bench/server.ts';

const TODAY = '2020-09-15';
const PERIOD = '2020-08';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let dataDir: string;
let dbFile: string;
let server: ChildServer;
let port: number;

/** A client on one kept-alive connection, so on one web process; `pid` is the process it reached. */
async function connection(cookie = '') {
	const agent = new Agent({ keepAlive: true, maxSockets: 1 });
	const send = (method: string, path: string, body?: unknown) =>
		new Promise<{ status: number; data: any; setCookie: string[] }>((resolve, reject) => {
			const payload = body === undefined ? undefined : JSON.stringify(body);
			const req = request(
				{
					host: '127.0.0.1',
					port,
					agent,
					method,
					path: `/api/v1${path}`,
					headers: {
						...(cookie ? { cookie } : {}),
						...(payload ? { 'content-type': 'application/json', origin: `http://127.0.0.1:${port}` } : {})
					}
				},
				(res) => {
					let text = '';
					res.on('data', (d) => (text += d));
					res.on('end', () =>
						resolve({
							status: res.statusCode!,
							data: text ? JSON.parse(text) : null,
							setCookie: ([] as string[]).concat(res.headers['set-cookie'] ?? [])
						})
					);
				}
			);
			req.on('error', reject);
			req.end(payload);
		});
	const pid = (await send('GET', '/health')).data.pid as number;
	return { pid, send, close: () => agent.destroy() };
}

/** Connections until one reaches each of `count` web processes (the kernel spreads new connections). */
async function oneConnectionEach(count: number, cookie = '') {
	const byPid = new Map<number, Awaited<ReturnType<typeof connection>>>();
	for (let i = 0; i < 200 && byPid.size < count; i++) {
		const c = await connection(cookie);
		if (byPid.has(c.pid)) c.close();
		else byPid.set(c.pid, c);
	}
	return [...byPid.values()];
}

const childrenOf = (pid: number) =>
	readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ').filter(Boolean).map(Number);

beforeAll(async () => {
	// SQLite only (another process's long write transaction on the file, below): the `node` project.
	const data = await childData('processes', TODAY);
	dataDir = data.dataDir;
	dbFile = data.config.dbFile;
	const ctx = { ...data, actor: null, ip: null };
	await seedDirectory(ctx);
	await loadPlan2020(ctx);
	await createUser(ctx, {
		username: 'proc-unit',
		name: '填报员',
		role: 'unit',
		unitName: '省大数据局',
		password: PASSWORD,
		temporary: false
	});
	await data.close();
	port = await freePort();
	server = await startChildServer(
		{ ...data.env, WEB_PROCESSES: '2', DUBAN_JOBS: '1' },
		{ port, readyTimeoutMs: 60_000 }
	);
}, 120_000);

afterAll(async () => {
	server?.proc.kill('SIGKILL');
	await server?.exited;
	rmSync(dataDir, { recursive: true, force: true });
});

describe('WEB_PROCESSES=2', () => {
	it('starts two web processes and a job process; the job process runs the day’s round', async () => {
		expect(server.output()).toMatch(/2 个网页进程共用端口/);
		expect(childrenOf(server.proc.pid!)).toHaveLength(3);
		const db = new Database(dbFile, { readonly: true });
		try {
			for (let i = 0; i < 600; i++) {
				const run = db.prepare(`select outcome from job_run where job = 'daily' and day = ?`).get(TODAY) as
					{ outcome: string } | undefined;
				if (run && run.outcome !== 'running') break;
				await sleep(100);
			}
			expect(db.prepare(`select outcome from job_run where job = 'daily' and day = ?`).get(TODAY)).toEqual({
				outcome: 'ok'
			});
		} finally {
			db.close();
		}
	}, 90_000);

	it('each web process idles within 120 MB resident (issue 17), the start-up garbage handed back', async () => {
		const web = await oneConnectionEach(2);
		try {
			expect(web).toHaveLength(2);
			for (const { pid } of web) expect(rssMb(pid), `web process ${pid}`).toBeLessThanOrEqual(120);
		} finally {
			for (const c of web) c.close();
		}
	});

	it('serves from both web processes; a write through one is read at once through the other', async () => {
		const anyone = await connection();
		const login = await anyone.send('POST', '/auth/login', { username: 'proc-unit', password: PASSWORD });
		expect(login.status).toBe(200);
		anyone.close();
		const cookie = login.setCookie[0]!.split(';')[0]!;
		const [a, b] = await oneConnectionEach(2, cookie);
		expect(a && b && a.pid !== b.pid).toBe(true);

		const form = await a!.send('GET', `/reports/mine/${PERIOD}`);
		expect(form.status).toBe(200);
		const items = form.data.items.map((i: { indicatorId: number }, n: number) => ({
			indicatorId: i.indicatorId,
			progress: `第 ${n + 1} 项：经进程 ${a!.pid} 保存`
		}));
		const saved = await a!.send('PUT', `/reports/mine/${PERIOD}`, { revision: null, items });
		expect(saved.status).toBe(200);
		const read = await b!.send('GET', `/reports/mine/${PERIOD}`);
		expect(read.data.report.revision).toBe(saved.data.report.revision);
		expect(read.data.items[0].progress).toBe(`第 1 项：经进程 ${a!.pid} 保存`);

		// Another process holds the write lock for 6 s (longer than the old 5 s busy timeout): the save
		// waits for it and succeeds.
		const other = new Database(dbFile);
		other.exec('begin immediate');
		const held = performance.now();
		const save = b!.send('PUT', `/reports/mine/${PERIOD}`, {
			revision: read.data.report.revision,
			items: items.map((i: { progress: string }) => ({ ...i, progress: `${i.progress}，又经进程 ${b!.pid}` }))
		});
		// Meanwhile that process answers reads at once, on another connection: it waits for the lock without
		// blocking its event loop.
		await sleep(1_000);
		let reader = await connection(cookie);
		for (let i = 0; i < 200 && reader.pid !== b!.pid; i++) {
			reader.close();
			reader = await connection(cookie);
		}
		expect(reader.pid).toBe(b!.pid);
		const during = performance.now();
		expect((await reader.send('GET', `/reports/mine/${PERIOD}`)).status).toBe(200);
		expect(performance.now() - during).toBeLessThan(2_000);
		reader.close();
		await sleep(6_000 - (performance.now() - held));
		other.exec('commit');
		other.close();
		const second = await save;
		expect(second.status).toBe(200);
		expect(performance.now() - held).toBeGreaterThanOrEqual(6_000);
		expect((await a!.send('GET', `/reports/mine/${PERIOD}`)).data.items[0].progress).toMatch(/又经进程/);
		a!.close();
		b!.close();
	}, 60_000);

	it('starts a killed web process again', async () => {
		const [victim] = await oneConnectionEach(1);
		victim!.close();
		process.kill(victim!.pid, 'SIGKILL');
		let pids: number[] = [];
		for (let i = 0; i < 300; i++) {
			await sleep(100);
			pids = childrenOf(server.proc.pid!);
			if (pids.length === 3 && !pids.includes(victim!.pid)) break;
		}
		expect(pids).toHaveLength(3);
		expect(pids).not.toContain(victim!.pid);
		expect(server.output()).toContain(`进程 ${victim!.pid} 已退出（信号 SIGKILL），重新启动`);
		// The new one serves too.
		const fresh = pids.filter((p) => p !== victim!.pid);
		let answered = new Set<number>();
		for (let i = 0; i < 300 && answered.size < 2; i++) {
			const c = await connection().catch(() => null);
			if (c) answered.add(c.pid);
			c?.close();
			if (answered.size < 2) await sleep(50);
		}
		answered = new Set([...answered].filter((p) => fresh.includes(p)));
		expect(answered.size).toBe(2);
	}, 60_000);

	it('stops every process on SIGTERM', async () => {
		const children = childrenOf(server.proc.pid!);
		server.proc.kill('SIGTERM');
		expect(await server.exited).toEqual({ code: 0, signal: null });
		for (const pid of children) expect(() => process.kill(pid, 0)).toThrow();
	}, 30_000);
});
