import { xmlSafe } from '../lib/text.ts';
import { inferColumns, printWorkbook } from '../lib/print-workbook.ts';
import type { BulletinContent } from './bulletin-content.ts';

const SECTION_TITLES = ['一、总体情况', '二、分领域进展', '三、各单位情况', '四、存在问题'] as const;

export type TableSpec = { title: string; head: string[]; rows: (string | number | null)[][] };

/** The attachment tables of a bulletin, in the order they are printed. */
export function bulletinTables(c: BulletinContent): TableSpec[] {
	const arrow = (n: number | null) => (n === null ? '—' : n > 0 ? `↑${n}` : n < 0 ? `↓${-n}` : '—');
	return [
		{
			title: '附件1 分领域进展',
			head: ['领域', '指标数', '已完成', '红灯', '黄灯', '正常'],
			rows: c.tables.sections.map((s) => [s.name, s.total, s.completed, s.red, s.yellow, s.green])
		},
		{
			title: '附件2 各单位得分排名',
			head: ['排名', '单位', '得分', '名次变化', '未报月报', '逾期月报', '牵头红灯', '配合红灯'],
			rows: c.tables.ranking.map((r) => [
				r.rank,
				r.unit,
				r.score,
				arrow(r.change),
				r.missing,
				r.late,
				r.redLead,
				r.redCo
			])
		},
		{
			title: '附件3 红灯清单',
			head: ['责任单位', '工作任务', '具体指标', '完成时限', '逾期天数'],
			rows: c.tables.redList.map((r) => [r.unit, r.task, r.indicator, r.dueOn, r.daysOverdue])
		},
		{
			title: '附件4 月报报送情况',
			head: ['单位', '报送情况'],
			rows: c.tables.reportStatus.map((r) => [r.unit, r.status])
		},
		{
			title: '附件5 进展趋势',
			head: ['统计日期', '已完成指标', '红灯指标', '月报报送率'],
			rows: c.tables.trend.map((t) => [
				t.date,
				t.completed,
				t.red,
				t.submissionRate === null ? '—' : `${t.submissionRate}%`
			])
		}
	];
}

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
	const body = [c.texts.overview, c.texts.sections, c.texts.units, c.texts.problems];
	const table = (spec: TableSpec) =>
		new Table({
			width: { size: 100, type: WidthType.PERCENTAGE },
			rows: [spec.head, ...spec.rows].map(
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
					...SECTION_TITLES.flatMap((title, i) => [
						para(title, { heading: true }),
						...body[i]!.split('\n').map((line) => para(line, { indent: true }))
					]),
					para(`${c.office}`, { center: false }),
					para(c.date, {}),
					...bulletinTables(c).flatMap((spec) => [para(spec.title, { heading: true }), table(spec)])
				]
			}
		]
	});
	return new Uint8Array(await Packer.toBuffer(doc));
}

/** The bulletin's tables as a printable workbook, one sheet each. */
export async function bulletinXlsx(content: BulletinContent): Promise<Uint8Array<ArrayBuffer>> {
	const tables = bulletinTables(content).map((t) => ({
		title: t.title,
		columns: inferColumns(t.head, t.rows),
		rows: t.rows
	}));
	return printWorkbook(
		tables,
		tables.map((t) => ({ name: t.title.replace(/^附件\d+ /, '') }))
	);
}
