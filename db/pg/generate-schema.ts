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

function tables(module: Record<string, unknown>): Table[] {
	return (
		Object.entries(module)
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
		if (/unixepoch|strftime|datetime|julianday/i.test(text))
			throw new Error(`${t.key}.${key}: SQL default ${text} has no PostgreSQL mapping here`);
		return `.default(${sqlCode(t.table, value)})`;
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

/** SQL over a table's columns (an index condition, a check) as a template over the PostgreSQL table's. */
function sqlCode(table: SQLiteTable, where: SQL) {
	let afterBoolean = false;
	const parts = where.queryChunks.map((chunk) => {
		if (is(chunk, StringChunk)) {
			const text = chunk.value.join('').replaceAll('`', '\\`');
			// SQLite's booleans are 0/1; PostgreSQL compares a boolean with true/false.
			const compared = afterBoolean
				? text.replace(/^(\s*(?:=|<>|!=)\s*)([01])\b/, (_, op, v) => `${op}${v === '1'}`)
				: text;
			afterBoolean = false;
			return compared;
		}
		if (chunk && typeof chunk === 'object' && 'columnType' in chunk) {
			afterBoolean = (chunk as Column).columnType === 'SQLiteBoolean';
			return `\${t.${keyOf(table, chunk as Column)}}`;
		}
		throw new Error(`SQL on ${getTableConfig(table).name}: only columns and text are mapped`);
	});
	return `sql\`${parts.join('')}\``;
}

function tableCode(t: Table, byTable: Map<SQLiteTable, string>) {
	const config = getTableConfig(t.table);
	const references = new Map<Column, string>();
	const foreignKeys: string[] = [];
	for (const fk of config.foreignKeys) {
		const ref = fk.reference();
		const target = byTable.get(ref.foreignTable);
		const actions = [
			fk.onDelete && fk.onDelete !== 'no action' ? `onDelete: '${fk.onDelete}'` : '',
			fk.onUpdate && fk.onUpdate !== 'no action' ? `onUpdate: '${fk.onUpdate}'` : ''
		].filter(Boolean);
		if (ref.columns.length === 1) {
			references.set(
				ref.columns[0]!,
				`.references((): AnyPgColumn => ${target}.${keyOf(ref.foreignTable, ref.foreignColumns[0]!)}${actions.length ? `, { ${actions.join(', ')} }` : ''})`
			);
			continue;
		}
		const columns = ref.columns.map((c) => `t.${keyOf(t.table, c)}`).join(', ');
		const foreign = ref.foreignColumns.map((c) => `${target}.${keyOf(ref.foreignTable, c)}`).join(', ');
		const chained = [
			fk.onDelete && fk.onDelete !== 'no action' ? `.onDelete('${fk.onDelete}')` : '',
			fk.onUpdate && fk.onUpdate !== 'no action' ? `.onUpdate('${fk.onUpdate}')` : ''
		].join('');
		foreignKeys.push(
			`foreignKey({ name: ${JSON.stringify(fk.getName())}, columns: [${columns}], foreignColumns: [${foreign}] })${chained}`
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
			const where = ix.where ? `.where(${sqlCode(t.table, ix.where)})` : '';
			return `${ix.unique ? 'uniqueIndex' : 'index'}(${JSON.stringify(ix.name)}).on(${on})${where}`;
		}),
		...config.uniqueConstraints.map(
			(u) =>
				`unique(${JSON.stringify(u.getName())}).on(${u.columns.map((c) => `t.${keyOf(t.table, c)}`).join(', ')})`
		),
		...config.checks.map((c) => `check(${JSON.stringify(c.name)}, ${sqlCode(t.table, c.value)})`),
		...foreignKeys
	];
	const extra = extras.length ? `, (t) => [${extras.join(', ')}]` : '';
	return `export const ${t.key} = pgTable(${JSON.stringify(config.name)}, { ${columns.join(', ')} }${extra});`;
}

const PG_CORE = [
	'pgTable',
	'serial',
	'integer',
	'text',
	'boolean',
	'doublePrecision',
	'json',
	'index',
	'uniqueIndex',
	'unique',
	'primaryKey',
	'foreignKey',
	'check'
];

/**
 * The PostgreSQL schema's source text for the SQLite tables `module` exports (db/schema by default; JSON
 * columns take their TypeScript types from it through `typesFrom`), formatted as the repository formats code.
 */
export async function renderPgSchema(
	module: Record<string, unknown> = sqliteSchema,
	typesFrom = '../schema/index.ts'
): Promise<string> {
	const all = tables(module);
	const byTable = new Map(all.map((t) => [t.table, t.key]));
	const body = all.map((t) => tableCode(t, byTable)).join('\n');
	const used = PG_CORE.filter((name) => new RegExp(`(?<![.\\w])${name}\\(`).test(body));
	const source = [
		'// Generated by db/pg/generate-schema.ts from db/schema (SQLite), the one definition of the tables.',
		"// Do not edit: change db/schema and run `npm run db:generate` (both dialects' migrations).",
		...(body.includes('sql`') ? ["import { sql } from 'drizzle-orm';"] : []),
		`import { ${[...used, ...(body.includes('AnyPgColumn') ? ['type AnyPgColumn'] : [])].join(', ')} } from 'drizzle-orm/pg-core';`,
		...(body.includes('sqlite.') ? [`import type * as sqlite from '${typesFrom}';`] : []),
		...(body.includes('timestampMs(') ? ["import { timestampMs } from './columns.ts';"] : []),
		'',
		body
	].join('\n');
	const options = await resolveConfig(PG_SCHEMA_FILE);
	return format(source, { ...options, filepath: PG_SCHEMA_FILE });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
	writeFileSync(PG_SCHEMA_FILE, await renderPgSchema());
	console.log(`已生成 ${PG_SCHEMA_FILE}`);
}
