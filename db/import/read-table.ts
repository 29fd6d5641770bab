import type ExcelJS from 'exceljs';
import { parse as parseCsv } from 'csv-parse/sync';
import { extname } from 'node:path';

/** A merged range: spreadsheet rows (1-based, inclusive) and column indexes (0-based, inclusive). */
export type Merge = { top: number; bottom: number; left: number; right: number };

/**
 * A sheet as plain text: the spreadsheet row number (1-based) of every row, merged cells filled in, and
 * the merged ranges themselves (layout recognition reads structure from them; a CSV has none).
 */
export type RawTable = { rows: { rowNumber: number; cells: string[] }[]; merges: Merge[] };

export class TableReadError extends Error {}

export async function readTable(data: Uint8Array, fileName: string): Promise<RawTable> {
	const ext = extname(fileName).toLowerCase();
	if (ext === '.csv') return readCsv(data);
	if (ext === '.xlsx') return readXlsx(data);
	throw new TableReadError(`不支持的文件类型“${ext || '无扩展名'}”，请上传 .xlsx 或 .csv 文件`);
}

/** UTF-8 when the bytes are valid UTF-8, else GB18030 (what Excel on Chinese Windows saves as “CSV”). */
export function decodeCsv(data: Uint8Array): string {
	let text: string;
	try {
		text = new TextDecoder('utf-8', { fatal: true }).decode(data);
	} catch {
		try {
			text = new TextDecoder('gb18030', { fatal: true }).decode(data);
		} catch {
			throw new TableReadError('CSV 文件的编码无法识别，请在 Excel 中另存为“CSV UTF-8”后再上传');
		}
	}
	return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function readCsv(data: Uint8Array): RawTable {
	const text = decodeCsv(data);
	let records: string[][];
	try {
		records = parseCsv(text, { relax_column_count: true, skip_empty_lines: false }) as string[][];
	} catch (err) {
		throw new TableReadError(`CSV 文件格式有误：${(err as Error).message}`);
	}
	return { rows: records.map((cells, i) => ({ rowNumber: i + 1, cells })), merges: [] };
}

function cellText(cell: ExcelJS.Cell): string {
	const value = cell.value;
	if (value === null || value === undefined) return '';
	if (value instanceof Date) return value.toISOString().slice(0, 10);
	if (typeof value === 'object') {
		if ('richText' in value) return value.richText.map((r) => r.text).join('');
		if ('text' in value) return String(value.text);
		if ('result' in value) return value.result === undefined ? '' : String(value.result);
	}
	return String(value);
}

async function readXlsx(data: Uint8Array): Promise<RawTable> {
	// Loaded on demand: exceljs is heavy and most commands never touch a spreadsheet.
	const { default: Excel } = await import('exceljs');
	const workbook = new Excel.Workbook();
	try {
		await workbook.xlsx.load(data as unknown as ArrayBuffer);
	} catch {
		throw new TableReadError('无法读取该 Excel 文件，请确认是 .xlsx 格式且未损坏');
	}
	const sheet = workbook.worksheets.find((s) => s.actualRowCount > 0);
	if (!sheet) throw new TableReadError('Excel 文件中没有数据');
	const rows: RawTable['rows'] = [];
	const width = sheet.columnCount;
	for (let r = 1; r <= sheet.rowCount; r++) {
		const row = sheet.getRow(r);
		const cells: string[] = [];
		for (let col = 1; col <= width; col++) {
			const cell = row.getCell(col);
			// A merged range keeps its value in the master cell: fill it down and across.
			cells.push(cellText(cell.isMerged ? cell.master : cell));
		}
		rows.push({ rowNumber: r, cells });
	}
	const merges = ((sheet.model as { merges?: string[] }).merges ?? []).flatMap((range) => {
		const m = range.match(/^([A-Z]+)(\d+):([A-Z]+)(\d+)$/);
		return m
			? [{ top: Number(m[2]), bottom: Number(m[4]), left: columnIndex(m[1]!), right: columnIndex(m[3]!) }]
			: [];
	});
	return { rows, merges };
}

/** `A` → 0, `AB` → 27. */
function columnIndex(letters: string): number {
	return [...letters].reduce((n, c) => n * 26 + c.charCodeAt(0) - 64, 0) - 1;
}
