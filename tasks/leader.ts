import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { DatabaseTarget } from '../db/open.ts';

/**
 * Leader election among job runners sharing one database, so that two workers never run the same round:
 * - PostgreSQL: a session-level advisory lock held on a connection of its own; it goes with the session,
 *   so a killed worker (or a dropped connection) frees it at once and a standby takes it at its next try.
 * - SQLite: a lease row (job_lease) the holder renews every `renewMs`; a standby takes it once it has not
 *   been renewed for `leaseMs`.
 * The standby takes over within `renewMs` (PostgreSQL) or `leaseMs + renewMs` (SQLite) of the leader dying.
 */
export type LeadershipOptions = {
	/** What is led (one leader per name): 'jobs'. */
	name: string;
	/** This process became the leader: start the rounds. */
	onElected: () => void | Promise<void>;
	/** This process is no longer the leader (lost its connection or lease, or stop()): stop the rounds. */
	onLost: () => void | Promise<void>;
	/** How often a standby tries and the leader renews/checks; default 10 s. */
	renewMs?: number;
	/** SQLite: how long a lease lasts without renewal; default 30 s. */
	leaseMs?: number;
	/** Who holds it, as shown in job_lease; default host:pid:random. */
	holder?: string;
};

export type Leadership = {
	readonly leading: boolean;
	readonly holder: string;
	/** Steps down (releasing the lock or lease so a standby takes over at its next try) and stops trying. */
	stop(): Promise<void>;
};

/** Advisory locks are two 32-bit keys: this application's, then the hash of the name. */
const LOCK_CLASS = 0x64756261; // "duba"

type Contender = {
	/** Takes or keeps the leadership: true while this process leads. */
	tryLead(): Promise<boolean>;
	release(): Promise<void>;
};

export function startLeadership(target: DatabaseTarget, options: LeadershipOptions): Leadership {
	const renewMs = options.renewMs ?? 10_000;
	const leaseMs = options.leaseMs ?? 30_000;
	const holder = options.holder ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
	let leading = false;
	let stopped = false;
	let wake: () => void = () => {};

	// A process that lost the leadership sits out two tries: a standby (trying all along) takes it first.
	let restUntil = 0;
	const settle = async (now: boolean) => {
		if (now === leading) return;
		leading = now;
		if (!now) restUntil = Date.now() + 2 * renewMs;
		await (now ? options.onElected() : options.onLost());
	};
	const contender = target.databaseUrl
		? advisoryLock(target.databaseUrl, options.name, () => void settle(false).catch(() => {}))
		: leaseRow(target.dbFile, options.name, holder, leaseMs);
	const loop = (async () => {
		while (!stopped) {
			let now = false;
			try {
				if (Date.now() >= restUntil) now = await contender.tryLead();
			} catch {
				// The database is unreachable or busy: not the leader until it answers again.
			}
			if (stopped) break;
			await settle(now);
			await new Promise<void>((resolve) => {
				const timer = setTimeout(resolve, renewMs);
				wake = () => {
					clearTimeout(timer);
					resolve();
				};
			});
		}
	})();

	return {
		get leading() {
			return leading;
		},
		holder,
		async stop() {
			stopped = true;
			wake();
			await loop;
			// Step down (the rounds stopped) before the lock or lease is free: a standby that takes it at
			// once never leads beside this process.
			try {
				await settle(false);
			} finally {
				await contender.release().catch(() => {});
			}
		}
	};
}

/** `lost` is told at once when the session holding the lock ends (killed, server gone). */
function advisoryLock(url: string, name: string, lost: () => void): Contender {
	let client: pg.Client | null = null;
	let held = false;
	const drop = () => {
		const c = client;
		const had = held;
		client = null;
		held = false;
		c?.end().catch(() => {});
		if (had) lost();
	};
	return {
		async tryLead() {
			try {
				if (!client) {
					const c = new pg.Client({ connectionString: url, keepAlive: true });
					// A killed session or a lost server ends the leadership at once, not at the next check.
					c.on('error', drop);
					c.on('end', () => {
						if (client === c) drop();
					});
					client = c;
					await c.connect();
				}
				if (held) {
					// The lock lives as long as the session: the session answering is the lock still held.
					await client.query('select 1');
					return client !== null;
				}
				const { rows } = await client.query<{ ok: boolean }>(
					'select pg_try_advisory_lock($1, hashtext($2)) as ok',
					[LOCK_CLASS, name]
				);
				held = rows[0]!.ok;
				return held;
			} catch (err) {
				// Ending the session frees the lock if it still had it: no leader that does not know it leads.
				drop();
				throw err;
			}
		},
		async release() {
			if (client && held)
				await client.query('select pg_advisory_unlock($1, hashtext($2))', [LOCK_CLASS, name]);
			drop();
		}
	};
}

function leaseRow(file: string, name: string, holder: string, leaseMs: number): Contender {
	const db = new Database(file);
	db.pragma('busy_timeout = 5000');
	// Taken when free or expired, renewed when ours; acquired_at says since when the holder leads.
	const take = db.prepare(
		`insert into job_lease (name, holder, expires_at, acquired_at) values (@name, @holder, @expires, @now)
		 on conflict (name) do update set holder = excluded.holder, expires_at = excluded.expires_at,
			acquired_at = case when job_lease.holder = excluded.holder then job_lease.acquired_at else excluded.acquired_at end
		 where job_lease.holder = excluded.holder or job_lease.expires_at <= excluded.acquired_at`
	);
	const free = db.prepare('delete from job_lease where name = ? and holder = ?');
	let validUntil = 0;
	return {
		async tryLead() {
			const now = Date.now();
			try {
				const ok = take.run({ name, holder, expires: now + leaseMs, now }).changes > 0;
				validUntil = ok ? now + leaseMs : 0;
				return ok;
			} catch (err) {
				// Busy past the timeout: still the leader while the lease it holds lasts.
				if (Date.now() < validUntil) return true;
				throw err;
			}
		},
		async release() {
			free.run(name, holder);
			db.close();
		}
	};
}
