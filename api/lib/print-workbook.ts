// Workbooks that print: A4 (portrait or landscape by width), fit to one page wide, header rows repeated,
// thin borders, wrapped text with row heights computed for it (LibreOffice does not grow rows to fit
// wrapped text), a Chinese font, real numbers, dates and percentages with formats, a merged title row
// and a bold 合计 row. Pure: tables in, bytes out.
import type { Workbook, Worksheet } from 'exceljs';
import type { ColumnKind, TableCell, TableColumn, TableSpec } from '../../web/src/lib/rules/doc-model.ts';
import { xmlSafe } from './text.ts';
import { cellText, textWidth } from '../../web/src/lib/rules/official-doc.ts';

const FONT = { name: '宋体', charset: 134, size: 10 } as const;
/** One line of 10 pt CJK text with the line gap of Noto/SimSun, in points, and a cell's padding. */
const LINE_PT = 14;
const PAD_PT = 5;
/** Excel column-width units a CJK character of 10 pt takes (a unit is the width of "0" in Calibri 11, 7 px). */
const UNITS_PER_CHAR = 1.9;
const NUM_FMT: Partial<Record<ColumnKind, string>> = {
	integer: '0',
	decimal: '0.00',
	percent: '0.0%',
	date: 'yyyy"年"m"月"d"日"'
};
const THIN = { style: 'thin' } as const;
const BORDER = { top: THIN, left: THIN, bottom: THIN, right: THIN };
/** Wider than this (in column units) prints landscape. */
const PORTRAIT_MAX_UNITS = 100;

export type SheetOptions = {
	/** Sheet name (at most 31 characters); the table's title when absent. */
	name?: string;
	/** Merge runs of equal values in the first n columns, each within the runs of the columns before it. */
	mergeLeading?: number;
	/** No title row: the header is the first row (a template another program reads back). */
	noTitle?: boolean;
	/** A fill colour (ARGB) for a data cell, by row and column index. */
	fill?: (row: number, col: number) => string | null;
};

/** Column width in Excel units for a TableColumn width (characters of 3号 text, roughly). */
const excelWidth = (c: TableColumn) => Math.max(5, Math.round(c.width * UNITS_PER_CHAR + 1));

/** Lines a text takes in a column `units` wide. */
function linesFor(text: string, units: number): number {
	const perLine = Math.max(1, Math.floor((units - 1) / UNITS_PER_CHAR));
	return text.split('\n').reduce((n, line) => n + Math.max(1, Math.ceil(textWidth(line) / perLine)), 0);
}

function typed(value: TableCell, kind: ColumnKind): string | number | Date | null {
	if (value === null || value === '') return null;
	if (kind === 'date' && typeof value === 'string') {
		const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
		return m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : value;
	}
	return value;
}

/** A table as a printable sheet of `wb`; returns the sheet so callers can add what is theirs. */
export function addPrintSheet(wb: Workbook, input: TableSpec, opts: SheetOptions = {}): Worksheet {
	const spec = xmlSafe(input);
	const widths = spec.columns.map(excelWidth);
	const totalUnits = widths.reduce((s, w) => s + w, 0);
	const headRow = opts.noTitle ? 1 : 2;
	const ws = wb.addWorksheet(
		(opts.name ?? spec.title).replace(/[*?:\\/[\]]/g, ' ').slice(0, 31) || 'Sheet1',
		{
			views: [{ state: 'frozen', ySplit: headRow }],
			pageSetup: {
				paperSize: 9, // A4
				orientation: totalUnits > PORTRAIT_MAX_UNITS ? 'landscape' : 'portrait',
				fitToPage: true,
				fitToWidth: 1,
				fitToHeight: 0,
				horizontalCentered: true,
				margins: { left: 0.4, right: 0.4, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 },
				printTitlesRow: `${headRow}:${headRow}`
			},
			headerFooter: { oddFooter: '&C第 &P 页，共 &N 页' }
		}
	);
	ws.columns = widths.map((width) => ({ width }));
	const n = spec.columns.length;

	if (!opts.noTitle) {
		ws.mergeCells(1, 1, 1, n);
		const title = ws.getCell(1, 1);
		title.value = spec.title;
		title.font = { ...FONT, size: 14, bold: true };
		title.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
		ws.getRow(1).height = 24 * linesFor(spec.title, totalUnits * 0.85);
	}

	const head = ws.getRow(headRow);
	spec.columns.forEach((c, i) => {
		const cell = head.getCell(i + 1);
		cell.value = c.header;
		cell.font = { ...FONT, bold: true };
		cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
		cell.border = BORDER;
		cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF2F2F2' } };
	});
	head.height = LINE_PT * Math.max(...spec.columns.map((c, i) => linesFor(c.header, widths[i]!))) + PAD_PT;

	const body = [...spec.rows, ...(spec.total ? [spec.total] : [])];
	body.forEach((cells, r) => {
		const row = ws.getRow(r + headRow + 1);
		const isTotal = spec.total !== undefined && r === body.length - 1;
		spec.columns.forEach((c, i) => {
			const cell = row.getCell(i + 1);
			const value = typed(cells[i] ?? null, c.kind);
			cell.value = value;
			// Whole numbers in a decimal column print without ".00".
			const kind = c.kind === 'decimal' && Number.isInteger(value) ? 'integer' : c.kind;
			if (typeof value === 'number' || value instanceof Date) cell.numFmt = NUM_FMT[kind] ?? 'General';
			const numeric = typeof value === 'number' || c.header === '序号';
			cell.alignment = { horizontal: numeric ? 'center' : 'left', vertical: 'middle', wrapText: true };
			cell.font = { ...FONT, bold: isTotal };
			cell.border = BORDER;
			const fill = opts.fill?.(r, i);
			if (fill) cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: fill } };
		});
	});
	const merged = mergeRuns(ws, headRow + 1, spec.rows, opts.mergeLeading ?? 0);
	const shown = body.map((cells) => spec.columns.map((c, i) => cellText(cells[i] ?? null, c.kind)));
	setRowHeights(ws, headRow + 1, shown, widths, merged);
	return ws;
}

