import { COLUMN_KEYS, columnKeyOf, type ColumnKey, type ColumnMap } from './columns.ts';
import { normaliseCell } from './parse/normalise.ts';
import type { RawTable } from './read-table.ts';

/** How each spreadsheet row is read: header, data, a section heading spanning the table, or a note. */
export type RowRole =
	| { kind: 'header' }
	| { kind: 'data' }
	| { kind: 'heading'; level: 1 | 2; name: string }
	| { kind: 'note'; text: string }
	| { kind: 'empty' };

/** A column mapping chosen by the office: the header row (spreadsheet row number) and column indexes. */
export type ManualMapping = { headerRow: number; columns: Partial<Record<ColumnKey, number>> };

export type Layout = {
	/** Spreadsheet row numbers of the header block (a header may span two rows). */
	headerRows: number[];
	columns: ColumnMap;
	/** Every column's header as read (a merged header repeated), for mapping by hand. */
	headers: string[];
	/** Identifies the layout (its header words), so a hand mapping is remembered for the next import. */
	signature: string;
	/** False when the importer could not see the structure and says so; the office maps columns by hand. */
	recognised: boolean;
	/** How the structure was read, and where it was unclear: in words for the office. */
	notes: { row: number; message: string; unclear: boolean }[];
	roles: Map<number, RowRole>;
};

const NUMBERED_L1 =
	/^(?:第[一二三四五六七八九十\d]+(?:阶段|部分|批次?|章|板块)|[一二三四五六七八九十]+[、.．])/;
const NUMBERED_L2 = /^[（(][一二三四五六七八九十]+[）)]/;
const NOTE = /^(?:备注|注[:：]|注\d|说明[:：]|附注|填表说明|\*)/;
const SIGNATURE =
	/(?:盖章|签字|签发人|联系人|联系电话|填报人|审核人|填表人|制表|^\d{4}年\d{1,2}月\d{1,2}日$|年\s*月\s*日$)/;
const SCAN = 15;

const clean = (s: string) => normaliseCell(s).replace(/<\/?b>/g, '');

/** Finds the header block, maps columns (by header words, then by merged header cells) and classifies rows. */
export function recogniseLayout(table: RawTable, manual?: ManualMapping): Layout {
	const notes: Layout['notes'] = [];
	const head = manual ? manualHeader(table, manual) : findHeader(table);
	const roles = new Map<number, RowRole>();
	if (!head) {
		notes.push({
			row: 1,
			unclear: true,
			message: '未能识别表格结构：前 15 行中没有找到表头（如“工作任务”“完成时间”“责任单位”），请手工指定各列'
		});
		// Unrecognised, the first row with text names the layout, so a hand mapping can be remembered.
		const first = table.rows.find((r) => r.cells.some((c) => clean(c)));
		const signature = first ? first.cells.map(clean).join('|') : '';
		return {
			headerRows: [],
			columns: {},
			headers: first?.cells.map(clean) ?? [],
			signature,
			recognised: false,
			notes,
			roles
		};
	}
	const { headerRows, headers } = head;
	const columns = manual ? head.columns : mapByMerges(table, headerRows, headers, notes);
	for (const r of headerRows) roles.set(r, { kind: 'header' });
	const width = Math.max(...table.rows.map((r) => r.cells.length), 0);
	const firstData = table.rows.findIndex((r) => r.rowNumber > headerRows[headerRows.length - 1]!);
	const mappedIndexes = new Set(Object.values(columns).map((c) => c.index));
	const unmappedWithText = new Map<number, number>();

	for (const raw of firstData < 0 ? [] : table.rows.slice(firstData)) {
		const role = classify(table, raw, width, columns);
		roles.set(raw.rowNumber, role);
		if (role.kind !== 'data') continue;
		raw.cells.forEach((c, i) => {
			if (!mappedIndexes.has(i) && clean(c) && !unmappedWithText.has(i))
				unmappedWithText.set(i, raw.rowNumber);
		});
	}
	for (const [index, row] of unmappedWithText) {
		const name = headers[index] ? `“${headers[index]}”` : '（无表头）';
		if (isSerialColumn(table, index, roles)) continue;
		notes.push({
			row,
			unclear: true,
			message: `未能识别表格结构：第 ${index + 1} 列${name}有内容，但不知道它是哪一列，其内容不会导入；请手工指定各列`
		});
	}
	const headings = [...roles.values()].filter((r) => r.kind === 'heading');
	if (headings.length && columns.section1 && columns.section2) {
		notes.push({
			row: headerRows[0]!,
			unclear: true,
			message: `未能识别表格结构：表中既有领域列，又有 ${headings.length} 个标题行，标题行不会导入；请核对`
		});
	}
	const signature = headerRows
		.map(
			(r) =>
				table.rows
					.find((x) => x.rowNumber === r)
					?.cells.map(clean)
					.join('|') ?? ''
		)
		.join('/');
	return {
		headerRows,
		columns,
		headers,
		signature,
		recognised: !notes.some((n) => n.unclear),
		notes,
		roles
	};
}

type Head = { headerRows: number[]; headers: string[]; columns: ColumnMap };

function headerWords(cells: string[]) {
	return cells.map((c) => columnKeyOf(clean(c)));
}

