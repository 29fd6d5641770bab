import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, openDb } from '../db/client.ts';
import type { DatabaseTarget } from '../db/open.ts';
import { startLeadership } from './leader.ts';
import { createPgDatabase } from '../test/support/pg.ts';
import { openPg } from '../db/pg/client.ts';

const RENEW_MS = 250;
const LEASE_MS = 1_500;
const child = new URL('../test/support/leader-child.ts', import.meta.url).pathname;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(condition: () => boolean, ms: number) {
	const started = Date.now();
	while (!condition()) {
		if (Date.now() - started > ms) throw new Error(`not within ${ms} ms`);
		await sleep(10);
	}
	return Date.now() - started;
}

function contender(target: DatabaseTarget, id: string, events: string[], whenLost?: () => Promise<void>) {
	return startLeadership(target, {
		name: 'jobs',
		holder: id,
		renewMs: RENEW_MS,
		leaseMs: LEASE_MS,
		onElected: () => void events.push(`${id} elected`),
		onLost: async () => {
			events.push(`${id} lost`);
			await whenLost?.();
		}
	});
}

/**
 * Two contenders: exactly one leads, and keeps leading; when it stops the other takes over at its next
 * try. `lockHeld` says whether the lock (or lease) is taken, as a third party sees it.
 */
async function oneLeadsThenHandsOver(target: DatabaseTarget, lockHeld: () => Promise<boolean>) {
	const events: string[] = [];
	const heldWhenLost: boolean[] = [];
	const check = async () => void heldWhenLost.push(await lockHeld());
	const a = contender(target, 'a', events, check);
	const b = contender(target, 'b', events, check);
	await until(() => a.leading || b.leading, 10_000);
	await sleep(RENEW_MS * 4);
	expect(a.leading).not.toBe(b.leading);
	expect(events).toHaveLength(1);
	const [leader, standby] = a.leading ? [a, b] : [b, a];
	await leader.stop();
	expect(leader.leading).toBe(false);
	expect(await until(() => standby.leading, RENEW_MS + 2_000)).toBeLessThan(RENEW_MS + 2_000);
	await standby.stop();
	expect(events).toEqual([
		`${leader.holder} elected`,
		`${leader.holder} lost`,
		`${standby.holder} elected`,
		`${standby.holder} lost`
	]);
	// Each stepped down while it still held the lock: never a moment with two leaders.
	expect(heldWhenLost).toEqual([true, true]);
}

describe('leader election on SQLite: a lease row', () => {
	let dir: string;
	let target: DatabaseTarget;
	beforeAll(() => {
		dir = mkdtempSync(join(tmpdir(), 'duban-leader-'));
		target = { databaseUrl: undefined, dbFile: join(dir, 'duban.db') };
		closeDb(openDb(target.dbFile));
	});
	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	it('two contenders: one leads; when it stops, the standby takes over', async () => {
		const lease = new Database(target.dbFile, { readonly: true });
		const live = lease.prepare(`select count(*) as n from job_lease where name = 'jobs' and expires_at > ?`);
		try {
			await oneLeadsThenHandsOver(target, async () => (live.get(Date.now()) as { n: number }).n === 1);
		} finally {
			lease.close();
		}
	});

	it('a killed leader (kill -9, the lease not released) is replaced once its lease has run out', async () => {
		const proc = spawn(process.execPath, [child, target.dbFile, String(LEASE_MS), String(RENEW_MS)]);
		let out = '';
		proc.stdout.on('data', (d) => (out += d));
		await until(() => out.includes('elected'), 20_000);
		const events: string[] = [];
		const standby = contender(target, 'standby', events);
		await sleep(RENEW_MS * 3);
		expect(standby.leading).toBe(false);
		const killedAt = Date.now();
		proc.kill('SIGKILL');
		await until(() => standby.leading, LEASE_MS + RENEW_MS + 2_000);
		const after = Date.now() - killedAt;
		// Not before the dead holder's lease ran out (it renewed at most RENEW_MS before the kill).
		expect(after).toBeGreaterThanOrEqual(LEASE_MS - RENEW_MS - 50);
		expect(after).toBeLessThan(LEASE_MS + RENEW_MS + 2_000);
		await standby.stop();
	});
});

describe('leader election on PostgreSQL: a session-level advisory lock', () => {
	let database: Awaited<ReturnType<typeof createPgDatabase>>;
	let target: DatabaseTarget;
	beforeAll(async () => {
		database = await createPgDatabase('leader');
		target = { databaseUrl: database.url, dbFile: '' };
		await (await openPg(database.url)).$client.end();
	});
	afterAll(() => database?.drop());

	it('two contenders: one leads; when it stops, the standby takes over', async () => {
		const admin = new pg.Client({ connectionString: database.url });
		await admin.connect();
		try {
			await oneLeadsThenHandsOver(target, async () => {
				const { rows } = await admin.query<{ n: number }>(
					`select count(*)::int as n from pg_locks where locktype = 'advisory' and granted
					 and database = (select oid from pg_database where datname = current_database())`
				);
				return rows[0]!.n === 1;
			});
		} finally {
			await admin.end();
		}
	});

	it('the leader’s connection killed (pg_terminate_backend): it knows it lost, the standby takes over', async () => {
		const events: string[] = [];
		const a = contender(target, 'a', events);
		await until(() => a.leading, 10_000);
		const b = contender(target, 'b', events);
		await sleep(RENEW_MS * 3);
		expect(b.leading).toBe(false);
		const admin = new pg.Client({ connectionString: database.url });
		await admin.connect();
		try {
			const { rows } = await admin.query(
				`select pg_terminate_backend(pid) as ok from pg_locks
				 where locktype = 'advisory' and granted and database = (select oid from pg_database where datname = current_database())`
			);
			expect(rows).toEqual([{ ok: true }]);
			await until(() => !a.leading, 2_000);
			await until(() => b.leading, RENEW_MS + 2_000);
			// The old leader contends again and stands by: still one leader.
			await sleep(RENEW_MS * 4);
			expect([a, b].filter((l) => l.leading).map((l) => l.holder)).toEqual(['b']);
		} finally {
			await admin.end();
			await a.stop();
			await b.stop();
		}
		expect(events.slice(0, 3)).toEqual(['a elected', 'a lost', 'b elected']);
	});
});
