import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SQL } from 'drizzle-orm';
import { execute, withTransaction, type Db } from '../../db/client.ts';
import { openDatabase, type OpenDatabase } from '../../db/open.ts';
import { createPgDatabase } from './pg.ts';

/**
 * The database the tests run on: PostgreSQL when DUBAN_TEST_DB=postgres (the `node-pg` project of
 * vitest.config.ts), else SQLite.
 */
export const testDialect: OpenDatabase['dialect'] =
	process.env.DUBAN_TEST_DB === 'postgres' ? 'postgres' : 'sqlite';

/**
 * A fresh, migrated database in `dataDir` (SQLite) or, on PostgreSQL, a database of its own on the test
 * server (test/support/pg.ts); `close` ends the connections and drops the PostgreSQL database.
 */
export async function testDatabase(dataDir: string, label: string) {
	const pg = testDialect === 'postgres' ? await createPgDatabase(label) : null;
	const target = { databaseUrl: pg?.url, dbFile: join(dataDir, 'duban.db') };
	const open = await openDatabase(target);
	return {
		...open,
		/** The environment a server (or CLI) on this database needs besides DATA_DIR. */
		env: pg ? { DATABASE_URL: pg.url } : ({} as Record<string, string>),
		async close() {
			await open.close();
			await pg?.drop();
		}
	};
}

/** A fresh, migrated database for a test that works on the data layer itself; `close` removes it. */
export async function freshDb() {
	const dir = mkdtempSync(join(tmpdir(), 'duban-db-'));
	const database = await testDatabase(dir, 'fresh');
	return {
		db: database.db,
		dialect: database.dialect,
		async close() {
			await database.close();
			rmSync(dir, { recursive: true, force: true });
		}
	};
}

/** Runs a raw statement in a transaction of its own: a test's write behind the services' back. */
export const rawWrite = (db: Db, statement: SQL) =>
	withTransaction({ db }, ({ db: tx }) => execute(tx, statement));

/**
 * The database's own message of the failure `run` ends in (drizzle wraps PostgreSQL's errors in "Failed
 * query: …" with the server's error as the cause); throws when `run` succeeds.
 */
export async function failureOf(run: Promise<unknown>): Promise<string> {
	try {
		await run;
	} catch (err) {
		return ((err as { cause?: Error }).cause ?? (err as Error)).message;
	}
	throw new Error('expected the statement to fail');
}
