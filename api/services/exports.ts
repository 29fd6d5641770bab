import { sql } from 'drizzle-orm';
import type { ServiceContext } from '../context.ts';
import { getPlan } from './plans.ts';
import { listIndicators, type IndicatorFilter, type IndicatorView } from './indicators.ts';
import { csvText, tableFile, type Cell } from '../lib/table-file.ts';
import { xmlSafe } from '../lib/text.ts';
import { SUBMITTED_STATUSES } from '../../web/src/lib/rules/enums.ts';

export const EXPORT_FORMATS = ['json', 'csv', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export type PlanExportRow = {
	section1: string | null;
	section2: string | null;
	task: string;
	indicator: string;
	deadline_text: string;
	due_on: string | null;
	lead_unit: string;
	co_units: string[];
	units_text: string;
	targets: { label: string; op: string; value: number; unit: string }[];
};

const OPS: Record<string, string> = { '>=': '≥', '>': '>', '=': '=', '<=': '≤', '<': '<' };

/** Units of one role as the table names them: a group stands for its members, a placeholder for itself. */
function namesOf(view: IndicatorView, role: 'lead' | 'co'): string[] {
	const units = role === 'lead' ? view.leadUnits : view.coUnits;
	const names = units.map((u) => u.via ?? u.name);
	const pending = view.pendingGroups.filter((p) => p.role === role && !p.resolved).map((p) => p.name);
	// In the order the table lists them.
	const position = (name: string) => view.unitsText.indexOf(name) + 1 || Infinity;
	return [...new Set([...names, ...pending])].sort((a, b) => position(a) - position(b));
}

export function toExportRow(view: IndicatorView): PlanExportRow {
	return {
		section1: view.section1?.name ?? null,
		section2: view.section2?.name ?? null,
		task: view.task.title,
		indicator: view.text,
		deadline_text: view.deadlineText,
		due_on: view.dueOn,
		lead_unit: namesOf(view, 'lead').join('、'),
		co_units: namesOf(view, 'co'),
		units_text: view.unitsText,
		targets: view.targets.map(({ label, op, value, unit }) => ({ label, op, value, unit }))
	};
}

export const formatTarget = (t: PlanExportRow['targets'][number]) =>
	`${t.label}${OPS[t.op]}${t.value}${t.unit}`;

export function planViews(ctx: ServiceContext, planId: number): IndicatorView[] {
	return listIndicators(ctx, { planId, page: 1, pageSize: 1_000_000, sort: 'position' }).items;
}

const CSV_HEADER = [
	'section1',
	'section2',
	'task',
	'indicator',
	'deadline_text',
	'due_on',
	'lead_unit',
	'co_units',
	'units_text',
	'targets'
];

/** A row's cells in the original table's column order (CSV and workbook alike). */
function planCells(r: PlanExportRow): Cell[] {
	return [
		r.section1,
		r.section2,
		r.task,
		r.indicator,
		r.deadline_text,
		r.due_on,
		r.lead_unit,
		r.co_units.join('、'),
		r.units_text,
		r.targets.map(formatTarget).join('；')
	];
}

/** UTF-8 with BOM so that Excel opens the Chinese text correctly. */
export function toCsv(rows: PlanExportRow[]): string {
	return csvText(CSV_HEADER, rows.map(planCells));
}

/** The indicator list under the caller's current filter, as a download. */
export async function exportIndicatorList(
	ctx: ServiceContext,
	filter: IndicatorFilter,
	format: 'csv' | 'xlsx'
) {
	const views = listIndicators(ctx, { ...filter, page: 1, pageSize: 1_000_000 }).items;
	const status = statusColumns(ctx, views);
	const head = [
		'一级领域',
		'二级领域',
		'工作任务',
		'具体指标',
		'完成时间',
		'截止日期',
		'原定日期',
		'牵头单位',
		'配合单位',
		'状态',
		'完成日期',
		'最新进展'
	];
	const rows = views.map((v, i) => {
		const r = toExportRow(v);
		return [
			r.section1,
			r.section2,
			r.task,
			r.indicator,
			r.deadline_text,
			r.due_on,
			status[i]!.originalDueOn,
			r.lead_unit,
			r.co_units.join('、'),
			LIGHT_TEXT[v.light] ?? v.light,
			status[i]!.completedOn,
			status[i]!.latestProgress
		];
	});
	return { ...(await tableFile(format, '指标清单', head, rows)), name: `指标清单.${format}` };
}

export type StatusColumns = {
	light: string;
	completedOn: string | null;
	originalDueOn: string | null;
	latestProgress: string;
};

export const LIGHT_TEXT: Record<string, string> = {
	red: '红灯',
	yellow: '黄灯',
	green: '正常',
	completed_on_time: '按期完成',
	completed_late: '逾期完成'
};

const LIGHT_FILL: Record<string, string> = {
	red: 'FFF4CCCC',
	yellow: 'FFFFF2CC',
	green: 'FFE2F0D9',
	completed_on_time: 'FFDDEBF7',
	completed_late: 'FFEDEDED'
};

/** Today's status of each indicator: light, completion date, original due date, the latest progress reported. */
export function statusColumns(ctx: ServiceContext, views: IndicatorView[]): StatusColumns[] {
	const latest = new Map(
		ctx.db
			.all<{ indicatorId: number; progress: string; period: string; unit: string }>(
				sql`select ri.indicator_id as indicatorId, ri.progress, r.period, u.name as unit from report_item ri
					join report r on r.id = ri.report_id join unit u on u.id = r.unit_id
					where r.status in ${SUBMITTED_STATUSES} and ri.progress <> ''
					order by r.period, ri.role = 'lead', r.submitted_at`
			)
			.map((r) => [r.indicatorId, `${r.period} ${r.unit}：${r.progress}`])
	);
	return views.map((v) => ({
		light: v.light,
		completedOn: v.completedOn,
		originalDueOn: v.originalDueOn,
		latestProgress: latest.get(v.id) ?? ''
	}));
}

export async function toXlsx(
	planTitle: string,
	planRows: PlanExportRow[],
	planStatus?: StatusColumns[]
): Promise<Uint8Array<ArrayBuffer>> {
	const [title, rows, status] = xmlSafe([planTitle, planRows, planStatus] as const);
	const { default: Excel } = await import('exceljs');
	const wb = new Excel.Workbook();
	const ws = wb.addWorksheet('任务分工表', { views: [{ state: 'frozen', ySplit: 2 }] });
	ws.columns = [
		{ width: 14 },
		{ width: 18 },
		{ width: 22 },
		{ width: 60 },
		{ width: 16 },
		{ width: 12 },
		{ width: 18 },
		{ width: 30 },
		{ width: 36 },
		{ width: 30 }
	];
	if (status) ws.columns = [...ws.columns, { width: 10 }, { width: 12 }, { width: 12 }, { width: 50 }];
	ws.mergeCells(1, 1, 1, status ? 14 : 10);
	ws.getCell(1, 1).value = `${title}任务分工表`;
	ws.getCell(1, 1).font = { bold: true, size: 14 };
	ws.getCell(1, 1).alignment = { horizontal: 'center' };
	const header = [
		'一级领域',
		'二级领域',
		'工作任务',
		'具体指标',
		'完成时间',
		'截止日期',
		'牵头单位',
		'配合单位',
		'责任单位',
		'量化目标'
	];
	ws.addRow(status ? [...header, '状态', '原定日期', '完成日期', '最新进展'] : header).font = { bold: true };
	rows.forEach((r, i) => {
		const st = status?.[i];
		const cells = planCells(r);
		cells[5] ??= '未解析'; // due_on: the deadline text had no date
		const row = ws.addRow([
			...cells.map((c) => c ?? ''),
			...(st
				? [LIGHT_TEXT[st.light] ?? st.light, st.originalDueOn ?? '', st.completedOn ?? '', st.latestProgress]
				: [])
		]);
		if (st)
			row.getCell(11).fill = {
				type: 'pattern',
				pattern: 'solid',
				fgColor: { argb: LIGHT_FILL[st.light] ?? 'FFFFFFFF' }
			};
	});
	// Merge runs of equal section and task cells, as the original table does.
	const firstData = 3;
	for (const col of [1, 2, 3]) {
		let start = firstData;
		for (let i = firstData; i <= rows.length + firstData; i++) {
			const key = (row: number) =>
				[1, 2, 3]
					.filter((c) => c <= col)
					.map((c) => String(ws.getCell(row, c).value ?? ''))
					.join('\u0000');
			if (i === rows.length + firstData || key(i) !== key(start)) {
				if (i - 1 > start) ws.mergeCells(start, col, i - 1, col);
				start = i;
			}
		}
	}
	ws.eachRow((row) => {
		row.eachCell((cell) => {
			cell.alignment = { vertical: 'middle', wrapText: true, ...cell.alignment };
			cell.border = {
				top: { style: 'thin' },
				left: { style: 'thin' },
				bottom: { style: 'thin' },
				right: { style: 'thin' }
			};
		});
	});
	return new Uint8Array(await wb.xlsx.writeBuffer());
}

export async function exportPlan(ctx: ServiceContext, planId: number, format: ExportFormat) {
	const plan = getPlan(ctx, planId);
	const views = planViews(ctx, planId);
	const rows = views.map(toExportRow);
	const base = `${plan.year}-任务分工表`;
	if (format === 'json') {
		return {
			body: JSON.stringify(rows, null, 2),
			contentType: 'application/json; charset=utf-8',
			name: `${base}.json`
		};
	}
	if (format === 'csv') {
		return {
			body: toCsv(rows),
			contentType: 'text/csv; charset=utf-8',
			name: `${base}.csv`
		};
	}
	return {
		// The spreadsheet also carries today's status: lights, dates and the latest progress.
		body: await toXlsx(plan.title, rows, statusColumns(ctx, views)),
		contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
		name: `${base}.xlsx`
	};
}
