// An OfficialDocument as a .docx laid out by GB/T 9704-2012: A4, 天头 37 mm, 订口 28 mm, 版心 156 × 225 mm,
// 22 lines × 28 characters of 3号仿宋, red masthead and line, 版记 on the last (even) page, page numbers
// "— 1 —" at the outside edge. Fonts are named as Chinese Windows knows them (eastAsia), with Latin
// fallbacks; on Linux LibreOffice substitutes a CJK font (Noto Serif/Sans CJK when installed).
import type { DocBlock, OfficialDocument, TableSpec } from '../../web/src/lib/rules/doc-model.ts';
import { xmlSafe } from './text.ts';
import {
	CHARS_PER_LINE,
	LINES_PER_PAGE,
	PAGE_MARGINS_MM,
	PAGE_MM,
	cellText,
	chineseDate,
	docNumberText,
	textWidth,
	titleLines
} from '../../web/src/lib/rules/official-doc.ts';

const twips = (mm: number) => Math.round((mm / 25.4) * 1440);
const TEXT_WIDTH = twips(PAGE_MM.textWidth);
/**
 * 225 mm / 22 lines ≈ 28.95 pt: the body's exact line spacing. No docGrid: LibreOffice snaps table rows
 * to a line grid too, and exact spacing alone gives the 22 lines in Word, WPS and LibreOffice.
 */
const LINE = Math.floor(twips(PAGE_MM.textHeight) / LINES_PER_PAGE); // 579 twips = 28.95 pt
/**
 * 28 characters of 16 pt are 448 pt, the 版心 is 442 pt wide: each character gives up a quarter point
 * (in twentieths). A docGrid with charSpace would do the same in Word, but LibreOffice widens the text
 * under such a grid to about 18 characters a line.
 */
const CHAR_SPACING = Math.floor(((TEXT_WIDTH / 20 / CHARS_PER_LINE - 16) * 20) / 1.25) * 1.25;

const font = (eastAsia: string, latin = 'Times New Roman') => ({
	eastAsia,
	ascii: latin,
	hAnsi: latin,
	cs: latin
});
const FONTS = {
	xiaobiaosong: font('方正小标宋简体'),
	fangsong: font('仿宋_GB2312'),
	heiti: font('黑体'),
	kaiti: font('楷体_GB2312'),
	songti: font('宋体', 'SimSun')
};
/** Sizes in half-points: 2号 22 pt, 3号 16 pt, 4号 14 pt, 小四 12 pt. */
const SIZE = { er: 44, san: 32, si: 28, xiaosi: 24 };
const RED = 'FF0000';
/** 4号 characters on a 版记 line: the 版心 less one character of margin each side. */
const RECORD_CHARS = Math.floor(((PAGE_MM.textWidth / 25.4) * 72) / 14) - 2;
const NUMERIC = new Set(['integer', 'decimal', 'percent']);

