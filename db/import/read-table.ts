import type ExcelJS from 'exceljs';
import { parse as parseCsv } from 'csv-parse/sync';
import { extname } from 'node:path';

/** A sheet as plain text: the spreadsheet row number (1-based) of every row, merged cells filled in. */
export type RawTable = { rows: { rowNumber: number; cells: string[] }[] };

export class TableReadError extends Error {}

export async function readTable(data: Uint8Array, fileName: string): Promise<RawTable> {
	const ext = extname(fileName).toLowerCase();
	if (ext === '.csv') return readCsv(data);
	if (ext === '.xlsx') return readXlsx(data);
	throw new TableReadError(`不支持的文件类型“${ext || '无扩展名'}”，请上传 .xlsx 或 .csv 文件`);
}

function readCsv(data: Uint8Array): RawTable {
	let text = new TextDecoder('utf-8', { fatal: false }).decode(data);
	if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
	if (text.includes('\uFFFD'))
		throw new TableReadError('CSV 文件不是 UTF-8 编码，请在 Excel 中另存为“CSV UTF-8”后再上传');
	let records: string[][];
	try {
		records = parseCsv(text, { relax_column_count: true, skip_empty_lines: false }) as string[][];
	} catch (err) {
		throw new TableReadError(`CSV 文件格式有误：${(err as Error).message}`);
	}
	return { rows: records.map((cells, i) => ({ rowNumber: i + 1, cells })) };
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
	return { rows };
}
