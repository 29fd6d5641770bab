import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPgAuditChain, NOT_EMPTY_EXIT } from '../api/cli/db.ts';
import { createPgDatabase } from './support/pg.ts';

const bin = new URL('../bin/duban.mjs', import.meta.url).pathname;
let dataDir: string;
let target: Awaited<ReturnType<typeof createPgDatabase>>;

const duban = (args: string[], env: Record<string, string> = {}) =>
	spawnSync(process.execPath, [bin, ...args], {
		// A short demo history: reports, returns, notices and an audit trail, quickly.
		env: { ...process.env, DATA_DIR: dataDir, DUBAN_DEMO_DATE: '2020-04-20', ...env },
		encoding: 'utf8'
	});

beforeAll(async () => {
	dataDir = mkdtempSync(join(tmpdir(), 'duban-copy-'));
	target = await createPgDatabase('copy');
});
afterAll(async () => {
	rmSync(dataDir, { recursive: true, force: true });
	await target?.drop();
});

/** The plan as both sides hold it: every row of its tables by id, JSON as the text stored, booleans 0/1. */
const PLAN_TABLES = [
	'plan',
	'section',
	'task',
	'indicator',
	'indicator_target',
	'assignment',
	'pending_group',
	'unit',
	'unit_group',
	'unit_group_member',
	'user',
	'report',
	'urge_notice'
];

function sqliteRows(table: string) {
	const db = new Database(join(dataDir, 'duban.db'), { readonly: true });
	try {
		return db.prepare(`select * from "${table}" order by 1, 2`).all();
	} finally {
		db.close();
	}
}

async function pgRows(client: pg.Client, table: string) {
	const { rows } = await client.query(`select * from "${table}" order by 1, 2`);
	return rows.map((r) =>
		Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'boolean' ? Number(v) : v]))
	);
}

describe('duban db copy --to postgres://…', () => {
	it('copies the demo data folder into an empty database: the same plan, rows and verified audit chain', async () => {
		const init = duban(['init', '--demo']);
		expect(init.status, init.stderr).toBe(0);

		const copy = duban(['db', 'copy', '--to', target.url]);
		expect(copy.stderr).toBe('');
		expect(copy.status).toBe(0);
		expect(copy.stdout).toMatch(
			/已复制 \d+ 张表、\d+ 行到 PostgreSQL，各表行数与源库一致；审计日志哈希链完整（\d+ 行）。用时 [\d.]+ 秒/
		);

		// Served from the copy (DATABASE_URL), the services export the same plan as from the SQLite file.
		const exported = duban(['export', 'plan', '--format', 'json']);
		expect(exported.status, exported.stderr).toBe(0);
		const fromCopy = duban(['export', 'plan', '--format', 'json'], { DATABASE_URL: target.url });
		expect(fromCopy.status, fromCopy.stderr).toBe(0);
		expect(JSON.parse(fromCopy.stdout)).toEqual(JSON.parse(exported.stdout));

		// JSON columns as the text stored (the audit hash covers it), not parsed.
		const client = new pg.Client({
			connectionString: target.url,
			types: {
				getTypeParser: (oid, format) => (oid === 114 ? (v: string) => v : pg.types.getTypeParser(oid, format))
			}
		});
		await client.connect();
		try {
			const source = new Database(join(dataDir, 'duban.db'), { readonly: true });
			const tables = source
				.prepare(
					`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '__drizzle%'`
				)
				.all() as { name: string }[];
			for (const { name } of tables) {
				const { n } = source.prepare(`select count(*) as n from "${name}"`).get() as { n: number };
				const { rows } = await client.query(`select count(*) as n from "${name}"`);
				expect(rows[0].n, name).toBe(n);
			}
			source.close();
			for (const table of PLAN_TABLES) expect(await pgRows(client, table), table).toEqual(sqliteRows(table));
			expect((await pgRows(client, 'indicator')).length).toBe(80);

			const chain = await verifyPgAuditChain(client);
			expect(chain.ok).toBe(true);
			expect(chain.rows).toBeGreaterThan(10);

			// Sequences continue after the copied ids.
			const { rows: maxUnit } = await client.query(`select max(id) as id from unit`);
			const { rows: added } = await client.query(
				`insert into unit (name, kind) values ('复制后新增单位', 'other') returning id`
			);
			expect(added[0].id).toBe(maxUnit[0].id + 1);
		} finally {
			await client.end();
		}
	}, 240_000);

	it('refuses a database that already holds data, in Chinese, with its own exit code', () => {
		const again = duban(['db', 'copy', '--to', target.url]);
		expect(again.status).toBe(NOT_EMPTY_EXIT);
		expect(again.stderr).toContain('目标数据库不是空的');
		expect(again.stdout).toBe('');
	});

	it('asks for a postgres:// URL', () => {
		const res = duban(['db', 'copy', '--to', 'mysql://x']);
		expect(res.status).toBe(2);
		expect(res.stderr).toContain('需要 --to postgres://');
	});
});
