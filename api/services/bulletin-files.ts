import { xmlSafe } from '../lib/text.ts';
import { officialDocx } from '../lib/official-docx.ts';
import type { BulletinContent } from './bulletin-content.ts';
import { bulletinDocument, bulletinTables } from './bulletin-document.ts';

/** The bulletin as a Word document laid out by GB/T 9704 (masthead, 文号, 主送, 附件 on new pages, 版记). */
export const bulletinDocx = (content: BulletinContent, number: string | null) =>
	officialDocx(bulletinDocument(xmlSafe(content), number));

/** The bulletin's tables as a workbook, one sheet each. */
export async function bulletinXlsx(content: BulletinContent): Promise<Uint8Array<ArrayBuffer>> {
	const c = xmlSafe(content);
	const { default: Excel } = await import('exceljs');
	const wb = new Excel.Workbook();
	for (const spec of bulletinTables(c)) {
		const ws = wb.addWorksheet(spec.title.slice(0, 31));
		ws.addRow([spec.title]).font = { bold: true, size: 13 };
		ws.addRow(spec.columns.map((col) => col.header)).font = { bold: true };
		for (const row of [...spec.rows, ...(spec.total ? [spec.total] : [])]) ws.addRow(row.map((v) => v ?? ''));
		ws.columns.forEach((col, i) => (col.width = (spec.columns[i]?.width ?? 6) * 2.2));
	}
	return new Uint8Array(await wb.xlsx.writeBuffer());
}
