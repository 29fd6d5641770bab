import { xmlSafe } from '../lib/text.ts';
import { officialDocx } from '../lib/official-docx.ts';
import { printWorkbook } from '../lib/print-workbook.ts';
import type { BulletinContent } from './bulletin-content.ts';
import { bulletinDocument, bulletinTables } from './bulletin-document.ts';

/** The bulletin as a Word document laid out by GB/T 9704 (masthead, 文号, 主送, 附件 on new pages, 版记). */
export const bulletinDocx = (content: BulletinContent, number: string | null) =>
	officialDocx(bulletinDocument(xmlSafe(content), number));

/** The bulletin's tables as a printable workbook, one sheet each: the same typed tables as the document. */
export async function bulletinXlsx(content: BulletinContent): Promise<Uint8Array<ArrayBuffer>> {
	const tables = bulletinTables(content);
	return printWorkbook(
		tables,
		tables.map((t) => ({ name: t.title }))
	);
}
