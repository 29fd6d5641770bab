import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { check, foreignKey, integer, sqliteTable, text, unique, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, openDb, writerOf } from '../client.ts';
import { PG_SCHEMA_FILE, renderPgSchema } from './generate-schema.ts';
import { migratedPgDatabase } from '../../test/support/pg.ts';
import type { PgDb } from './client.ts';

let pg: Awaited<ReturnType<typeof migratedPgDatabase>>;
beforeAll(async () => {
	pg = await migratedPgDatabase('schema');
});
afterAll(() => pg?.drop());

type ColumnRow = { table: string; column: string; notnull: boolean };

async function pgColumns(db: PgDb) {
	const { rows } = await db.$client.query<ColumnRow>(
		`select table_name as table, column_name as column, is_nullable = 'NO' as notnull
		 from information_schema.columns where table_schema = 'public' order by table_name, column_name`
	);
	return rows;
}

function sqliteColumns() {
	// In memory the migrated database is the write connection's own (the read connection has another).
	const db = openDb(':memory:');
	const sqlite = writerOf(db).$client;
	const tables = sqlite
		.prepare(
			`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '__drizzle%' order by name`
		)
		.all() as { name: string }[];
	const rows = tables.flatMap(({ name }) =>
		(
			sqlite.prepare(`select name, "notnull", pk from pragma_table_info(?)`).all(name) as {
				name: string;
				notnull: number;
				pk: number;
			}[]
		).map((c) => ({ table: name, column: c.name, notnull: c.notnull === 1 || c.pk > 0 }))
	);
	closeDb(db);
	return rows.sort((a, b) => a.table.localeCompare(b.table) || a.column.localeCompare(b.column));
}

describe('the PostgreSQL schema follows the SQLite one', () => {
	it('db/pg/schema.ts is what the generator writes from db/schema (run `npm run db:generate`)', async () => {
		expect(readFileSync(PG_SCHEMA_FILE, 'utf8')).toBe(await renderPgSchema());
	});

	it('maps what other tables may declare: table-level unique, checks, two-column references, plain SQL defaults', async () => {
		const notice = sqliteTable(
			'notice',
			{
				id: integer('id').primaryKey({ autoIncrement: true }),
				year: integer('year').notNull(),
				seq: integer('seq')
					.notNull()
					.default(sql`(0)`),
				pending: integer('pending', { mode: 'boolean' }).notNull().default(true)
			},
			(t) => [
				unique('notice_year_seq_uq').on(t.year, t.seq),
				check('notice_seq_positive', sql`${t.seq} >= 0`),
				uniqueIndex('notice_pending_uq')
					.on(t.year)
					.where(sql`${t.pending} = 1`)
			]
		);
		const answer = sqliteTable(
			'answer',
			{
				year: integer('year').notNull(),
				seq: integer('seq').notNull(),
				body: text('body', { mode: 'json' })
			},
			(t) => [
				foreignKey({ columns: [t.year, t.seq], foreignColumns: [notice.year, notice.seq] }).onDelete(
					'cascade'
				)
			]
		);
		// Compared with its line breaks as single spaces.
		const code = (await renderPgSchema({ notice, answer }, './test-types.ts'))
			.replace(/\s+/g, ' ')
			.replaceAll(' .', '.')
			.replaceAll('( ', '(')
			.replaceAll(' )', ')');
		expect(code).toContain("unique('notice_year_seq_uq').on(t.year, t.seq)");
		expect(code).toContain("check('notice_seq_positive', sql`${t.seq} >= 0`)");
		expect(code).toContain('.where(sql`${t.pending} = true`)');
		expect(code).toContain("seq: integer('seq').notNull().default(sql`(0)`)");
		expect(code).toContain("pending: boolean('pending').notNull().default(true)");
		expect(code).toMatch(
			/foreignKey\(\{\s*name: 'answer_year_seq_notice_year_seq_fk',\s*columns: \[t\.year, t\.seq\],\s*foreignColumns: \[notice\.year, notice\.seq\]\s*\}\)\.onDelete\('cascade'\)/
		);
		expect(code).toContain("json('body').$type<(typeof sqlite.answer.$inferSelect)['body']>()");
		expect(code).toContain("import type * as sqlite from './test-types.ts';");
	});

	it('both dialects’ committed migrations make the same tables, columns and NOT NULLs', async () => {
		expect(await pgColumns(pg.db)).toEqual(sqliteColumns());
	});

	it('PostgreSQL keeps what SQLite’s triggers and seed rows give: append-only audit log, fixed account kind, holidays', async () => {
		const q = (text: string) => pg.db.$client.query(text);
		await q(`insert into audit_log (action, result, prev_hash, hash) values ('test', 'ok', 'p', 'h')`);
		await expect(q(`update audit_log set action = 'x'`)).rejects.toThrow(/append-only/);
		await expect(q(`delete from audit_log`)).rejects.toThrow(/append-only/);
		await expect(q(`truncate audit_log`)).rejects.toThrow(/append-only/);
		await q('begin');
		await q('insert into audit_archive_gate (id) values (1)');
		await q('delete from audit_log');
		await q('rollback');
		await q(
			`insert into "user" (username, name, role, kind, password_hash) values ('a', 'A', 'unit', 'business', 'x')`
		);
		await expect(q(`update "user" set role = 'admin' where username = 'a'`)).rejects.toThrow(/account kind/);
		await expect(
			q(`insert into "user" (username, name, role, password_hash) values ('b', 'B', 'auditor', 'x')`)
		).rejects.toThrow(/account kind/);
		const { rows } = await q(`select count(*) as n, min(day) as first from holiday`);
		expect(rows[0]).toEqual({ n: 320, first: '2018-01-01' });
		// Insert-time defaults are epoch milliseconds, as SQLite's.
		const at = (await q(`select at from audit_log`)).rows[0].at as number;
		expect(Math.abs(at - Date.now())).toBeLessThan(60_000);
	});
});
