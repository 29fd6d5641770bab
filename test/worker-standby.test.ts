/**
 * Job runners under leader election, as real processes: two `duban tasks worker` on one database, mail
 * waiting in the outbox. One leads and sends it; the other stands by and sends nothing. The leader is
 * killed (kill -9: its lease is not released); the standby takes over once the lease has run out and
 * sends what was queued since — every mail arrives at the SMTP server exactly once.
 *
 * The database is a `DatabaseTarget`: SQLite in a data folder, or PostgreSQL (DATABASE_URL; the advisory
 * lock).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTransaction } from '../db/client.ts';
import { openDatabase, type DatabaseTarget, type OpenDatabase } from '../db/open.ts';
import { outbox } from '../db/schema/index.ts';
import { queuedMail, startSmtp } from './support/smtp.ts';
import { createPgDatabase } from './support/pg.ts';

const bin = new URL('../bin/duban.mjs', import.meta.url).pathname;
const repoRoot = new URL('../', import.meta.url).pathname;
const LEASE_MS = 2_000;
const RENEW_MS = Math.round(LEASE_MS / 3);
const ELECTED = '成为定时任务主进程';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(condition: () => boolean, ms: number, what: string) {
	const started = Date.now();
	while (!condition()) {
		if (Date.now() - started > ms) throw new Error(`${what}: not within ${ms} ms`);
		await sleep(20);
	}
	return Date.now() - started;
}

type Worker = { proc: ChildProcess; output(): string; exited: Promise<unknown> };

function startWorker(env: Record<string, string>): Worker {
	const proc = spawn(process.execPath, [bin, 'tasks', 'worker'], {
		cwd: repoRoot,
		env: { ...process.env, ...env },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	process.once('exit', () => proc.kill('SIGKILL'));
	let out = '';
	proc.stdout!.on('data', (d) => (out += d));
	proc.stderr!.on('data', (d) => (out += d));
	const exited = new Promise((resolve) => proc.once('exit', resolve));
	return { proc, output: () => out, exited };
}

/** Mail waiting in the outbox, due now, as the reminders queue it. */
async function queueMail(open: OpenDatabase, keys: string[]) {
	await withTransaction({ db: open.db }, ({ db }) =>
		db.insert(outbox).values(queuedMail(keys, 'unit@example.test'))
	);
}

async function standbyTakesOver(target: DatabaseTarget, dataDir: string) {
	const smtp = await startSmtp();
	const open = await openDatabase(target);
	const env = {
		DATA_DIR: dataDir,
		...(target.databaseUrl ? { DATABASE_URL: target.databaseUrl } : {}),
		DUBAN_DEMO: '0',
		SMTP_URL: smtp.url,
		JOB_LEASE_SECONDS: String(LEASE_MS / 1000)
	};
	const workers: Worker[] = [];
	try {
		const first = Array.from({ length: 5 }, (_, i) => `before-${i}`);
		await queueMail(open, first);
		workers.push(startWorker(env), startWorker(env));
		await until(() => workers.some((w) => w.output().includes(ELECTED)), 30_000, 'a leader');
		const leader = workers.find((w) => w.output().includes(ELECTED))!;
		const standby = workers.find((w) => w !== leader)!;
		await until(() => smtp.received.length >= first.length, 30_000, 'the leader sends the outbox');
		// The standby keeps trying and stays a standby; nothing goes out twice.
		await sleep(LEASE_MS + RENEW_MS);
		expect(standby.output()).not.toContain(ELECTED);
		expect(smtp.received.length).toBe(first.length);

		leader.proc.kill('SIGKILL');
		const killedAt = Date.now();
		await leader.exited;
		const second = Array.from({ length: 5 }, (_, i) => `after-${i}`);
		await queueMail(open, second);
		await until(() => standby.output().includes(ELECTED), LEASE_MS + RENEW_MS + 10_000, 'the takeover');
		const takeover = Date.now() - killedAt;
		// SQLite: not before the dead leader's lease ran out (renewed at most RENEW_MS before the kill);
		// PostgreSQL frees the lock with the dead session, so the standby takes it at its next try.
		if (!target.databaseUrl) expect(takeover).toBeGreaterThanOrEqual(LEASE_MS - RENEW_MS - 100);
		expect(takeover).toBeLessThan(LEASE_MS + RENEW_MS + 10_000);
		await until(() => smtp.received.length >= first.length + second.length, 30_000, 'the standby sends');
		await sleep(RENEW_MS * 2);

		const ids = smtp.received.map((m) => m.messageId);
		expect(ids).toHaveLength(first.length + second.length);
		expect(new Set(ids)).toEqual(new Set([...first, ...second].map((k) => `<${k}@duban>`)));
		console.log(JSON.stringify({ test: 'worker-standby', leaseMs: LEASE_MS, takeoverMs: takeover }));

		standby.proc.kill('SIGTERM');
		await standby.exited;
		expect(standby.output()).toContain('不再是定时任务主进程');
	} finally {
		for (const w of workers) w.proc.kill('SIGKILL');
		await open.close();
		await smtp.stop();
	}
}

describe('job runners under leader election (SQLite: the lease row)', () => {
	let dataDir: string;
	beforeAll(() => {
		dataDir = mkdtempSync(join(tmpdir(), 'duban-standby-'));
	});
	afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

	it('two workers: one sends the outbox; killed (kill -9), the standby takes over within the lease and no mail goes twice', () =>
		standbyTakesOver({ databaseUrl: undefined, dbFile: join(dataDir, 'duban.db') }, dataDir));
});

describe('job runners under leader election (PostgreSQL: the advisory lock)', () => {
	let dataDir: string;
	let database: Awaited<ReturnType<typeof createPgDatabase>>;
	beforeAll(async () => {
		dataDir = mkdtempSync(join(tmpdir(), 'duban-standby-pg-'));
		database = await createPgDatabase('standby');
	});
	afterAll(async () => {
		await database?.drop();
		rmSync(dataDir, { recursive: true, force: true });
	});

	it('two workers: one sends the outbox; killed (kill -9), the standby takes over and no mail goes twice', () =>
		standbyTakesOver({ databaseUrl: database.url, dbFile: join(dataDir, 'duban.db') }, dataDir));
});
