import pg from 'pg';
import { openPg, type PgDb } from '../../db/pg/client.ts';

/** The server the tests use: PG_TEST_URL (scripts/node-env.sh ensure_postgres), else the local one. */
export const PG_SERVER_URL = process.env.PG_TEST_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

let made = 0;

/** `server` (a URL of any database on it) with the database `name` instead. */
const withDatabase = (name: string, server = PG_SERVER_URL) => {
	const url = new URL(server);
	url.pathname = `/${name}`;
	return url.toString();
};

async function admin<T>(run: (client: pg.Client) => Promise<T>, server = PG_SERVER_URL): Promise<T> {
	const client = new pg.Client({ connectionString: server });
	await client.connect();
	try {
		return await run(client);
	} finally {
		await client.end();
	}
}

/**
 * A new, empty database for one test file (named after the file's label, the process and a counter, so
 * files running at once never share one); `drop()` removes it, ending any connection still open on it.
 */
export async function createPgDatabase(label: string) {
	const prefix = process.env.PG_TEST_PREFIX ?? 'duban_test';
	const name = `${prefix}_${label}_${process.pid}_${++made}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
	await admin((c) => c.query(`create database "${name}"`));
	return {
		name,
		url: withDatabase(name),
		drop: () => admin((c) => c.query(`drop database if exists "${name}" with (force)`))
	};
}

/**
 * Drops the database at `url` (ending its connections) and creates it again, empty: the benchmarks'
 * DATABASE_URL, given anew to each of their measurements. Works through the server's `postgres` database.
 */
export async function recreatePgDatabase(url: string) {
	const name = decodeURIComponent(new URL(url).pathname.slice(1));
	if (!name) throw new Error(`no database named in ${url}`);
	const quoted = `"${name.replaceAll('"', '""')}"`;
	await admin(
		async (c) => {
			await c.query(`drop database if exists ${quoted} with (force)`);
			await c.query(`create database ${quoted}`);
		},
		withDatabase('postgres', url)
	);
}

/** A fresh database with the committed PostgreSQL migrations applied, and a pool on it. */
export async function migratedPgDatabase(
	label: string
): Promise<{ db: PgDb; url: string; drop(): Promise<void> }> {
	const database = await createPgDatabase(label);
	const db = await openPg(database.url);
	return {
		db,
		url: database.url,
		drop: async () => {
			await db.$client.end();
			await database.drop();
		}
	};
}
