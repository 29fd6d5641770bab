import Database from 'better-sqlite3';
import { AsyncLocalStorage } from 'node:async_hooks';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { sql, type SQL } from 'drizzle-orm';
import type { BaseSQLiteDatabase, SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { mkdirSync } from 'node:fs';
import { open as openFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as schema from './schema/index.ts';

/**
 * A database connection: outside a transaction the read-only one, inside `withTransaction` the write
 * one. Services write queries as `await db.select()…` (drizzle queries are thenable on every driver),
 * never `.all()/.get()/.run()`, and raw SQL through `query`/`execute` below.
 *
 * On PostgreSQL (`DATABASE_URL`) the value is a node-postgres drizzle database (db/pg/client.ts
 * `asDb`) carrying this type: drizzle's PostgreSQL builder accepts the SQLite table objects and maps
 * their columns (epoch-ms dates, JSON text, 0/1 booleans) the same way, so one set of services, typed
 * once, runs on both. What differs is here: transactions, raw SQL, rows affected.
 */
export type Db = BaseSQLiteDatabase<'sync', Database.RunResult, typeof schema>;

/** The PostgreSQL side of a `Db` as this module uses it (no import of pg here: SQLite never loads it). */
type PgLike = {
	transaction<T>(fn: (tx: PgLike) => Promise<T>, config: { accessMode: 'read write' }): Promise<T>;
	execute(statement: SQL): Promise<{ rows: unknown[]; rowCount: number | null }>;
};
/** Databases (pools) that are PostgreSQL, registered by db/pg/client.ts, with their URLs. */
const postgres = new WeakMap<object, string>();
/** PostgreSQL transactions in progress: a ctx whose db is one of these is inside a transaction. */
const pgTransactions = new WeakSet<object>();

/** Marks a PostgreSQL database as one (db/pg/client.ts); it is then a `Db` to the services. */
export function registerPostgres(db: object, url: string): Db {
	postgres.set(db, url);
	return db as unknown as Db;
}

/** Whether `db` (a database or a transaction on one) is PostgreSQL. */
export const isPostgres = (db: Db) => postgres.has(db) || pgTransactions.has(db);

const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

/**
 * The write side of a database: one connection whose transactions take turns (`turn` is the tail of
 * the line, `waiting` how many stand in it), opened on first use so that read-only threads never open
 * it; `group` is the commit in progress of the transactions that ran back to back (see withTransaction).
 */
type Writer = {
	file: string;
	db: Connection | null;
	turn: Promise<void>;
	waiting: number;
	group: Group | null;
	/** The WAL flush that has not started yet (it will cover every commit until it starts), and the last one. */
	nextFlush: Promise<void> | null;
	lastFlush: Promise<void>;
	/**
	 * Whether this connection leaves the lock to sibling processes now and then (yieldToSiblings), the
	 * `data_version` it saw when it last took the lock, and its groups in a row with no other commit between.
	 */
	yields: boolean;
	seenVersion: number;
	ownStreak: number;
};
type Connection = ReturnType<typeof open>;
const writers = new WeakMap<Db, Writer>();
/** The write connections: a ctx whose db is one of these is inside a transaction. */
const writeConnections = new WeakSet<Db>();

/** How long a writer waits for another connection's write lock before SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 60_000;

function open(file: string) {
	const sqlite = sqliteConnection(file);
	reuseStatements(sqlite);
	return drizzle(sqlite, { schema });
}

/** A connection to the SQLite file with the pragmas every connection of the app has. */
export function sqliteConnection(file: string) {
	const sqlite = new Database(file);
	sqlite.pragma('journal_mode = WAL');
	sqlite.pragma('foreign_keys = ON');
	// The WAL is not fsynced inside COMMIT (that held the write lock and the event loop for the disk):
	// withTransaction answers a transaction only once flushWal has, so what it confirms survives a power
	// cut as with FULL. NORMAL still syncs around checkpoints, which keeps the file consistent.
	sqlite.pragma('synchronous = NORMAL');
	// Another process's write transaction (a large import's, in a web process next to this one) holds the
	// file's one write lock for seconds: a writer here waits for it instead of failing.
	sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
	// Deleted rows (sessions, drafts) are overwritten, not left readable in free pages.
	sqlite.pragma('secure_delete = ON');
	return sqlite;
}

/** Statements kept per connection (the most recently used), by their SQL. */
const STATEMENTS_KEPT = 1000;

/**
 * drizzle prepares every query it runs anew, and preparing costs as much as running a small query: the
 * connection keeps its recent statements and hands the same one out for the same SQL. (A statement
 * another query is still iterating is not shared; raw mode, which drizzle switches on where it maps
 * rows itself, is switched off again before reuse.)
 */
function reuseStatements(sqlite: Database.Database) {
	const prepare = sqlite.prepare.bind(sqlite) as (source: string, ...rest: unknown[]) => Database.Statement;
	const kept = new Map<string, Database.Statement>();
	sqlite.prepare = ((source: string, ...rest: unknown[]) => {
		if (rest.length) return prepare(source, ...rest);
		let stmt = kept.get(source);
		if (stmt && !stmt.busy) {
			kept.delete(source);
			if (stmt.reader) stmt.raw(false);
		} else {
			stmt = prepare(source);
			if (kept.size >= STATEMENTS_KEPT) kept.delete(kept.keys().next().value!);
		}
		kept.set(source, stmt);
		return stmt;
	}) as typeof sqlite.prepare;
}

/**
 * A query of fixed shape (its values only `sql.placeholder`s), built once per database and run with
 * `.execute(values)`: drizzle otherwise builds the SQL text and its column list again on every call,
 * which cost more than running the small queries of the hot routes (form, save, session check). Kept per
 * connection, pool or transaction (the prepared query is bound to it); both drivers' `.execute` resolve to
 * the mapped rows.
 */
export function prepared<Q>(build: (db: Db) => Q): (db: Db) => Q {
	const built = new WeakMap<Db, Q>();
	return (db) => {
		let q = built.get(db);
		if (!q) built.set(db, (q = withRowMapper(build(db))));
		return q;
	};
}

/** The most rows one statement of `preparedRows` takes (a larger set goes in pieces of this many). */
const ROWS_PER_STATEMENT = 50;

/**
 * A statement of many rows, of fixed shape but for their number (an insert's values): drizzle builds one
 * at a cost that grows with its rows, more than writing them costs (a save's 30 items). `build(db, n)`
 * makes the prepared query of `n` rows, row r's values the placeholders `rowPlaceholder(field, r)`; it is
 * built once per database (as `prepared`) and row count. The function returned runs it for any number of
 * rows (each row's fields by name, `shared` values for all) and resolves with each piece's result.
 */
export function preparedRows<R>(
	build: (db: Db, n: number) => { execute(values: Record<string, unknown>): R }
) {
	const bySize = prepared(() => new Map<number, ReturnType<typeof build>>());
	return async (db: Db, rows: Record<string, unknown>[], shared: Record<string, unknown> = {}) => {
		const results: Awaited<R>[] = [];
		for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
			const piece = rows.slice(start, start + ROWS_PER_STATEMENT);
			const built = bySize(db);
			let q = built.get(piece.length);
			if (!q) built.set(piece.length, (q = build(db, piece.length)));
			const values = { ...shared };
			piece.forEach((row, r) => {
				for (const field in row) values[`${field}${r}`] = row[field];
			});
			results.push(await q.execute(values));
		}
		return results;
	};
}

/** Row `r`'s value of `field` in a statement of `preparedRows`. */
export const rowPlaceholder = (field: string, r: number) => sql.placeholder(`${field}${r}`);

/** A selected column or SQL expression as drizzle decodes it (`mapFromDriverValue`). */
type Decoder = { mapFromDriverValue(value: unknown): unknown };
/** What this module reads of drizzle's better-sqlite3 prepared query (drizzle-orm/better-sqlite3/session.js). */
type SqlitePreparedQuery = {
	stmt?: unknown;
	fields?: {
		path: string[];
		field:
			Decoder | { decoder: Decoder } | { sql: { decoder: Decoder } } | { _: { sql: { decoder: Decoder } } };
	}[];
	customResultMapper?: unknown;
	values(placeholders?: Record<string, unknown>): unknown[][];
	all(placeholders?: Record<string, unknown>): unknown;
};

/**
 * drizzle maps every cell of every row through generic checks (the field's class, its path in the result),
 * a large share of a small query's CPU (some 13% of the report form's): a prepared SQLite select of flat
 * fields maps its rows with the decoders looked up once. (Nested selections and PostgreSQL keep drizzle's
 * own mapping.)
 */
function withRowMapper<Q>(q: Q): Q {
	const p = q as SqlitePreparedQuery;
	if (!p || !p.stmt || !p.fields || p.customResultMapper || p.fields.some((f) => f.path.length !== 1))
		return q;
	const names = p.fields.map((f) => f.path[0]!);
	const decoders = p.fields.map(({ field }) =>
		'mapFromDriverValue' in field
			? field
			: 'decoder' in field
				? field.decoder
				: '_' in field
					? field._.sql.decoder
					: field.sql.decoder
	);
	p.all = (placeholders) =>
		p.values(placeholders).map((row) => {
			const out: Record<string, unknown> = {};
			for (let i = 0; i < names.length; i++) {
				const value = row[i];
				out[names[i]!] = value === null ? null : decoders[i]!.mapFromDriverValue(value);
			}
			return out;
		});
	return q;
}

/** `siblingWriters`: other web processes write to the file as busily as this one (yieldToSiblings). */
export type ConnectOptions = { siblingWriters?: boolean };

/** Opens (creating if needed) the SQLite file with the pragmas the design asks for, and migrates it. */
export function openDb(file: string, options: ConnectOptions = {}) {
	mkdirSync(dirname(file), { recursive: true });
	const db = connect(file, options);
	migrate(writerOf(db), { migrationsFolder });
	return db;
}

/**
 * A database on a migrated file: the read connection (`query_only`, WAL: it never sees a transaction
 * in progress), with its write connection registered behind it. A write outside `withTransaction` fails
 * ("attempt to write a readonly database") instead of slipping into another request's transaction.
 */
export function connect(file: string, { siblingWriters = false }: ConnectOptions = {}) {
	const read = open(file);
	read.$client.pragma('query_only = ON');
	writers.set(read, {
		file,
		db: null,
		turn: Promise.resolve(),
		waiting: 0,
		group: null,
		nextFlush: null,
		lastFlush: Promise.resolve(),
		yields: siblingWriters,
		seenVersion: -1,
		ownStreak: 0
	});
	return read;
}

function writer(db: Db): Writer {
	const w = writers.get(db);
	if (!w) throw new Error('not a database opened by openDb/connect');
	return w;
}

/** The write connection behind a database (opened now if needed): for migrations and tests' raw writes. */
export function writerOf(db: Db): Connection {
	const w = writer(db);
	if (!w.db) {
		w.db = open(w.file);
		writeConnections.add(w.db);
	}
	return w.db;
}

/** Closes both connections of a database. */
export function closeDb(db: Connection) {
	const w = writers.get(db);
	w?.db?.$client.close();
	db.$client.close();
}

/**
 * Where a database is, for a worker thread to connect its own (db/open.ts connectDatabase): the
 * PostgreSQL URL, else the SQLite file.
 */
export const addressOf = (db: Db) =>
	postgres.get(db) ?? (db as unknown as { $client: Database.Database }).$client.name;

/** The SQLite transaction (its memo, see transactionMemo) the current async call chain runs in. */
const inside = new AsyncLocalStorage<Map<unknown, unknown>>();
/** PostgreSQL transactions' memos (see transactionMemo). */
const pgMemos = new WeakMap<object, Map<unknown, unknown>>();

/**
 * What a transaction keeps for its own duration, by key (settings, read once a transaction instead of once
 * a service call), or null outside one. A transaction sees what it wrote, and on SQLite no other writer
 * changes anything meanwhile; so a value kept here stays right as long as the transaction's own writes of it
 * drop it (putSetting). On PostgreSQL a concurrent commit is seen as of the transaction's first read.
 */
export function transactionMemo(db: Db): Map<unknown, unknown> | null {
	if (pgTransactions.has(db)) {
		let memo = pgMemos.get(db);
		if (!memo) pgMemos.set(db, (memo = new Map()));
		return memo;
	}
	return (writeConnections.has(db) && inside.getStore()) || null;
}

/**
 * Waits for the write connection's turn; resolves with the release. The turn begins on a later pass of
 * the event loop (setImmediate): handed on as a bare promise, the whole line of waiting transactions ran
 * back to back in one pass, and a request that arrived meanwhile (a dashboard read) waited for all of them.
 */
function takeTurn(w: Writer): Promise<() => void> {
	let release!: () => void;
	const done = new Promise<void>((resolve) => (release = resolve));
	const before = w.turn;
	w.turn = before.then(() => done);
	return before.then(() => new Promise<() => void>((resolve) => setImmediate(() => resolve(release))));
}

/**
 * Transactions that ran back to back on the write connection, committed together: each ran in a savepoint
 * of one SQLite transaction, and none is answered before the commit (`done`) that makes them all durable.
 */
type Group = { size: number; done: Promise<void>; settle: (err?: unknown) => void };

/** At most this many transactions share one commit: the file's write lock is not held longer. */
const GROUP_MAX = 16;

function newGroup(): Group {
	let settle!: Group['settle'];
	const done = new Promise<void>((resolve, reject) => (settle = (err) => (err ? reject(err) : resolve())));
	// A group that failed is answered through each member's own await (no unhandled rejection here).
	done.catch(() => {});
	return { size: 0, done, settle };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The longest pause between tries for another process's write lock (beginImmediate): within a YIELD_MS. */
const RETRY_PAUSE_MAX_MS = 4;
/** Groups in a row with no other connection's commit between, after which a process yields (see below). */
const YIELD_AFTER_GROUPS = 2;
/** How long it leaves the lock free then: a sibling that waits for it retries within this. */
const YIELD_MS = 5;

/**
 * Fair turns between sibling web processes: one whose transactions queue back to back would take the
 * write lock again the moment it committed, while the other retries on a timer and seldom finds it free;
 * that one's users waited seconds (bench:load's think-time phase: p95 at 3,000 users 3.3–7.2 s against
 * 0.8–2.1 s with this). After YIELD_AFTER_GROUPS groups in a row with no other connection's commit in
 * between (`PRAGMA data_version`, noteStreak), a process leaves the lock free for YIELD_MS before its
 * next; the one after it counts as the first of the next run. With no sibling writing, a process yields
 * before every other group from the fourth: 5 ms each.
 */
async function yieldToSiblings(w: Writer, client: Database.Database) {
	if (!w.yields || w.ownStreak < YIELD_AFTER_GROUPS) return;
	w.ownStreak = 0;
	// Another connection has committed since this one's last group: it had its turn already.
	if (dataVersion(client) !== w.seenVersion) return;
	await sleep(YIELD_MS);
}

const dataVersion = (client: Database.Database) => client.pragma('data_version', { simple: true }) as number;

/** After taking the lock: one more group in a row if no other connection committed since the last. */
function noteStreak(w: Writer, client: Database.Database) {
	if (!w.yields) return;
	const version = dataVersion(client);
	w.ownStreak = version === w.seenVersion ? w.ownStreak + 1 : 0;
	w.seenVersion = version;
}

/**
 * Takes the file's write lock (BEGIN IMMEDIATE), waiting for another process's without blocking this
 * one: SQLite's own busy handler would sleep on the event loop, and the process would neither accept
 * connections nor answer reads meanwhile. Gives up with SQLITE_BUSY after BUSY_TIMEOUT_MS.
 */
async function beginImmediate(client: Database.Database) {
	const started = performance.now();
	for (let pause = 1; ; pause = Math.min(pause * 2, RETRY_PAUSE_MAX_MS)) {
		client.exec('PRAGMA busy_timeout = 0');
		try {
			client.exec('BEGIN IMMEDIATE');
			return;
		} catch (err) {
			if ((err as { code?: string }).code !== 'SQLITE_BUSY' || performance.now() - started > BUSY_TIMEOUT_MS)
				throw err;
		} finally {
			client.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
		}
		await sleep(pause);
	}
}

/**
 * Runs `fn` in one write transaction and hands it a ctx whose `db` is the transaction: committed when
 * `fn` resolves, rolled back when it throws. Transactions take turns on the one write connection (an
 * `await` inside never lets another request's statements in); reads outside go through the read
 * connection and see only committed work. Called inside a transaction, it joins that one.
 *
 * Commits are grouped: each is made durable by an fsync (flushWal; about 7 ms on this shared disk under
 * load), which would cap all writers together at some 150 a second. A transaction that ends while others
 * wait in line leaves the SQLite transaction open for them (each runs in its own savepoint, so a failing
 * one undoes only its own work), and the last in line, or the GROUP_MAX-th, commits for all. Each caller
 * resolves only once its work is on disk, so durability is that of one commit each.
 */
export async function withTransaction<C extends { db: Db }, T>(
	ctx: C,
	fn: (tx: C) => Promise<T>
): Promise<T> {
	if (writeConnections.has(ctx.db) || pgTransactions.has(ctx.db)) return fn(ctx);
	// PostgreSQL: a pooled connection of its own per transaction (BEGIN … COMMIT, ROLLBACK on a throw,
	// released after), so transactions of this and other instances run side by side; reads outside one go
	// to the pool and see committed work only. Each invariant that SQLite's single writer kept takes its
	// own lock (lockCounter, the audit head row, unique indexes).
	if (postgres.has(ctx.db))
		return (ctx.db as unknown as PgLike).transaction(
			(tx) => {
				pgTransactions.add(tx);
				return fn({ ...ctx, db: tx as unknown as Db });
			},
			{ accessMode: 'read write' }
		);
	const w = writer(ctx.db);
	w.waiting++;
	const release = await takeTurn(w);
	w.waiting--;
	let group: Group | null = null;
	let result!: T;
	let failure: { err: unknown } | null = null;
	const db = writerOf(ctx.db);
	const client = db.$client;
	try {
		if (!w.group) {
			// The write lock is taken at the start: a deferred transaction that has read cannot wait for
			// another process's (SQLITE_BUSY_SNAPSHOT once the other commits).
			await yieldToSiblings(w, client);
			await beginImmediate(client);
			w.group = newGroup();
			noteStreak(w, client);
		}
		group = w.group;
		group.size++;
		client.exec('SAVEPOINT tx');
		try {
			result = await inside.run(new Map(), () => fn({ ...ctx, db }));
			client.exec('RELEASE tx');
		} catch (err) {
			failure = { err };
			if (client.inTransaction) client.exec('ROLLBACK TO tx; RELEASE tx');
			// SQLite rolled the whole transaction back (disk full, I/O error): the group's work is gone.
			else endGroup(w, group, err);
		}
		if (w.group === group && (!w.waiting || group.size >= GROUP_MAX)) {
			try {
				client.exec('COMMIT');
				const committed = group;
				w.group = null;
				flushWal(w).then(() => committed.settle(), committed.settle);
			} catch (err) {
				if (client.inTransaction) client.exec('ROLLBACK');
				endGroup(w, group, err);
			}
		}
	} catch (err) {
		// BEGIN failed (the lock not had in time), or the savepoint or rollback did: nothing of the group stays.
		if (group) {
			if (client.inTransaction) client.exec('ROLLBACK');
			endGroup(w, group, err);
		}
		throw err;
	} finally {
		release();
	}
	if (failure) throw failure.err;
	await group.done;
	return result;
}

/**
 * Makes the commits made so far durable: an fsync of the WAL file on the thread pool, after the write lock
 * is released, so the next transactions (of this process or another) write meanwhile. Flushes do not
 * overlap; commits made while one runs share the next. Until it is done the commit is visible to readers
 * but nobody is told it is saved; a transaction that builds on it is answered after a later flush, which
 * covers it too (one file, written in order).
 */
function flushWal(w: Writer): Promise<void> {
	if (w.nextFlush) return w.nextFlush;
	const flush = w.lastFlush.then(async () => {
		w.nextFlush = null;
		const wal = await openFile(`${w.file}-wal`, 'r').catch((err: { code?: string }) => {
			// Gone: the last connection to the file closed, which checkpointed it into the synced database.
			if (err.code === 'ENOENT') return null;
			throw err;
		});
		try {
			await wal?.sync();
		} finally {
			await wal?.close();
		}
	});
	w.nextFlush = flush;
	w.lastFlush = flush.catch(() => {});
	return flush;
}

function endGroup(w: Writer, group: Group, err?: unknown) {
	if (w.group === group) w.group = null;
	group.settle(err);
}

/**
 * Rows of a raw SQL query (raw SQL only where the query builder cannot say it). Standard SQL only, and
 * camelCase aliases in double quotes (`as "dueOn"`): PostgreSQL folds unquoted names to lower case.
 */
export async function query<T>(db: Db, statement: SQL): Promise<T[]> {
	if (isPostgres(db)) return (await (db as unknown as PgLike).execute(statement)).rows as T[];
	return db.all<T>(statement);
}

/** Runs a raw SQL statement that returns no rows. */
export async function execute(db: Db, statement: SQL): Promise<void> {
	if (isPostgres(db)) await (db as unknown as PgLike).execute(statement);
	else db.run(statement);
}

/**
 * The values of a group joined by `separator`, in no particular order: SQLite's group_concat,
 * PostgreSQL's string_agg (neither is standard SQL; the one aggregate that needs the dialect).
 */
export const joinedText = (db: Db, value: SQL | SQLiteColumn, separator: string) =>
	isPostgres(db) ? sql`string_agg(${value}, ${separator})` : sql`group_concat(${value}, ${separator})`;

/**
 * `column in` a list of ids bound as one value, their JSON array (`JSON.stringify(ids)`): a prepared
 * statement keeps one shape whatever the list's length (SQLite's json_each, PostgreSQL's jsonb).
 */
export const inJsonIds = (db: Db, column: SQL | SQLiteColumn, ids: unknown) =>
	isPostgres(db)
		? sql`${column} in (select jsonb_array_elements_text(${ids}::jsonb)::integer)`
		: sql`${column} in (select value from json_each(${ids}))`;

/** How many rows an insert/update/delete without `returning()` touched, on either database. */
export const rowsAffected = (result: Database.RunResult): number =>
	(result as Partial<Database.RunResult>).changes ?? (result as unknown as { rowCount: number }).rowCount;

/**
 * Takes a named lock until the transaction ends, for work that reads and then writes what a concurrent
 * transaction may write too: numbers allocated as `max(seq) + 1` (keyed by kind and year), the lights a
 * write brings up to date. SQLite's one writer already serialises it; on PostgreSQL two transactions (of
 * two instances) would read the same state, so they queue on an advisory lock.
 */
export async function takeLock(tx: Db, name: string, key = 0) {
	if (isPostgres(tx)) await execute(tx, sql`select pg_advisory_xact_lock(hashtext(${name}), ${key})`);
}

/**
 * Whether `err` is a unique-constraint violation: on PostgreSQL of the index named; SQLite's message
 * names the columns, not the index, so there any unique violation counts.
 */
export function isUniqueViolation(err: unknown, index: string): boolean {
	const e = ((err as { cause?: unknown } | null)?.cause ?? err) as {
		code?: string;
		constraint?: string;
	} | null;
	return (e?.code === '23505' && e.constraint === index) || e?.code === 'SQLITE_CONSTRAINT_UNIQUE';
}

export { schema };
