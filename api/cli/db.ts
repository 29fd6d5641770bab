import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type pg from 'pg';
import { loadConfig } from '../config.ts';
import Database from 'better-sqlite3';
import { connectPg, openPg } from '../../db/pg/client.ts';
import { auditChainWalker, type AuditChainRow, type ChainCheck } from '../lib/audit-chain.ts';
import { UsageError } from './context.ts';

/** Exit code of a copy refused because the target already holds data. */
export const NOT_EMPTY_EXIT = 3;

/** Seeded by the migrations themselves (the holiday calendar): replaced by the source's rows. */
const SEEDED_TABLES = new Set(['holiday', 'audit_head']);

/** PostgreSQL takes at most 65,535 parameters per statement. */
const MAX_PARAMS = 60_000;
const MAX_ROWS = 1_000;

type Column = { name: string; type: string };
type Table = { name: string; columns: Column[]; serial: string | null; dependsOn: string[] };

const q = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** duban db copy --to postgres://… */
export async function dbCommand(args: string[]) {
	const [sub, ...rest] = args;
	if (sub !== 'copy') throw new UsageError('用法：duban db copy --to postgres://用户:密码@主机:端口/数据库');
	const { values } = parseArgs({ args: rest, options: { to: { type: 'string' } } });
	if (!values.to || !/^postgres(ql)?:\/\//.test(values.to))
		throw new UsageError('需要 --to postgres://用户:密码@主机:端口/数据库（一个空的 PostgreSQL 数据库）');
	const config = loadConfig();
	if (!existsSync(config.dbFile)) throw new UsageError(`数据目录中没有数据库：${config.dbFile}`);
	const started = performance.now();
	const result = await copyToPostgres(config.dbFile, values.to);
	if ('refused' in result) {
		console.error(result.refused);
		process.exitCode = NOT_EMPTY_EXIT;
		return;
	}
	const rows = Object.values(result.counts).reduce((a, b) => a + b, 0);
	for (const [table, n] of Object.entries(result.counts)) console.log(`  ${table.padEnd(24)} ${n}`);
	console.log(
		`已复制 ${Object.keys(result.counts).length} 张表、${rows} 行到 PostgreSQL，各表行数与源库一致；审计日志哈希链完整（${result.audit.rows} 行）。用时 ${((performance.now() - started) / 1000).toFixed(1)} 秒`
	);
	console.log('下一步：设置 DATABASE_URL 为该数据库后启动（见 README「迁移到 PostgreSQL」）。');
}

export type CopyResult =
	{ refused: string } | { refused?: undefined; counts: Record<string, number>; audit: ChainCheck };

/**
 * Copies the SQLite database `file` into the empty PostgreSQL database at `url` in one transaction:
 * tables in foreign-key order, batched inserts, serial sequences set past the largest id; then compares
 * every table's row count and verifies the audit hash chain on PostgreSQL before committing.
 */
export async function copyToPostgres(file: string, url: string): Promise<CopyResult> {
	// Read only: the source stays exactly as it was, the way back.
	const sqlite = new Database(file, { readonly: true, fileMustExist: true });
	const target = await openPgIfEmpty(url);
	if ('refused' in target) {
		sqlite.close();
		return target;
	}
	const client = await target.pool.connect();
	try {
		const tables = inForeignKeyOrder(await describe(client));
		const counts: Record<string, number> = {};
		await client.query('begin');
		for (const name of SEEDED_TABLES) await client.query(`delete from ${q(name)}`);
		for (const table of tables) counts[table.name] = await copyTable(sqlite, client, table);
		for (const table of tables) {
			const { rows } = await client.query<{ n: number }>(`select count(*) as n from ${q(table.name)}`);
			const { n } = sqlite.prepare(`select count(*) as n from ${q(table.name)}`).get() as { n: number };
			if (rows[0]!.n !== n || counts[table.name] !== n)
				throw new Error(`${table.name}：PostgreSQL 中 ${rows[0]!.n} 行，源库 ${n} 行`);
		}
		const audit = await verifyPgAuditChain(client);
		if (!audit.ok)
			throw new Error(
				`复制后的审计日志哈希链断裂：id=${audit.firstBroken!.id}，${audit.firstBroken!.reason}`
			);
		await client.query('commit');
		return { counts, audit };
	} catch (err) {
		await client.query('rollback').catch(() => {});
		throw err;
	} finally {
		client.release();
		await target.pool.end();
		sqlite.close();
	}
}

/** Refuses a database that holds anything but what the migrations seed; migrates an empty one. */
async function openPgIfEmpty(url: string): Promise<{ refused: string } | { pool: pg.Pool }> {
	const probe = connectPg(url, { max: 1 }).$client;
	try {
		const { rows } = await probe.query<{ name: string }>(
			`select table_name as name from information_schema.tables
			 where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`
		);
		for (const { name } of rows) {
			if (SEEDED_TABLES.has(name)) continue;
			const { rows: any } = await probe.query(`select 1 from ${q(name)} limit 1`);
			if (any.length)
				return {
					refused: `目标数据库不是空的（表 ${name} 中已有数据）：duban db copy 只复制到空的 PostgreSQL 数据库，不合并、不覆盖。请新建一个空库（createdb）再复制。`
				};
		}
	} finally {
		await probe.end();
	}
	return { pool: (await openPg(url, { max: 1 })).$client };
}

/** The tables of the migrated PostgreSQL database: columns in order, serial key, referenced tables. */
async function describe(client: pg.PoolClient): Promise<Table[]> {
	const { rows: columns } = await client.query<{
		table: string;
		name: string;
		type: string;
		serial: boolean;
	}>(
		`select table_name as table, column_name as name, data_type as type,
			coalesce(column_default like 'nextval(%', false) as serial
		 from information_schema.columns where table_schema = 'public' order by table_name, ordinal_position`
	);
	const { rows: refs } = await client.query<{ table: string; references: string }>(
		`select c.conrelid::regclass::text as table, c.confrelid::regclass::text as references
		 from pg_constraint c join pg_namespace n on n.oid = c.connamespace
		 where c.contype = 'f' and n.nspname = 'public'`
	);
	const unquote = (name: string) => name.replace(/^"(.*)"$/, '$1');
	const tables = new Map<string, Table>();
	for (const c of columns) {
		const table = tables.get(c.table) ?? { name: c.table, columns: [], serial: null, dependsOn: [] };
		table.columns.push({ name: c.name, type: c.type });
		if (c.serial) table.serial = c.name;
		tables.set(c.table, table);
	}
	for (const r of refs) {
		const from = unquote(r.table);
		const to = unquote(r.references);
		if (from !== to) tables.get(from)!.dependsOn.push(to);
	}
	return [...tables.values()];
}

/** Referenced tables before the tables referring to them (a table's own parent rows come first by id). */
function inForeignKeyOrder(tables: Table[]): Table[] {
	const byName = new Map(tables.map((t) => [t.name, t]));
	const ordered: Table[] = [];
	const placed = new Set<string>();
	const visit = (t: Table, path: Set<string>) => {
		if (placed.has(t.name)) return;
		if (path.has(t.name)) throw new Error(`外键成环：${[...path, t.name].join(' → ')}`);
		path.add(t.name);
		for (const dep of t.dependsOn) visit(byName.get(dep)!, path);
		path.delete(t.name);
		placed.add(t.name);
		ordered.push(t);
	};
	for (const t of tables) visit(t, new Set());
	return ordered;
}

async function copyTable(sqlite: Database.Database, client: pg.PoolClient, table: Table) {
	const source = new Set(
		(sqlite.prepare(`select name from pragma_table_info(?)`).all(table.name) as { name: string }[]).map(
			(c) => c.name
		)
	);
	const missing = table.columns.filter((c) => !source.has(c.name)).map((c) => c.name);
	if (missing.length || source.size !== table.columns.length)
		throw new Error(
			`${table.name}：两边的列不一致（${missing.join('、') || '源库多出列'}），先在源数据目录运行 duban init（迁移到本版本）再复制`
		);
	const names = table.columns.map((c) => q(c.name)).join(', ');
	const booleans = table.columns.map((c) => c.type === 'boolean');
	const perBatch = Math.max(1, Math.min(MAX_ROWS, Math.floor(MAX_PARAMS / table.columns.length)));
	const order = table.columns.some((c) => c.name === 'id') ? ' order by id' : '';
	const rows = sqlite
		.prepare(`select ${names} from ${q(table.name)}${order}`)
		.raw()
		.iterate() as Iterable<unknown[]>;
	let batch: unknown[][] = [];
	let copied = 0;
	const flush = async () => {
		if (!batch.length) return;
		const width = table.columns.length;
		const tuples = batch.map(
			(_, r) => `(${table.columns.map((_, c) => `$${r * width + c + 1}`).join(', ')})`
		);
		const params = batch.flatMap((row) => row.map((v, c) => (booleans[c] && v !== null ? v === 1 : v)));
		await client.query(`insert into ${q(table.name)} (${names}) values ${tuples.join(', ')}`, params);
		copied += batch.length;
		batch = [];
	};
	for (const row of rows) {
		batch.push(row);
		if (batch.length === perBatch) await flush();
	}
	await flush();
	if (table.serial) {
		const key = q(table.serial);
		await client.query(
			`select setval(pg_get_serial_sequence($1, $2), coalesce((select max(${key}) from ${q(table.name)}), 0) + 1, false)`,
			[q(table.name), table.serial]
		);
	}
	return copied;
}

/** The audit hash chain as PostgreSQL holds it (before/after read back as the JSON text stored). */
export async function verifyPgAuditChain(client: pg.ClientBase): Promise<ChainCheck> {
	const walker = auditChainWalker();
	let lastId = 0;
	for (;;) {
		const { rows } = await client.query<AuditChainRow>(
			`select id, at, user_id, username, unit_id, action, object_type, object_id, result, ip,
				before::text as before, after::text as after, prev_hash, hash
			 from audit_log where id > $1 order by id limit 10000`,
			[lastId]
		);
		if (!rows.length) return walker.done();
		for (const r of rows) {
			const broken = walker.next(r);
			if (broken) return broken;
			lastId = r.id;
		}
	}
}
