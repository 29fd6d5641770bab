import type { ServiceContext } from '../context.ts';
import { getPlan } from './plans.ts';
import { listIndicators, type IndicatorView } from './indicators.ts';

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

export function planRows(ctx: ServiceContext, planId: number): PlanExportRow[] {
	return listIndicators(ctx, { planId, page: 1, pageSize: 1_000_000, sort: 'position' }).items.map(
		toExportRow
	);
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

function csvField(value: string): string {
	return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** UTF-8 with BOM so that Excel opens the Chinese text correctly. */
export function toCsv(rows: PlanExportRow[]): string {
	const lines = rows.map((r) =>
		[
			r.section1 ?? '',
			r.section2 ?? '',
			r.task,
			r.indicator,
			r.deadline_text,
			r.due_on ?? '',
			r.lead_unit,
			r.co_units.join('、'),
			r.units_text,
			r.targets.map(formatTarget).join('；')
		]
			.map(csvField)
			.join(',')
	);
	return '\uFEFF' + [CSV_HEADER.join(','), ...lines].join('\r\n') + '\r\n';
}

/** The layout of the original table (merged section and task cells) with the parsed columns added. */
export async function toXlsx(title: string, rows: PlanExportRow[]): Promise<Uint8Array<ArrayBuffer>> {
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
	ws.mergeCells(1, 1, 1, 10);
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
	ws.addRow(header).font = { bold: true };
	for (const r of rows) {
		ws.addRow([
			r.section1 ?? '',
			r.section2 ?? '',
			r.task,
			r.indicator,
			r.deadline_text,
			r.due_on ?? '未解析',
			r.lead_unit,
			r.co_units.join('、'),
			r.units_text,
			r.targets.map(formatTarget).join('；')
		]);
	}
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
	const rows = planRows(ctx, planId);
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
		body: await toXlsx(plan.title, rows),
		contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
		name: `${base}.xlsx`
	};
}
