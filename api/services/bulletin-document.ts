import {
	OVERDUE_COLUMNS,
	RANKING_COLUMNS,
	type DocBlock,
	type OfficialDocument,
	type TableColumn,
	type TableSpec
} from '../../web/src/lib/rules/doc-model.ts';
import { chineseNumber } from '../../web/src/lib/rules/chinese.ts';
import { placeOf } from '../../web/src/lib/rules/official-doc.ts';
import { unitsText } from './bulletin-facts.ts';
import { HEADINGS, TEXT_KEYS, type BulletinContent } from './bulletin-content.ts';
import { COMPONENT_NAMES, COMPONENTS } from './ranking.ts';

const col = (header: string, kind: TableColumn['kind'], width: number): TableColumn => ({
	header,
	kind,
	width
});
const NO = col('序号', 'integer', 3);
const sum = (rows: (string | number | null)[][], i: number) =>
	Math.round(rows.reduce((a, r) => a + (typeof r[i] === 'number' ? (r[i] as number) : 0), 0) * 100) / 100;
const numbered = (rows: (string | number | null)[][]) => rows.map((r, i) => [i + 1, ...r]);

/** The attachment tables, typed, with 序号 and 合计 rows; the page, the .docx and the workbook all print these. */
export function bulletinTables(c: BulletinContent): TableSpec[] {
	const t = c.tables;
	const out: TableSpec[] = [];
	const sectionRows = numbered(
		t.sections.map((s) => [
			s.name,
			s.total,
			s.completed,
			s.total ? s.completed / s.total : null,
			s.red,
			s.yellow,
			s.green
		])
	);
	out.push({
		title: '分领域进展情况',
		columns: [
			NO,
			col('领域', 'text', 16),
			col('指标数', 'integer', 4),
			col('已完成', 'integer', 4),
			col('完成率', 'percent', 5),
			col('红灯', 'integer', 4),
			col('黄灯', 'integer', 4),
			col('正常', 'integer', 4)
		],
		rows: sectionRows,
		total: [
			'合计',
			'',
			sum(sectionRows, 2),
			sum(sectionRows, 3),
			sum(sectionRows, 2) ? sum(sectionRows, 3) / sum(sectionRows, 2) : null,
			sum(sectionRows, 5),
			sum(sectionRows, 6),
			sum(sectionRows, 7)
		]
	});
	if (t.targets.length)
		out.push({
			title: '量化目标完成情况',
			columns: [
				NO,
				col('具体指标', 'text', 18),
				col('目标', 'text', 8),
				col('目标值', 'decimal', 5),
				col('累计完成', 'decimal', 5),
				col('本期新增', 'decimal', 5),
				col('完成率', 'percent', 5),
				col('单位', 'text', 5)
			],
			rows: numbered(
				t.targets.map((x) => [
					x.indicator,
					x.label,
					x.target,
					x.actual,
					x.actual === null ? null : Math.round((x.actual - (x.previous ?? 0)) * 100) / 100,
					x.rate === null ? null : x.rate / 100,
					x.unit
				])
			)
		});
	if (t.ranking.length)
		out.push({
			title: '各单位得分排名',
			columns: [
				RANKING_COLUMNS.category,
				RANKING_COLUMNS.rank,
				RANKING_COLUMNS.unit,
				RANKING_COLUMNS.score,
				...COMPONENTS.map((k) => col(COMPONENT_NAMES[k], 'decimal', 4)),
				RANKING_COLUMNS.change
			],
			rows: t.ranking.map((r) => [
				r.category,
				r.rank,
				r.unit.name,
				r.score,
				...COMPONENTS.map((k) => r.components[k]),
				r.change === null ? '—' : r.change > 0 ? `↑${r.change}` : r.change < 0 ? `↓${-r.change}` : '—'
			])
		});
	const overdueRows = numbered(t.overdue.map((r) => [r.indicator, unitsText(r), r.dueOn, r.daysOverdue]));
	out.push({
		title: '逾期未完成指标清单',
		columns: [
			NO,
			OVERDUE_COLUMNS.indicator,
			OVERDUE_COLUMNS.units,
			OVERDUE_COLUMNS.dueOn,
			OVERDUE_COLUMNS.daysOverdue
		],
		rows: overdueRows,
		total: ['合计', `${overdueRows.length}项`, '', null, null]
	});
	if (t.week) {
		const w = t.week;
		out.push({
			title: '本周动态',
			columns: [NO, col('事项', 'text', 8), col('内容', 'text', 28), col('日期', 'date', 8)],
			rows: numbered([
				...w.reported.map((r) => [
					'报送月报',
					`${r.unit} ${r.period}月报${r.late ? '（逾期）' : ''}`,
					new Date(r.at + 8 * 3600_000).toISOString().slice(0, 10)
				]),
				...w.completed.map((i) => ['完成指标', `${i.text}（${i.units ?? '待明确'}）`, i.completedOn]),
				...w.fellOverdue.map((i) => ['新增逾期', `${i.text}（${i.units ?? '待明确'}）`, i.dueOn]),
				...w.becameDue.map((i) => ['本周到期', `${i.text}（${i.units ?? '待明确'}）`, i.dueOn]),
				...w.urged.map((n) => ['督办通知', `${n.number} ${n.unit}`, n.issuedOn])
			])
		});
	}
	const grouped = new Map<string, string[]>();
	for (const r of t.reportStatus) grouped.set(r.status, [...(grouped.get(r.status) ?? []), r.unit]);
	const reportRows = [...grouped].map(([status, units]) => [status, units.length, units.join('、')]);
	out.push({
		title: '月报报送情况',
		columns: [col('报送情况', 'text', 6), col('单位数', 'integer', 4), col('单位', 'text', 30)],
		rows: reportRows,
		total: ['合计', sum(reportRows, 1), '']
	});
	if (t.dueNext.length)
		out.push({
			title: c.week ? '下周到期指标' : '下月到期指标',
			columns: [
				NO,
				col('具体指标', 'text', 24),
				col('牵头单位', 'text', 8),
				col('配合单位', 'text', 10),
				col('完成时限', 'date', 8)
			],
			rows: numbered(t.dueNext.map((d) => [d.indicator, d.lead, d.co, d.dueOn]))
		});
	return out;
}

const paragraphs = (text: string | undefined): DocBlock[] =>
	(text ?? '')
		.split(/\n+/)
		.map((p) => p.trim())
		.filter(Boolean)
		.map((p) => ({ kind: 'paragraph', text: p }));

/** The bulletin as an official document: 一、二、三 headings over the text parts, the tables as 附件. */
export function bulletinDocument(c: BulletinContent, number: string | null): OfficialDocument {
	const keys = TEXT_KEYS.filter((k) => c.texts[k]?.trim());
	const tables = bulletinTables(c);
	return {
		issuer: c.office,
		docNumber: number,
		year: Number(c.date.slice(0, 4)),
		title: c.title,
		// A level's goes to the units under it; the province's to the cities and the provincial departments.
		mainRecipients: c.issuer ? `${placeOf(c.issuer.name)}各有关单位：` : '各设区市政府，省级有关单位：',
		body: [
			...keys.flatMap((k, i): DocBlock[] => [
				{ kind: 'heading1', text: `${chineseNumber(i + 1)}、${HEADINGS[k]}` },
				...paragraphs(c.texts[k])
			])
		],
		attachments: tables.map((table) => ({ title: table.title, blocks: [{ kind: 'table', table }] })),
		signature: c.office,
		date: c.date,
		copyTo: null,
		printedBy: c.office,
		printedOn: c.date
	};
}
