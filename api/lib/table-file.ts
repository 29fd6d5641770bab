/**
 * A list as a download: CSV (UTF-8 with BOM, so Excel reads Chinese) or a plain one-sheet workbook.
 * Every CSV the system writes goes through `csvText`.
 */
import { xmlSafe } from './text.ts';

export type Cell = string | number | null;

/**
 * Text a spreadsheet would run as a formula (= + - @, or a leading tab or carriage return) gets a
 * leading apostrophe (OWASP's CSV injection advice). Numbers stay numbers: -5 typed as a number is
 * written as -5, the text "-2+3" as '-2+3.
 */
const neutraliseFormula = (text: string) => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);

const csvField = (value: Cell) => {
	const s = value === null ? '' : typeof value === 'number' ? String(value) : neutraliseFormula(value);
	return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function csvText(head: string[], rows: Cell[][]): string {
	return '\uFEFF' + [head, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

export async function tableFile(format: 'csv' | 'xlsx', sheet: string, head: string[], cells: Cell[][]) {
	if (format === 'csv') return { body: csvText(head, cells), contentType: 'text/csv; charset=utf-8' };
	const rows = xmlSafe(cells);
	const { default: Excel } = await import('exceljs');
	const wb = new Excel.Workbook();
	const ws = wb.addWorksheet(sheet.slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }] });
	ws.addRow(head).font = { bold: true };
	for (const row of rows) ws.addRow(row.map((v) => v ?? ''));
	ws.columns.forEach(
		(col, i) =>
			(col.width = Math.min(
				60,
				Math.max(
					10,
					...[head[i] ?? '', ...rows.slice(0, 200).map((r) => String(r[i] ?? ''))].map((s) => s.length * 1.6)
				)
			))
	);
	return {
		body: new Uint8Array(await wb.xlsx.writeBuffer()),
		contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
	};
}