/** Merge runs of equal cells in the leading columns (data from sheet row `first`); returns the runs. */
function mergeRuns(ws: Worksheet, first: number, rows: TableCell[][], leading: number) {
	const runs: { col: number; from: number; to: number }[] = [];
	const key = (r: number, col: number) =>
		rows[r]!.slice(0, col + 1)
			.map(String)
			.join('\u0000');
	for (let col = 0; col < leading; col++) {
		let start = 0;
		for (let r = 1; r <= rows.length; r++) {
			if (r < rows.length && key(r, col) === key(start, col)) continue;
			if (r - 1 > start && rows[start]![col] !== null && rows[start]![col] !== '') {
				ws.mergeCells(start + first, col + 1, r - 1 + first, col + 1);
				// At the top: a run that crosses a page break is read where it starts, not drawn under
				// the next page's repeated header.
				ws.getCell(start + first, col + 1).alignment = { vertical: 'top', wrapText: true };
				runs.push({ col, from: start, to: r - 1 });
			}
			start = r;
		}
	}
	return runs;
}

/**
 * Each row as tall as its tallest unmerged cell; a merged cell's text then gets the height of its rows
 * together, the shortfall added to its last row.
 */
function setRowHeights(
	ws: Worksheet,
	first: number,
	shown: string[][],
	widths: number[],
	merged: { col: number; from: number; to: number }[]
) {
	const inRun = (r: number, col: number) => merged.some((m) => m.col === col && r >= m.from && r <= m.to);
	const text = (r: number, col: number) => shown[r]![col]!;
	const heights = shown.map(
		(cells, r) =>
			Math.max(1, ...cells.map((_, col) => (inRun(r, col) ? 1 : linesFor(text(r, col), widths[col]!)))) *
				LINE_PT +
			PAD_PT
	);
	for (const m of merged) {
		const need = linesFor(text(m.from, m.col), widths[m.col]!) * LINE_PT + PAD_PT;
		const have = heights.slice(m.from, m.to + 1).reduce((s, h) => s + h, 0);
		if (need > have) heights[m.to]! += need - have;
	}
	heights.forEach((h, r) => (ws.getRow(r + first).height = h));
}

/** Tables as a workbook, one printable sheet each. */
export async function printWorkbook(
	tables: TableSpec[],
	opts: SheetOptions[] = []
): Promise<Uint8Array<ArrayBuffer>> {
	const { default: Excel } = await import('exceljs');
	const wb = new Excel.Workbook();
	tables.forEach((t, i) => addPrintSheet(wb, t, opts[i]));
	return new Uint8Array(await wb.xlsx.writeBuffer());
}

/** Characters across a landscape A4 page that still print at about three quarters of full size. */
const LIST_BUDGET = 95;

/**
 * Columns for a plain list (header + rows): numbers make integer/decimal columns, ISO dates date
 * columns, the rest text; widths from the content (4–30 characters), the widest narrowed (to wrap
 * more, down to 8) until the list fits the page's budget.
 */
export function inferColumns(head: string[], rows: TableCell[][]): TableColumn[] {
	const columns = head.map((header, i) => {
		const values = rows.map((r) => r[i] ?? null).filter((v) => v !== null && v !== '');
		const kind: ColumnKind =
			values.length && values.every((v) => typeof v === 'number')
				? values.every((v) => Number.isInteger(v))
					? 'integer'
					: 'decimal'
				: values.length && values.every((v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v))
					? 'date'
					: 'text';
		const sample = [
			header,
			...values.slice(0, 200).map((v) => (kind === 'date' ? '2020年10月15日' : String(v)))
		];
		const width = Math.min(30, Math.max(4, ...sample.map((s) => textWidth(s) + 1)));
		return { header, kind, width };
	});
	let cap = 30;
	const total = () => columns.reduce((s, c) => s + Math.min(c.width, cap), 0);
	while (cap > 8 && total() > LIST_BUDGET) cap--;
	return columns.map((c) => ({ ...c, width: Math.min(c.width, cap) }));
}
