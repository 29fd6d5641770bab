import type { Snippet } from 'svelte';
import type { ClassValue } from 'svelte/elements';
import type { ColumnKind, TableCell, TableSpec } from './rules/doc-model.ts';
import { cellText } from './rules/official-doc.ts';

/**
 * One column of a DataTable: the same header, kind and relative width as a column of the documents'
 * TableSpec (so a spec's columns are DataTable columns as they are), plus how a row gives its value
 * (for the cell text and for sorting) or a snippet that draws the cell.
 */
export type Column<R> = {
	header: string;
	kind?: ColumnKind;
	/** Relative width, as in a TableSpec; the table scales all widths to its own. */
	width?: number;
	value?: (row: R) => TableCell;
	/** Draws the cell, given the row and the column's index (one snippet for many alike columns). */
	cell?: Snippet<[R, number]>;
	/** Sorting by the column's value is offered in its header. */
	sortable?: boolean;
	/** Class of the column's cells (`nowrap`, `no-print` …). */
	class?: string;
	/** A cell's own class, from its row: a status colour (a low score, a count that costs points). */
	cellClass?: (row: R) => ClassValue | false | undefined;
	/** The header's tooltip: what the column counts, when its short name does not say it. */
	hint?: string;
	/** The cell names its row (`<th scope="row">`); in a `sticky` table it stays in view when scrolling sideways. */
	rowHeader?: boolean;
	/** On a phone's card (a stacked table) the cell stands without its column's name: the row's title. */
	bare?: boolean;
	/**
	 * How far a row's cell reaches: `rows` > 1 covers the rows below (a task over its indicators), 0 leaves
	 * the cell out (one above covers it); `cols` > 1 covers the next columns too (a note across the figures).
	 */
	span?: (row: R) => { rows?: number; cols?: number } | undefined;
};

/** One drawn cell of a row: its column and how many rows and columns it covers. */
export type RowCell<R> = { column: Column<R>; index: number; rows: number; cols: number };

/** A row's cells as drawn: those covered by a cell above (rows 0) or to the left (cols) are left out. */
export function rowCells<R>(columns: Column<R>[], row: R): RowCell<R>[] {
	const out: RowCell<R>[] = [];
	for (let i = 0; i < columns.length;) {
		const column = columns[i]!;
		const span = column.span?.(row);
		const cols = Math.max(1, Math.min(span?.cols ?? 1, columns.length - i));
		if (span?.rows !== 0) out.push({ column, index: i, rows: span?.rows ?? 1, cols });
		i += cols;
	}
	return out;
}

const NUMERIC = new Set<ColumnKind | undefined>(['integer', 'decimal', 'percent']);

/** Numbers right, dates centred, text left. */
export const alignOf = (kind: ColumnKind | undefined) =>
	NUMERIC.has(kind) ? 'right num nowrap' : kind === 'date' ? 'center nowrap' : '';

/** A cell's text as the documents print it; an empty figure shows a dash on screen. */
export const shownText = (value: TableCell, kind: ColumnKind = 'text') =>
	value === null ? '—' : cellText(value, kind);

/** A TableSpec's columns, the rows being the spec's arrays of cells. */
export const specColumns = (spec: TableSpec): Column<TableCell[]>[] =>
	spec.columns.map((c, i) => ({ ...c, value: (row) => row[i] ?? null }));

/** Rows ordered by a column's value (nulls last), leaving the input as it is. */
export function sortRows<R>(rows: R[], column: Column<R> | undefined, dir: 'ascending' | 'descending'): R[] {
	const value = column?.value;
	if (!value) return rows;
	const sign = dir === 'ascending' ? 1 : -1;
	return [...rows].sort((a, b) => {
		const x = value(a);
		const y = value(b);
		if (x === null || x === '') return y === null || y === '' ? 0 : 1;
		if (y === null || y === '') return -1;
		if (typeof x === 'number' && typeof y === 'number') return (x - y) * sign;
		return String(x).localeCompare(String(y), 'zh-CN') * sign;
	});
}

/** Sets an element's data-* attributes (an attachment: cheaper than spreading attributes). */
export const dataAttributes = (data: Record<string, string | number> | undefined) => (node: HTMLElement) => {
	for (const [name, value] of Object.entries(data ?? {})) node.dataset[name] = String(value);
};
