// Writes db/pg/schema.ts (PostgreSQL) from db/schema (SQLite), the one definition of the tables: the same
// tables, columns, keys, indexes and references, so the two cannot drift (db/pg/schema.test.ts regenerates
// and compares). `npm run db:generate` runs it between the two dialects' drizzle-kit migrations.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { getTableColumns, is, SQL, StringChunk, type Column } from 'drizzle-orm';
import { getTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { format, resolveConfig } from 'prettier';
import * as sqliteSchema from '../schema/index.ts';

export const PG_SCHEMA_FILE = fileURLToPath(new URL('./schema.ts', import.meta.url));

/** SQLite's insert-time default (epoch ms) as PostgreSQL says it. */
const NOW_MS = 'sql`((extract(epoch from now()) * 1000)::bigint)`';

type Table = { key: string; table: SQLiteTable };

function tables(): Table[] {
	return (
		Object.entries(sqliteSchema as Record<string, unknown>)
			.filter((entry): entry is [string, SQLiteTable] => is(entry[1], SQLiteTable))
			.map(([key, table]) => ({ key, table }))
			// By name: a module namespace lists its exports so, a bundler's transform in declaration order.
			.sort((a, b) => (a.key < b.key ? -1 : 1))
	);
}

const keyOf = (table: SQLiteTable, column: Column) => {
	const found = Object.entries(getTableColumns(table)).find(([, c]) => c === column);
	if (!found) throw new Error(`column ${column.name} is not in ${getTableConfig(table).name}`);
	return found[0];
};

function columnType(t: Table, key: string, column: Column) {
	const name = JSON.stringify(column.name);
	const enumValues = column.enumValues?.length ? `, { enum: ${JSON.stringify(column.enumValues)} }` : '';
	const autoIncrement = (column as unknown as { autoIncrement?: boolean }).autoIncrement;
	switch (column.columnType) {
		case 'SQLiteInteger':
			return autoIncrement ? `serial(${name})` : `integer(${name})`;
		case 'SQLiteTimestamp':
			if ((column as unknown as { mode: string }).mode !== 'timestamp_ms')
				throw new Error(`${key}: only timestamp_ms timestamps are mapped`);
			return `timestampMs(${name})`;
		case 'SQLiteBoolean':
			return `boolean(${name})`;
		case 'SQLiteReal':
			return `doublePrecision(${name})`;
		case 'SQLiteText':
			return `text(${name}${enumValues})`;
		// PostgreSQL's json keeps the text as written (jsonb would reorder keys): the audit hash covers it.
		case 'SQLiteTextJson':
			return `json(${name}).$type<(typeof sqlite.${t.key}.$inferSelect)[${JSON.stringify(key)}]>()`;
		default:
			throw new Error(`${t.key}.${key}: no PostgreSQL type for ${column.columnType}`);
	}
}

function defaultOf(t: Table, key: string, column: Column) {
	const value = column.default;
	if (value === undefined) return '';
	if (is(value, SQL)) {
		const text = value.queryChunks.map((c) => (is(c, StringChunk) ? c.value.join('') : '?')).join('');
		if (text.includes("unixepoch('subsec')")) return `.default(${NOW_MS})`;
		throw new Error(`${t.key}.${key}: SQL default ${text} has no PostgreSQL mapping here`);
	}
	return `.default(${JSON.stringify(value)})`;
}

function columnCode(t: Table, key: string, column: Column, references: Map<Column, string>) {
	let code = columnType(t, key, column);
	if (column.primary) code += '.primaryKey()';
	if (column.notNull && !column.primary) code += '.notNull()';
	code += defaultOf(t, key, column);
	if (column.isUnique) code += '.unique()';
	const reference = references.get(column);
	if (reference) code += reference;
	return `${key}: ${code}`;
}

function whereCode(table: SQLiteTable, where: SQL) {
	const parts = where.queryChunks.map((chunk) => {
		if (is(chunk, StringChunk)) return chunk.value.join('').replaceAll('`', '\\`');
		if (chunk && typeof chunk === 'object' && 'columnType' in chunk)
			return `\${t.${keyOf(table, chunk as Column)}}`;
		throw new Error(`index condition on ${getTableConfig(table).name}: only columns and text are mapped`);
	});
	return `sql\`${parts.join('')}\``;
}

function tableCode(t: Table, byTable: Map<SQLiteTable, string>) {
	const config = getTableConfig(t.table);
	const references = new Map<Column, string>();
	for (const fk of config.foreignKeys) {
		const ref = fk.reference();
		if (ref.columns.length !== 1) throw new Error(`${t.key}: only one-column foreign keys are mapped`);
		const target = `${byTable.get(ref.foreignTable)}.${keyOf(ref.foreignTable, ref.foreignColumns[0]!)}`;
		const actions = [
			fk.onDelete && fk.onDelete !== 'no action' ? `onDelete: '${fk.onDelete}'` : '',
			fk.onUpdate && fk.onUpdate !== 'no action' ? `onUpdate: '${fk.onUpdate}'` : ''
		].filter(Boolean);
		references.set(
			ref.columns[0]!,
			`.references((): AnyPgColumn => ${target}${actions.length ? `, { ${actions.join(', ')} }` : ''})`
		);
	}
	const columns = Object.entries(getTableColumns(t.table)).map(([key, column]) =>
		columnCode(t, key, column, references)
	);
	const extras = [
		...config.primaryKeys.map(
			(pk) => `primaryKey({ columns: [${pk.columns.map((c) => `t.${keyOf(t.table, c)}`).join(', ')}] })`
		),
		...config.indexes.map(({ config: ix }) => {
			const on = ix.columns.map((c) => `t.${keyOf(t.table, c as Column)}`).join(', ');
			const where = ix.where ? `.where(${whereCode(t.table, ix.where)})` : '';
			return `${ix.unique ? 'uniqueIndex' : 'index'}(${JSON.stringify(ix.name)}).on(${on})${where}`;
		})
	];
	if (config.uniqueConstraints.length || config.checks.length)
		throw new Error(`${t.key}: table-level unique constraints and checks are not mapped yet`);
	const extra = extras.length ? `, (t) => [${extras.join(', ')}]` : '';
	return `export const ${t.key} = pgTable(${JSON.stringify(config.name)}, { ${columns.join(', ')} }${extra});`;
}

/** The PostgreSQL schema's source text, formatted as the repository formats code. */
export async function renderPgSchema(): Promise<string> {
	const all = tables();
	const byTable = new Map(all.map((t) => [t.table, t.key]));
	const source = [
		'// Generated by db/pg/generate-schema.ts from db/schema (SQLite), the one definition of the tables.',
		"// Do not edit: change db/schema and run `npm run db:generate` (both dialects' migrations).",
		"import { sql } from 'drizzle-orm';",
		"import { pgTable, serial, integer, text, boolean, doublePrecision, json, index, uniqueIndex, primaryKey, type AnyPgColumn } from 'drizzle-orm/pg-core';",
		"import type * as sqlite from '../schema/index.ts';",
		"import { timestampMs } from './columns.ts';",
		'',
		...all.map((t) => tableCode(t, byTable))
	].join('\n');
	const options = await resolveConfig(PG_SCHEMA_FILE);
	return format(source, { ...options, filepath: PG_SCHEMA_FILE });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
	writeFileSync(PG_SCHEMA_FILE, await renderPgSchema());
	console.log(`已生成 ${PG_SCHEMA_FILE}`);
}
