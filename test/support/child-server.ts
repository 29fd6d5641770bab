// The real server (`node api/server.ts`) as a child process, for tests that must kill it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../api/config.ts';
import { systemClock } from '../../api/lib/clock.ts';
import { openDatabase } from '../../db/open.ts';
import { testDialect } from './database.ts';
import { createPgDatabase } from './pg.ts';

const serverFile = new URL('../../api/server.ts', import.meta.url).pathname;
const repoRoot = new URL('../../', import.meta.url).pathname;

/** A TCP port nobody listens on right now (the OS picks it; released before returning). */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const probe = createServer();
		probe.once('error', reject);
		probe.listen(0, '127.0.0.1', () => {
			const address = probe.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			probe.close(() => resolve(port));
		});
	});
}

export type ChildServer = {
	base: string;
	proc: ChildProcess;
	/** Resolves once the process has ended, with how it ended. */
	exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
	/** What the process printed so far (stdout and stderr interleaved). */
	output(): string;
};

/**
 * Starts `node api/server.ts` with the given environment (on top of this process's) and waits until
 * GET /api/v1/health answers 200. Throws with the child's output when it exits or does not get ready.
 */
export async function startChildServer(
	env: Record<string, string>,
	opts: { port: number; readyTimeoutMs?: number }
): Promise<ChildServer> {
	const base = `http://127.0.0.1:${opts.port}`;
	// As `npm start` runs it (a young generation of 16 MB semi-spaces: see README, Memory).
	const proc = spawn(process.execPath, ['--max-semi-space-size=16', '--expose-gc', serverFile], {
		cwd: repoRoot,
		env: { ...process.env, ...env, PORT: String(opts.port), HOST: '127.0.0.1' },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	// Never outlive the test process (a worker killed on timeout would leave the server on its port).
	const reap = () => proc.kill('SIGKILL');
	process.once('exit', reap);
	let out = '';
	proc.stdout!.on('data', (d) => (out += d));
	proc.stderr!.on('data', (d) => (out += d));
	let ended = false;
	const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
		proc.once('exit', (code, signal) => {
			ended = true;
			process.off('exit', reap);
			resolve({ code, signal });
		})
	);
	const deadline = Date.now() + (opts.readyTimeoutMs ?? 30_000);
	for (;;) {
		if (ended) throw new Error(`server exited before it was ready:\n${out}`);
		try {
			const res = await fetch(`${base}/api/v1/health`);
			await res.arrayBuffer();
			if (res.status === 200) break;
		} catch {
			// not listening yet
		}
		if (Date.now() > deadline) {
			proc.kill('SIGKILL');
			throw new Error(`server not ready after ${opts.readyTimeoutMs ?? 30_000} ms:\n${out}`);
		}
		await new Promise((r) => setTimeout(r, 50));
	}
	return { base, proc, exited, output: () => out };
}

/**
 * A fresh data folder for a server run as a child process: its environment (no demo, no jobs, the
 * given day) and the database opened here, to set data up before the server starts. The database is
 * the tests' (test/support/database.ts: a new PostgreSQL database in the `node-pg` project, else the
 * folder's SQLite file) or `opts.databaseUrl`'s. `close` ends this process's connections (the server's
 * stay); `remove`, after the server has ended, drops the test database and deletes the folder.
 */
export async function childData(name: string, today: string, opts: { databaseUrl?: string } = {}) {
	const dataDir = mkdtempSync(join(tmpdir(), `duban-${name}-`));
	const pg = !opts.databaseUrl && testDialect === 'postgres' ? await createPgDatabase(name) : null;
	const databaseUrl = opts.databaseUrl ?? pg?.url;
	const env = {
		DATA_DIR: dataDir,
		DUBAN_DEMO: '0',
		DUBAN_JOBS: '0',
		// One process, the one killed and measured (the multi-process test asks for more).
		WEB_PROCESSES: '1',
		DUBAN_TODAY: today,
		SECURE_COOKIES: '0',
		STATIC_DIR: join(dataDir, 'no-static'),
		...(databaseUrl ? { DATABASE_URL: databaseUrl } : {})
	};
	const config = loadConfig(env);
	const { db, close } = await openDatabase(config);
	return {
		dataDir,
		env,
		config,
		db,
		clock: systemClock(today),
		close,
		async remove() {
			await pg?.drop();
			rmSync(dataDir, { recursive: true, force: true });
		}
	};
}