export async function officialDocx(input: OfficialDocument): Promise<Uint8Array<ArrayBuffer>> {
	const doc = xmlSafe(input);
	const d = await import('docx');
	const { AlignmentType, BorderStyle, LineRuleType, Paragraph, TextRun, WidthType } = d;

	type RunOpts = { font?: keyof typeof FONTS; size?: number; bold?: boolean; color?: string };
	const runProps = (text: string, o: RunOpts) => ({
		text,
		font: FONTS[o.font ?? 'fangsong'],
		size: o.size ?? SIZE.san,
		bold: o.bold,
		color: o.color,
		characterSpacing: (o.size ?? SIZE.san) === SIZE.san ? CHAR_SPACING : undefined
	});
	const run = (text: string, o: RunOpts = {}) => new TextRun(runProps(text, o));
	const exact = { line: LINE, lineRule: LineRuleType.EXACT, before: 0, after: 0 };
	type ParaOpts = RunOpts & {
		align?: (typeof AlignmentType)[keyof typeof AlignmentType];
		indent?: number; // characters of first-line indent
		right?: number; // characters of right indent
		pageBreakBefore?: boolean;
		keepNext?: boolean;
	};
	const para = (text: string | string[], o: ParaOpts = {}) =>
		new Paragraph({
			alignment: o.align ?? AlignmentType.JUSTIFIED,
			spacing: exact,
			indent: {
				firstLine: o.indent ? o.indent * (o.size ?? SIZE.san) * 10 : undefined,
				right: o.right ? o.right * SIZE.san * 10 : undefined
			},
			pageBreakBefore: o.pageBreakBefore,
			keepNext: o.keepNext,
			children: (Array.isArray(text) ? text : [text]).map(
				(t, i) => new TextRun({ ...runProps(t, o), break: i > 0 ? 1 : undefined })
			)
		});
	const blank = () => para('');

	const table = (spec: TableSpec) => {
		const total = spec.columns.reduce((s, c) => s + c.width, 0);
		const widths = spec.columns.map((c) => Math.floor((c.width / total) * TEXT_WIDTH));
		const cell = (text: string, col: number, o: { head?: boolean; bold?: boolean }) =>
			new d.TableCell({
				width: { size: widths[col]!, type: WidthType.DXA },
				verticalAlign: d.VerticalAlignTable.CENTER,
				margins: { left: 60, right: 60, top: 30, bottom: 30 },
				children: [
					new Paragraph({
						alignment:
							o.head || NUMERIC.has(spec.columns[col]!.kind) || spec.columns[col]!.header === '序号'
								? AlignmentType.CENTER
								: AlignmentType.LEFT,
						spacing: { line: 300, lineRule: LineRuleType.AUTO, before: 0, after: 0 },
						children: [run(text, { size: SIZE.xiaosi, font: o.head ? 'heiti' : 'fangsong', bold: o.bold })]
					})
				]
			});
		const rows = [
			new d.TableRow({
				tableHeader: true,
				cantSplit: true,
				children: spec.columns.map((c, i) => cell(c.header, i, { head: true }))
			}),
			...spec.rows.map(
				(r) =>
					new d.TableRow({
						cantSplit: true,
						children: spec.columns.map((c, i) => cell(cellText(r[i] ?? null, c.kind), i, {}))
					})
			),
			...(spec.total
				? [
						new d.TableRow({
							cantSplit: true,
							children: spec.columns.map((c, i) =>
								cell(cellText(spec.total![i] ?? null, c.kind), i, { bold: true })
							)
						})
					]
				: [])
		];
		const out: (InstanceType<typeof Paragraph> | InstanceType<typeof d.Table>)[] = [];
		if (spec.title)
			out.push(para(spec.title, { align: AlignmentType.CENTER, font: 'heiti', keepNext: true }));
		out.push(
			new d.Table({
				width: { size: TEXT_WIDTH, type: WidthType.DXA },
				columnWidths: widths,
				layout: d.TableLayoutType.FIXED,
				alignment: AlignmentType.CENTER,
				rows
			})
		);
		return out;
	};

	const blocks = (list: DocBlock[]) =>
		list.flatMap((b) => {
			if (b.kind === 'table') return table(b.table);
			if (b.kind === 'heading1') return [para(b.text, { font: 'heiti', indent: 2, keepNext: true })];
			if (b.kind === 'heading2') return [para(b.text, { font: 'kaiti', indent: 2, keepNext: true })];
			return b.text.split('\n').map((line) => para(line, { indent: 2 }));
		});

	const attachmentNote = doc.attachments.length
		? doc.attachments.map((a, i) =>
				doc.attachments.length === 1
					? para(`附件：${a.title}`, { indent: 2 })
					: // Later lines align under the first title: 附件： is three characters wide.
						new Paragraph({
							spacing: exact,
							indent: { left: 5 * SIZE.san * 10, hanging: i === 0 ? 3 * SIZE.san * 10 : undefined },
							children: [run(`${i === 0 ? '附件：' : ''}${i + 1}. ${a.title}`)]
						})
			)
		: [];

	const main = [
		// 发文机关标志: red 小标宋, its top 35 mm below the 版心's top edge.
		new Paragraph({
			alignment: AlignmentType.CENTER,
			spacing: {
				before: twips(35) - LINE,
				after: 0,
				line: Math.round(mastheadSize(doc.issuer) * 10 * 1.2),
				lineRule: LineRuleType.EXACT
			},
			children: [run(doc.issuer, { font: 'xiaobiaosong', size: mastheadSize(doc.issuer), color: RED })]
		}),
		blank(),
		// 发文字号 centred, then the red line 4 mm below it, as wide as the 版心.
		new Paragraph({
			alignment: AlignmentType.CENTER,
			spacing: exact,
			border: { bottom: { style: BorderStyle.SINGLE, size: 12, color: RED, space: 11 } },
			children: [run(docNumberText(doc.docNumber, doc.year))]
		}),
		blank(),
		para(titleLines(doc.title), { align: AlignmentType.CENTER, font: 'xiaobiaosong', size: SIZE.er }),
		blank(),
		para(doc.mainRecipients, { align: AlignmentType.LEFT }),
		...blocks(doc.body),
		...(attachmentNote.length ? [blank(), ...attachmentNote] : []),
		blank(),
		blank(),
		para(doc.signature, { align: AlignmentType.RIGHT, right: 4 }),
		para(chineseDate(doc.date), { align: AlignmentType.RIGHT, right: 4 }),
		...doc.attachments.flatMap((a, i) => [
			para(doc.attachments.length === 1 ? '附件' : `附件${i + 1}`, {
				font: 'heiti',
				align: AlignmentType.LEFT,
				pageBreakBefore: true
			}),
			blank(),
			para(titleLines(a.title), { align: AlignmentType.CENTER, font: 'xiaobiaosong', size: SIZE.er }),
			blank(),
			...blocks(a.blocks)
		]),
		blank()
	];

	// 版记: 抄送, then 印发机关 (left) and 印发日期 (right), between thick outer and thin inner lines.
	const line = (size: number) => ({ style: BorderStyle.SINGLE, size, color: '000000' });
	const noBorder = { style: BorderStyle.NONE, size: 0, color: 'FFFFFF' };
	const recordRow = (children: InstanceType<typeof Paragraph>[], top: number, bottom: number) =>
		new d.TableRow({
			children: [
				new d.TableCell({
					width: { size: TEXT_WIDTH, type: WidthType.DXA },
					borders: { top: line(top), bottom: line(bottom), left: noBorder, right: noBorder },
					margins: { left: SIZE.si * 10, right: SIZE.si * 10, top: 60, bottom: 60 },
					children
				})
			]
		});
	const recordPara = (text: string, rightText?: string) =>
		new Paragraph({
			spacing: { line: 360, lineRule: LineRuleType.EXACT, before: 0, after: 0 },
			tabStops: rightText
				? [{ type: d.TabStopType.RIGHT, position: TEXT_WIDTH - 2 * SIZE.si * 10 }]
				: undefined,
			children: [run(rightText ? `${text}\t${rightText}` : text, { size: SIZE.si })]
		});
	const printedOn = `${chineseDate(doc.printedOn)}印发`;
	const record = new d.Table({
		width: { size: TEXT_WIDTH, type: WidthType.DXA },
		columnWidths: [TEXT_WIDTH],
		layout: d.TableLayoutType.FIXED,
		borders: d.TableBorders.NONE,
		rows: doc.copyTo
			? [
					recordRow([recordPara(`抄送：${doc.copyTo.replace(/[。.]$/, '')}。`)], 8, 4),
					recordRow([recordPara(doc.printedBy, printedOn)], 4, 8)
				]
			: [recordRow([recordPara(doc.printedBy, printedOn)], 8, 8)]
	});

	// The page holds nothing else: an exact-height spacer puts the record at the 版心's foot (LibreOffice
	// ignores a section's vertical alignment).
	const recordLines = (doc.copyTo ? Math.ceil(textWidth(`抄送：${doc.copyTo}。`) / RECORD_CHARS) : 0) + 1;
	const spacer = new Paragraph({
		spacing: {
			line: twips(PAGE_MM.textHeight) - recordLines * 360 - (doc.copyTo ? 2 : 1) * 120 - 200,
			lineRule: LineRuleType.EXACT
		},
		children: []
	});
	const pageNumber = (align: 'left' | 'right') =>
		new d.Footer({
			children: [
				new Paragraph({
					alignment: align === 'right' ? AlignmentType.RIGHT : AlignmentType.LEFT,
					indent: align === 'right' ? { right: SIZE.si * 10 } : { left: SIZE.si * 10 },
					children: [
						new TextRun({ children: ['— ', d.PageNumber.CURRENT, ' —'], font: FONTS.songti, size: SIZE.si })
					]
				})
			]
		});
	const page = {
		size: {
			width: twips(PAGE_MM.width),
			height: twips(PAGE_MM.height),
			orientation: d.PageOrientation.PORTRAIT
		},
		margin: {
			top: twips(PAGE_MARGINS_MM.top),
			left: twips(PAGE_MARGINS_MM.left),
			right: twips(PAGE_MARGINS_MM.right),
			bottom: twips(PAGE_MARGINS_MM.bottom),
			header: twips(15),
			// The page number's lower edge sits about 7 mm below the 版心.
			footer: twips(PAGE_MARGINS_MM.bottom - 7 - 5),
			gutter: 0
		}
	};
	const empty = new d.Footer({ children: [new Paragraph({})] });
	const document = new d.Document({
		evenAndOddHeaderAndFooters: true,
		styles: {
			default: {
				document: { run: { font: FONTS.fangsong, size: SIZE.san }, paragraph: { spacing: exact } }
			}
		},
		sections: [
			{
				properties: { page },
				footers: { default: pageNumber('right'), even: pageNumber('left') },
				children: main
			},
			{
				// The 版记 page: the last, even page, at its foot, without a page number.
				properties: { page, type: d.SectionType.EVEN_PAGE },
				footers: { default: empty, even: empty },
				children: [spacer, record]
			}
		]
	});
	return new Uint8Array(await d.Packer.toBuffer(document));
}

/** The masthead as large as fits the 版心 on one line (at most 48 pt), in half-points. */
function mastheadSize(issuer: string): number {
	const perChar = ((PAGE_MM.textWidth / 25.4) * 72) / Math.max(1, [...issuer].length);
	return Math.min(96, Math.floor(perChar * 2 * 0.9));
}
