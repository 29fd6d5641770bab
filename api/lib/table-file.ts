/**
 * A list as a download: CSV (UTF-8 with BOM, so Excel reads Chinese) or a printable one-sheet workbook.
 * Every CSV the system writes goes through `csvText`.
 */
import { inferColumns, printWorkbook } from './print-workbook.ts';
import { namesIn, type ExportLang } from './export-headers.ts';

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

/** A list as CSV, or as a printable workbook titled `sheet` (A4, one page wide, typed cells); headers in `lang`. */
export async function tableFile(
	format: 'csv' | 'xlsx',
	sheet: string,
	chineseHead: string[],
	cells: Cell[][],
	lang: ExportLang = 'zh'
) {
	const head = namesIn(lang, chineseHead);
	const [title] = namesIn(lang, [sheet]);
	if (format === 'csv') return { body: csvText(head, cells), contentType: 'text/csv; charset=utf-8' };
	return {
		body: await printWorkbook([{ title: title!, columns: inferColumns(head, cells), rows: cells }]),
		contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
	};
}
