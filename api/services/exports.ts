import { sql } from 'drizzle-orm';
import { subtreeOnly } from './access.ts';
import type { ServiceContext } from '../context.ts';
import { getPlan } from './plans.ts';
import { listIndicators, type IndicatorFilter, type IndicatorView } from './indicators.ts';
import { csvText, tableFile, type Cell } from '../lib/table-file.ts';
import { namesIn, type ExportLang } from '../lib/export-headers.ts';
import { addPrintSheet } from '../lib/print-workbook.ts';
import {
	PLAN_COLUMNS,
	PLAN_STATUS_COLUMNS,
	type TableColumn,
	type TableSpec
} from '../../web/src/lib/rules/doc-model.ts';
import { SUBMITTED_STATUSES } from '../../web/src/lib/rules/enums.ts';
import { query } from '../../db/client.ts';

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
	targets: {
		label: string;
		op: string;
		value: number;
		unit: string;
		/** A unit's handed-down part: the value is its share of this whole (its parent's goal, or the plan's). */
		share: { of: string | null; whole: number } | null;
	}[];
};

const OPS: Record<string, string> = { '>=': '≥', '>': '>', '=': '=', '<=': '≤', '<': '<' };

/**
 * Units of one role as the table names them, in the table's order: a group stands for its members
 * (各设区市政府), an unresolved placeholder for itself (省级有关单位 待明确), and a resolved placeholder
 * gives way to the units the office named, where the placeholder stood.
 */
function namesOf(view: IndicatorView, role: 'lead' | 'co'): string[] {
	const units = role === 'lead' ? view.leadUnits : view.coUnits;
	const resolved = new Set(view.pendingGroups.filter((p) => p.resolved).map((p) => p.name));
	const named = units.map((u) =>
		u.via && resolved.has(u.via)
			? { name: u.name, at: u.via }
			: { name: u.via ?? u.name, at: u.via ?? u.name }
	);
	const pending = view.pendingGroups
		.filter((p) => p.role === role && !p.resolved)
		.map((p) => ({ name: p.name, at: p.name }));
	const position = (name: string) => view.unitsText.indexOf(name) + 1 || Infinity;
	const ordered = [...named, ...pending].sort((a, b) => position(a.at) - position(b.at));
	return [...new Set(ordered.map((u) => u.name))];
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
		targets: view.targets.map(({ label, op, value, unit, share }) => ({
			label,
			op,
			value,
			unit,
			share: share && { of: share.of, whole: share.whole }
		}))
	};
}

/** “应用≥5个”; a unit's share “应用≥3个（本单位分解目标，杭州市政府目标5个）”, as its form says it. */
export const formatTarget = (t: PlanExportRow['targets'][number]) =>
	`${t.label}${OPS[t.op]}${t.value}${t.unit}` +
	(t.share ? `（本单位分解目标，${t.share.of ?? '全省'}目标${t.share.whole}${t.unit}）` : '');

export async function planViews(ctx: ServiceContext, planId: number): Promise<IndicatorView[]> {
	return (await listIndicators(ctx, { planId, page: 1, pageSize: 1_000_000, sort: 'position' })).items;
}

/** The CSV's columns: the plan table's, as the workbook names them (JSON keeps the machine keys). */
const CSV_HEADER = [
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
export function toCsv(rows: PlanExportRow[], lang: ExportLang = 'zh'): string {
	return csvText(namesIn(lang, CSV_HEADER), rows.map(planCells));
}

/** The indicator list under the caller's current filter, as a download. */
export async function exportIndicatorList(
	ctx: ServiceContext,
	filter: IndicatorFilter,
	format: 'csv' | 'xlsx',
	lang: ExportLang = 'zh'
) {
	const views = (await listIndicators(ctx, { ...filter, page: 1, pageSize: 1_000_000 })).items;
	const status = await statusColumns(ctx, views);
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
	return { ...(await tableFile(format, '指标清单', head, rows, lang)), name: `指标清单.${format}` };
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
export async function statusColumns(ctx: ServiceContext, views: IndicatorView[]): Promise<StatusColumns[]> {
	const latest = new Map(
		(
			await query<{ indicatorId: number; progress: string; period: string; unit: string }>(
				ctx.db,
				sql`select ri.indicator_id as "indicatorId", ri.progress, r.period, u.name as unit from report_item ri
					join report r on r.id = ri.report_id join unit u on u.id = r.unit_id
					where r.status in ${SUBMITTED_STATUSES} and ri.progress <> ''
						and ${subtreeOnly(ctx.actor!, sql`r.unit_id`) ?? sql`1 = 1`}
					order by r.period, ri.role = 'lead', r.submitted_at`
			)
		).map((r) => [r.indicatorId, `${r.period} ${r.unit}：${r.progress}`])
	);
	return views.map((v) => ({
		light: v.light,
		completedOn: v.completedOn,
		originalDueOn: v.originalDueOn,
		latestProgress: latest.get(v.id) ?? ''
	}));
}

const PLAN: TableColumn[] = Object.values(PLAN_COLUMNS);
const STATUS: TableColumn[] = Object.values(PLAN_STATUS_COLUMNS);

/**
 * The plan in the original table's layout (sections and tasks merged) on A4 landscape, one page wide,
 * with today's status when given.
 */
export async function toXlsx(
	planTitle: string,
	planRows: PlanExportRow[],
	planStatus?: StatusColumns[],
	lang: ExportLang = 'zh'
): Promise<Uint8Array<ArrayBuffer>> {
	const columns = planStatus ? [...PLAN, ...STATUS] : PLAN;
	const headers = namesIn(
		lang,
		columns.map((c) => c.header)
	);
	const spec: TableSpec = {
		title: lang === 'en' ? `${planTitle} — task division table` : `${planTitle}任务分工表`,
		columns: columns.map((c, i) => ({ ...c, header: headers[i]! })),
		rows: planRows.map((r, i) => {
			const cells = planCells(r).filter((_, i) => i !== 8); // 责任单位: see PLAN_COLUMNS
			cells[5] ??= '未解析'; // due_on: the deadline text had no date
			const st = planStatus?.[i];
			return st
				? [...cells, LIGHT_TEXT[st.light] ?? st.light, st.originalDueOn, st.completedOn, st.latestProgress]
				: cells;
		})
	};
	const { default: Excel } = await import('exceljs');
	const wb = new Excel.Workbook();
	addPrintSheet(wb, spec, {
		name: '任务分工表',
		mergeLeading: 3,
		fill: (row, col) =>
			planStatus && col === PLAN.length ? (LIGHT_FILL[planStatus[row]!.light] ?? null) : null
	});
	return new Uint8Array(await wb.xlsx.writeBuffer());
}

export async function exportPlan(
	ctx: ServiceContext,
	planId: number,
	format: ExportFormat,
	lang: ExportLang = 'zh'
) {
	const plan = await getPlan(ctx, planId);
	const views = await planViews(ctx, planId);
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
			body: toCsv(rows, lang),
			contentType: 'text/csv; charset=utf-8',
			name: `${base}.csv`
		};
	}
	return {
		// The spreadsheet also carries today's status: lights, dates and the latest progress.
		body: await toXlsx(plan.title, rows, await statusColumns(ctx, views), lang),
		contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
		name: `${base}.xlsx`
	};
}
