import { createHash } from 'node:crypto';
import {
	copyFileSync,
	existsSync,
	mkdirSync,
	readdirSync,
	readFileSync,
	statSync,
	writeFileSync
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { loadConfig } from '../config.ts';
import { attachmentsDir } from '../services/attachments.ts';
import { UsageError } from './context.ts';

type Manifest = {
	createdAt: string;
	database: FileEntry;
	files: FileEntry[];
	tables: Record<string, number>;
};
type FileEntry = { path: string; size: number; sha256: string };

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const entry = (root: string, file: string): FileEntry => ({
	path: relative(root, file),
	size: statSync(file).size,
	sha256: sha256(file)
});

function walk(dir: string): string[] {
	if (!existsSync(dir)) return [];
	return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
		d.isDirectory() ? walk(join(dir, d.name)) : d.name.endsWith('.part') ? [] : [join(dir, d.name)]
	);
}

function integrity(file: string): { ok: boolean; tables: Record<string, number> } {
	const db = new Database(file, { readonly: true });
	const ok = (db.pragma('integrity_check', { simple: true }) as string) === 'ok';
	const names = db
		.prepare(
			`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '__drizzle%' order by name`
		)
		.all() as { name: string }[];
	const tables = Object.fromEntries(
		names.map(({ name }) => [
			name,
			(db.prepare(`select count(*) as n from "${name}"`).get() as { n: number }).n
		])
	);
	db.close();
	return { ok, tables };
}

/**
 * duban backup --out DIR: SQLite's online backup API (safe while the server writes), the attachment
 * files, and a manifest with checksums; the copy is integrity-checked.
 */
export async function backupCommand(args: string[]) {
	const { values } = parseArgs({ args, options: { out: { type: 'string' } } });
	if (!values.out) throw new UsageError('需要 --out DIR');
	const config = loadConfig();
	refusePostgres(config.databaseUrl);
	if (!existsSync(config.dbFile)) throw new UsageError(`数据目录中没有数据库：${config.dbFile}`);
	if (existsSync(values.out) && readdirSync(values.out).length)
		throw new UsageError(`备份目录不为空：${values.out}`);
	const started = performance.now();
	mkdirSync(values.out, { recursive: true });
	const source = new Database(config.dbFile, { fileMustExist: true });
	source.pragma('busy_timeout = 5000');
	const target = join(values.out, 'duban.db');
	await source.backup(target);
	source.close();
	// Files are copied after the database: every attachment row in the copy has its file.
	const files = walk(attachmentsDir(config.dataDir)).map((file) => {
		const to = join(values.out!, relative(config.dataDir, file));
		mkdirSync(dirname(to), { recursive: true });
		copyFileSync(file, to);
		return entry(values.out!, to);
	});
	const check = integrity(target);
	if (!check.ok) throw new Error('备份文件完整性检查失败');
	const manifest: Manifest = {
		createdAt: new Date().toISOString(),
		database: entry(values.out, target),
		files,
		tables: check.tables
	};
	writeFileSync(join(values.out, 'manifest.json'), JSON.stringify(manifest, null, 2));
	console.log(
		`备份完成：${values.out}（数据库 ${(manifest.database.size / 1048576).toFixed(1)} MB，附件 ${files.length} 个，integrity_check ok，用时 ${Math.round(performance.now() - started)} ms）`
	);
}

/** The backup commands copy the SQLite file; a PostgreSQL database is backed up by its own tools. */
function refusePostgres(databaseUrl: string | undefined) {
	if (databaseUrl)
		throw new UsageError(
			'数据库在 PostgreSQL 上（DATABASE_URL）：请用 pg_dump / pg_restore 备份与恢复数据库，附件目录另行复制（见 README“迁移到 PostgreSQL”）'
		);
}

/** duban restore DIR: into an empty data folder, after checking every checksum; integrity-checked after. */
export function restoreCommand(args: string[]) {
	const dir = args[0];
	if (!dir) throw new UsageError('用法：duban restore DIR');
	const config = loadConfig();
	refusePostgres(config.databaseUrl);
	if (existsSync(config.dbFile))
		throw new UsageError(`数据目录已有数据库，只能恢复到空的数据目录：${config.dataDir}`);
	const started = performance.now();
	const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
	for (const f of [manifest.database, ...manifest.files]) {
		if (sha256(join(dir, f.path)) !== f.sha256) throw new Error(`校验失败：${f.path} 与备份清单不符`);
	}
	mkdirSync(config.dataDir, { recursive: true });
	for (const f of [manifest.database, ...manifest.files]) {
		const to = join(config.dataDir, f.path);
		mkdirSync(dirname(to), { recursive: true });
		copyFileSync(join(dir, f.path), to);
	}
	const check = integrity(config.dbFile);
	if (!check.ok) throw new Error('恢复后的数据库完整性检查失败');
	const mismatched = Object.entries(manifest.tables).filter(([t, n]) => check.tables[t] !== n);
	if (mismatched.length)
		throw new Error(`恢复后行数与备份清单不符：${mismatched.map(([t]) => t).join('、')}`);
	console.log(
		`恢复完成：${config.dataDir}（${Object.values(check.tables).reduce((a, b) => a + b, 0)} 行，附件 ${manifest.files.length} 个，integrity_check ok，用时 ${Math.round(performance.now() - started)} ms）`
	);
}
