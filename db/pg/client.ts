import pg from 'pg';
import { getTableName, is, sql, Table, type SQL } from 'drizzle-orm';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { PgDialect, PgTable } from 'drizzle-orm/pg-core';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { fileURLToPath } from 'node:url';
import * as schema from './schema.ts';
import { registerPostgres, type Db } from '../client.ts';

// bigint (epoch milliseconds, count(*)) and numeric (avg, sum of reals) come back as numbers, as SQLite
// gives them: every value the application keeps in them is far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, Number);
pg.types.setTypeParser(pg.types.builtins.NUMERIC, Number);
// json comes back as the text stored, as SQLite's JSON columns give it: the services' tables (the SQLite
// ones, db/client.ts `Db`) parse it themselves, raw queries see the same text on both databases, and the
// audit hash covers exactly the text written (json, unlike jsonb, keeps it as it was).
pg.types.setTypeParser(pg.types.builtins.JSON, (text: string) => text);

export type PgDb = NodePgDatabase<typeof schema> & { $client: pg.Pool };

export const pgMigrationsFolder = fileURLToPath(new URL('../migrations-pg', import.meta.url));

/** Several instances may start at once: one migrates while the others wait on this advisory lock. */
const MIGRATION_LOCK = 0x647562616e; // "duban"

/**
 * A connection pool on the database at `url` (postgres://…), without migrating. `readOnly`: every
 * transaction is read-only unless begun `read write` (as withTransaction begins them), so a write outside
 * one fails instead of committing on its own, as on SQLite's read connection.
 */
export function connectPg(url: string, opts: { max?: number; readOnly?: boolean } = {}): PgDb {
	const pool = new pg.Pool({
		connectionString: url,
		max: opts.max ?? 10,
		...(opts.readOnly ? { options: '-c default_transaction_read_only=on' } : {})
	});
	// An idle connection the server dropped (restart, failover) is discarded, not a crash.
	pool.on('error', () => {});
	return drizzle(pool, { schema });
}

/** Brings the database up to the committed PostgreSQL migrations, then opens a pool on `url`. */
export async function openPg(url: string, opts: { max?: number; readOnly?: boolean } = {}): Promise<PgDb> {
	const client = new pg.Client({ connectionString: url });
	await client.connect();
	try {
		await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
		await migrate(drizzle(client, { schema }), { migrationsFolder: pgMigrationsFolder });
	} finally {
		await client.end();
	}
	return connectPg(url, opts);
}

/** A pool on `url` as the services' `Db` (see db/client.ts: one set of services on both databases). */
export function pgAsDb(db: PgDb, url: string): Db {
	joinAliasedTables((db as unknown as { dialect: PgDialect }).dialect);
	return registerPostgres(db, url);
}

type Join = { table: unknown };

/**
 * drizzle's PostgreSQL dialect names a joined table `"original" "alias"` only when it is a pgTable; an
 * aliased SQLite table (`alias(section, 'section2')` in the services) would be joined by its alias alone.
 * This database's dialect hands such a join over as that SQL, which it renders as it is.
 */
function joinAliasedTables(dialect: PgDialect) {
	const self = dialect as unknown as { buildJoins(joins: Join[] | undefined): SQL | undefined };
	const buildJoins = self.buildJoins.bind(dialect);
	self.buildJoins = (joins) =>
		buildJoins(
			joins?.map((join) => {
				const t = join.table as Record<symbol, unknown>;
				if (!is(join.table, Table) || is(join.table, PgTable) || !t[IS_ALIAS]) return join;
				return {
					...join,
					table: sql`${sql.identifier(t[ORIGINAL_NAME] as string)} ${sql.identifier(getTableName(join.table))}`
				};
			})
		);
}
/** drizzle's own keys of a table's alias flag and original name (drizzle-orm/table.js). */
const IS_ALIAS = Symbol.for('drizzle:IsAlias');
const ORIGINAL_NAME = Symbol.for('drizzle:OriginalName');

export { schema as pgSchema };