/** The best-scoring row of the first 15, joined with the row below when that row holds sub-headers. */
function findHeader(table: RawTable): Head | null {
	let best = -1;
	let bestCount = 0;
	table.rows.slice(0, SCAN).forEach((row, i) => {
		const count = new Set(headerWords(row.cells).filter(Boolean)).size;
		if (count > bestCount) {
			best = i;
			bestCount = count;
		}
	});
	if (bestCount < 2) return null;
	const rows = [table.rows[best]!];
	const above = table.rows[best - 1];
	const below = table.rows[best + 1];
	// A two-row header: 工作任务 over 一级领域 | 二级领域 | 任务 (the other headers merged down both rows).
	if (below && subHeaderRow(rows[0]!.cells, below.cells)) rows.push(below);
	else if (above && subHeaderRow(above.cells, rows[0]!.cells)) rows.unshift(above);
	const width = Math.max(...rows.map((r) => r.cells.length));
	const headers = Array.from({ length: width }, (_, i) => {
		const parts = [...new Set(rows.map((r) => clean(r.cells[i] ?? '')).filter(Boolean))];
		return parts[parts.length - 1] ?? '';
	});
	return { headerRows: rows.map((r) => r.rowNumber), headers, columns: {} };
}

/**
 * `lower` refines `upper`: every cell that differs from the one above sits under a header spanning several
 * columns (工作任务 over 一级领域 | 二级领域 | 任务), and at least two of them name known columns.
 */
function subHeaderRow(upper: string[], lower: string[]): boolean {
	const u = upper.map(clean);
	// A title row above the header names no column.
	if (!u.some((x) => columnKeyOf(x))) return false;
	let refined = 0;
	for (let i = 0; i < lower.length; i++) {
		const l = clean(lower[i] ?? '');
		if (!l || l === u[i]) continue;
		const spanning = !!u[i] && (u[i - 1] === u[i] || u[i + 1] === u[i]);
		if (!spanning || !columnKeyOf(l)) return false;
		refined++;
	}
	return refined >= 2;
}

function manualHeader(table: RawTable, manual: ManualMapping): Head | null {
	const row = table.rows.find((r) => r.rowNumber === manual.headerRow);
	if (!row) return null;
	const headers = row.cells.map(clean);
	const columns: ColumnMap = {};
	for (const [key, index] of Object.entries(manual.columns) as [ColumnKey, number][]) {
		if (index >= 0 && index < headers.length)
			columns[key] = { index, header: headers[index] || `第 ${index + 1} 列` };
	}
	return { headerRows: [row.rowNumber], headers, columns };
}

/**
 * Maps header words to columns. A header merged across several columns (工作任务 over three) names a
 * hierarchy: its last column is the task, the ones before it the sections, outermost first.
 */
function mapByMerges(
	table: RawTable,
	headerRows: number[],
	headers: string[],
	notes: Layout['notes']
): ColumnMap {
	const columns: ColumnMap = {};
	const keys = headers.map((h) => columnKeyOf(h));
	const first = headerRows[0]!;
	for (let i = 0; i < headers.length; i++) {
		const key = keys[i];
		if (!key || columns[key]) continue;
		let end = i;
		while (end + 1 < headers.length && headers[end + 1] === headers[i] && keys[end + 1] === key) end++;
		const span = end - i + 1;
		const merged = table.merges.some(
			(m) => m.top <= first && m.left <= i && m.right >= end && m.right > m.left
		);
		if (span === 1 || (!merged && key !== 'task')) {
			columns[key] = { index: i, header: headers[i]! };
			continue;
		}
		if (key !== 'task' || span > 3) {
			notes.push({
				row: first,
				unclear: true,
				message: `未能识别表格结构：表头“${headers[i]}”跨 ${span} 列，看不出各列的含义；请手工指定各列`
			});
			columns[key] = { index: i, header: headers[i]! };
			continue;
		}
		const levels: ColumnKey[] = span === 3 ? ['section1', 'section2', 'task'] : ['section1', 'task'];
		const names = { section1: '一级领域', section2: '二级领域', task: '任务' } as Record<ColumnKey, string>;
		levels.forEach((k, offset) => {
			if (!columns[k]) columns[k] = { index: i + offset, header: `${headers[i]}·${names[k]}` };
		});
		notes.push({
			row: first,
			unclear: false,
			message: `表头“${headers[i]}”合并跨 ${span} 列，按层级读作：${levels.map((k) => names[k]).join(' → ')}`
		});
		i = end;
	}
	for (const key of COLUMN_KEYS) if (columns[key]) columns[key]!.header = columns[key]!.header.trim();
	return columns;
}

function classify(
	table: RawTable,
	raw: RawTable['rows'][number],
	width: number,
	columns: ColumnMap
): RowRole {
	const texts = raw.cells.map(clean);
	const values = [...new Set(texts.filter(Boolean))];
	if (!values.length) return { kind: 'empty' };
	// A repeated header (page breaks in pasted tables) is not data.
	const mapped = Object.values(columns);
	if (mapped.every((col) => clean(raw.cells[col.index] ?? '') === clean(col.header.split('·')[0]!)))
		return { kind: 'header' };
	if (values.length !== 1) return { kind: 'data' };
	const text = values[0]!;
	if (NOTE.test(text) || (SIGNATURE.test(text) && text.length < 40)) return { kind: 'note', text };
	const spansWidth =
		texts.filter((t) => t === text).length >= Math.max(2, Math.min(width, mapped.length)) ||
		table.merges.some(
			(m) => m.top === raw.rowNumber && m.bottom === raw.rowNumber && m.right - m.left + 1 >= width - 1
		);
	if (NUMBERED_L2.test(text)) return { kind: 'heading', level: 2, name: text };
	if (NUMBERED_L1.test(text) || spansWidth) return { kind: 'heading', level: 1, name: text };
	return { kind: 'data' };
}

/** A 序号 column (1, 2, 3 …) carries no content worth a warning. */
function isSerialColumn(table: RawTable, index: number, roles: Map<number, RowRole>): boolean {
	return table.rows
		.filter((r) => roles.get(r.rowNumber)?.kind === 'data')
		.every((r) => /^\d{0,4}[.、]?$/.test(clean(r.cells[index] ?? '')));
}
