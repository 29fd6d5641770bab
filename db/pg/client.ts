import pg from 'pg';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { fileURLToPath } from 'node:url';
import * as schema from './schema.ts';

// bigint (epoch milliseconds, count(*)) and numeric (avg, sum of reals) come back as numbers, as SQLite
// gives them: every value the application keeps in them is far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, Number);
pg.types.setTypeParser(pg.types.builtins.NUMERIC, Number);

export type PgDb = NodePgDatabase<typeof schema> & { $client: pg.Pool };

export const pgMigrationsFolder = fileURLToPath(new URL('../migrations-pg', import.meta.url));

/** Several instances may start at once: one migrates while the others wait on this advisory lock. */
const MIGRATION_LOCK = 0x647562616e; // "duban"

/** A connection pool on the database at `url` (postgres://…), without migrating. */
export function connectPg(url: string, opts: { max?: number } = {}): PgDb {
	const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 10 });
	// An idle connection the server dropped (restart, failover) is discarded, not a crash.
	pool.on('error', () => {});
	return drizzle(pool, { schema });
}

/** Opens a pool on `url` and brings the database up to the committed PostgreSQL migrations. */
export async function openPg(url: string, opts: { max?: number } = {}): Promise<PgDb> {
	const db = connectPg(url, opts);
	const client = await db.$client.connect();
	try {
		await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
		await migrate(drizzle(client, { schema }), { migrationsFolder: pgMigrationsFolder });
	} finally {
		await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
		client.release();
	}
	return db;
}

export { schema as pgSchema };
