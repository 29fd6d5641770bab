import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as schema from './schema/index.ts';

/** A database or a transaction on it: services accept either. */
export type Db = BaseSQLiteDatabase<'sync', Database.RunResult, typeof schema>;

const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

/** How long a writer waits for another connection's write lock before SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 60_000;

/** Opens (creating if needed) the SQLite file with the pragmas the design asks for, and migrates it. */
export function openDb(file: string) {
	if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
	const db = connect(file);
	migrate(db, { migrationsFolder });
	return db;
}

/** A further connection to a migrated file (a worker thread's own): the same pragmas, no migration. */
export function connect(file: string) {
	const sqlite = new Database(file);
	sqlite.pragma('journal_mode = WAL');
	sqlite.pragma('foreign_keys = ON');
	sqlite.pragma('synchronous = FULL');
	// Another process's write transaction (a large import's, in a web process next to this one) holds the
	// file's one write lock for seconds: a writer here waits for it instead of failing.
	sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
	// Deleted rows (sessions, drafts) are overwritten, not left readable in free pages.
	sqlite.pragma('secure_delete = ON');
	reuseStatements(sqlite);
	const db = drizzle(sqlite, { schema });
	// Transactions take the write lock when they begin (BEGIN IMMEDIATE), waiting for it like any writer. A
	// deferred one that has read cannot wait: once another process commits, its write fails at once
	// (SQLITE_BUSY_SNAPSHOT). Pure reads need no transaction.
	const transaction = db.transaction.bind(db);
	db.transaction = (fn, config) => transaction(fn, { behavior: 'immediate', ...config });
	return db;
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

/** The file a connection (not a transaction) is open on, for a worker thread to open its own. */
export const fileOf = (db: Db) => (db as unknown as { $client: Database.Database }).$client.name;

export { schema };
