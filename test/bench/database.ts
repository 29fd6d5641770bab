// The database the benchmarks measure: DATABASE_URL=postgres://… selects PostgreSQL (that database is
// dropped and created again for each measurement that needs a fresh one), else SQLite in a data folder.
import Database from 'better-sqlite3';
import pg from 'pg';
import { recreatePgDatabase } from '../support/pg.ts';

export const BENCH_DATABASE_URL = process.env.DATABASE_URL || undefined;
export const benchDialect: 'sqlite' | 'postgres' = BENCH_DATABASE_URL ? 'postgres' : 'sqlite';

/** What loadConfig needs besides DATA_DIR to open the bench's database (nothing on SQLite). */
export const benchDatabaseEnv = (): Record<string, string> =>
	BENCH_DATABASE_URL ? { DATABASE_URL: BENCH_DATABASE_URL } : {};

/** Empties the bench's PostgreSQL database (drop, create); a new data folder is SQLite's fresh database. */
export async function freshBenchDatabase() {
	if (BENCH_DATABASE_URL) await recreatePgDatabase(BENCH_DATABASE_URL);
}

/** Parameters by name (`:day`) or by position (`?`), as better-sqlite3 takes them. */
type Params = unknown[] | [Record<string, unknown>];

/**
 * Hand-written SQL against the database the server under measurement uses (the SQLite file in `dataDir`,
 * or the bench's PostgreSQL database), each statement prepared once: the bare queries the endpoints are
 * compared with. On PostgreSQL `:name` and `?` become `$n` (a named, server-side prepared statement).
 */
export async function openBareSql(dataDir: string) {
	if (!BENCH_DATABASE_URL) {
		const db = new Database(`${dataDir}/duban.db`, { readonly: true });
		return {
			prepare(text: string) {
				const statement = db.prepare(text);
				return async (...params: Params) => statement.all(...params);
			},
			close: async () => db.close()
		};
	}
	const client = new pg.Client({ connectionString: BENCH_DATABASE_URL });
	await client.connect();
	let prepared = 0;
	return {
		prepare(text: string) {
			const names: string[] = [];
			let positional = 0;
			const converted = text.replace(/(?<!:):([a-z_]\w*)|\?/gi, (match, name?: string) => {
				if (!name) return `$${++positional}`;
				if (!names.includes(name)) names.push(name);
				return `$${names.indexOf(name) + 1}`;
			});
			const statement = `bench_${++prepared}`;
			return async (...params: Params) => {
				const values = names.length
					? names.map((n) => (params[0] as Record<string, unknown>)[n])
					: (params as unknown[]);
				return (await client.query({ name: statement, text: converted, values })).rows;
			};
		},
		close: () => client.end()
	};
}
