import { xmlSafe } from '../lib/text.ts';
import type { TableSpec } from '../lib/doc-model.ts';
import type { BulletinContent } from './bulletin-content.ts';
import { bulletinDocument, bulletinTables } from './bulletin-document.ts';

/** The bulletin as a Word document, in the layout these offices exchange. */
export async function bulletinDocx(
	content: BulletinContent,
	number: string | null
): Promise<Uint8Array<ArrayBuffer>> {
	const c = xmlSafe(content);
	const {
		AlignmentType,
		Document,
		Packer,
		Paragraph,
		Table,
		TableCell,
		TableRow,
		TextRun,
		WidthType,
		PageOrientation
	} = await import('docx');
	const font = { ascii: 'FangSong', eastAsia: '仿宋_GB2312', hAnsi: 'FangSong' };
	const text = (value: string, opts: { bold?: boolean; size?: number; heading?: boolean } = {}) =>
		new TextRun({
			text: value,
			bold: opts.bold,
			size: opts.size ?? 32,
			font: opts.heading ? { ascii: 'SimHei', eastAsia: '黑体', hAnsi: 'SimHei' } : font
		});
	const para = (
		value: string,
		opts: { center?: boolean; bold?: boolean; size?: number; heading?: boolean; indent?: boolean } = {}
	) =>
		new Paragraph({
			alignment: opts.center ? AlignmentType.CENTER : AlignmentType.JUSTIFIED,
			indent: opts.indent ? { firstLine: 640 } : undefined,
			spacing: { line: 560 },
			children: [text(value, opts)]
		});
	const d = bulletinDocument(c, number);
	const table = (spec: TableSpec) =>
		new Table({
			width: { size: 100, type: WidthType.PERCENTAGE },
			rows: [spec.columns.map((col) => col.header), ...spec.rows, ...(spec.total ? [spec.total] : [])].map(
				(row, i) =>
					new TableRow({
						tableHeader: i === 0,
						children: row.map(
							(cell) =>
								new TableCell({
									children: [
										new Paragraph({
											children: [new TextRun({ text: String(cell ?? ''), bold: i === 0, size: 21 })]
										})
									]
								})
						)
					})
			)
		});
	const doc = new Document({
		sections: [
			{
				properties: { page: { size: { orientation: PageOrientation.PORTRAIT } } },
				children: [
					para(c.office, { center: true, size: 36, bold: true }),
					...(number ? [para(number, { center: true })] : []),
					para(c.title, { center: true, size: 44, bold: true, heading: true }),
					para(d.mainRecipients),
					...d.body.map((b) =>
						b.kind === 'heading1'
							? para(b.text, { heading: true })
							: para(b.kind === 'table' ? '' : b.text, { indent: true })
					),
					para(`${c.office}`, { center: false }),
					para(c.date, {}),
					...d.attachments.flatMap((a, i) => [
						para(`附件${i + 1} ${a.title}`, { heading: true }),
						...a.blocks.flatMap((b) => (b.kind === 'table' ? [table(b.table)] : []))
					])
				]
			}
		]
	});
	return new Uint8Array(await Packer.toBuffer(doc));
}

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
