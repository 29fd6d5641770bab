import type { AssignmentRole } from '../schema/constants.ts';
import { findHeaderRow, mapHeaders, missingColumns, type ColumnKey, type ColumnMap } from './columns.ts';
import { normaliseCell } from './parse/normalise.ts';
import { parseDeadline } from './parse/deadline.ts';
import { closestNames, splitUnits } from './parse/units.ts';
import { parseTargets, type Target } from './parse/targets.ts';
import type { RawTable } from './read-table.ts';

export type Issue = { row: number; column: string; message: string };

export type UnitRef =
	| { type: 'unit'; name: string; role: AssignmentRole }
	| { type: 'group'; name: string; role: AssignmentRole }
	| { type: 'new'; name: string; role: AssignmentRole };

export type ImportRow = {
	row: number;
	section1: string | null;
	section2: string | null;
	task: string;
	indicator: string;
	deadlineText: string;
	dueOn: string | null;
	recurrence: 'monthly' | null;
	unitsText: string;
	units: UnitRef[];
	targets: Target[];
};

export type Directory = { units: ReadonlySet<string>; groups: ReadonlySet<string> };

export type Analysis = {
	rows: ImportRow[];
	errors: Issue[];
	warnings: Issue[];
	newUnits: string[];
};

type Options = { planYear: number; directory: Directory; createUnits: boolean };

const FILL_DOWN: ColumnKey[] = ['section1', 'section2', 'task'];

/** Turns a raw sheet into import rows plus every row error and warning; it never touches the database. */
export function analyseTable(table: RawTable, opts: Options): Analysis {
	const errors: Issue[] = [];
	const warnings: Issue[] = [];
	const headerIndex = findHeaderRow(table.rows);
	const headerRow = table.rows[headerIndex];
	const columns: ColumnMap = headerRow ? mapHeaders(headerRow.cells) : {};
	const missing = missingColumns(columns);
	if (!headerRow || missing.length) {
		const found = (headerRow?.cells ?? table.rows[0]?.cells ?? []).map((c) => c.trim()).filter(Boolean);
		errors.push({
			row: headerRow?.rowNumber ?? 1,
			column: '',
			message: `缺少必需的列：${missing.join('、') || '工作任务、完成时间、责任单位'}。找到的列：${found.join('、') || '（无）'}`
		});
		return { rows: [], errors, warnings, newUnits: [] };
	}

	const header = (key: ColumnKey) => columns[key]?.header ?? '';
	const rows: ImportRow[] = [];
	const newUnits = new Set<string>();
	const last: Partial<Record<ColumnKey, string>> = {};

	for (const raw of table.rows.slice(headerIndex + 1)) {
		const get = (key: ColumnKey) => {
			const col = columns[key];
			return col ? normaliseCell(raw.cells[col.index] ?? '') : '';
		};
		const values = Object.fromEntries(
			(Object.keys(columns) as ColumnKey[]).map((k) => [k, get(k)])
		) as Partial<Record<ColumnKey, string>>;
		if (Object.values(values).every((v) => !v)) continue;
		// A repeated header (page breaks in pasted tables) is not data.
		if (Object.values(columns).every((col) => (raw.cells[col.index] ?? '').trim() === col.header)) continue;
		for (const key of FILL_DOWN) {
			if (columns[key] && !values[key]) values[key] = last[key];
			else if (values[key]) last[key] = values[key];
		}
		const rowIssues: Issue[] = [];
		const fail = (key: ColumnKey, message: string) =>
			rowIssues.push({ row: raw.rowNumber, column: header(key), message });

		const indicator = values.indicator || values.task || '';
		const task = values.task || values.indicator || '';
		if (!indicator) fail(columns.indicator ? 'indicator' : 'task', '指标内容为空');

		const deadlineText = values.deadline ?? '';
		let dueOn: string | null = null;
		let recurrence: 'monthly' | null = null;
		if (!deadlineText) fail('deadline', '完成时间为空');
		else {
			const parsed = parseDeadline(deadlineText, opts.planYear);
			if (parsed.kind === 'date') dueOn = parsed.dueOn;
			else if (parsed.kind === 'monthly') recurrence = 'monthly';
			else
				warnings.push({
					row: raw.rowNumber,
					column: header('deadline'),
					message: `“${deadlineText}”无法解析为日期（${parsed.reason}），导入后无截止日期，请联席办确认`
				});
		}

		const units: UnitRef[] = [];
		const addUnits = (text: string, key: ColumnKey, firstIsLead: boolean, allLead: boolean) => {
			splitUnits(text).forEach((name, i) => {
				const role: AssignmentRole =
					allLead || (firstIsLead && i === 0 && units.length === 0) ? 'lead' : 'co';
				if (opts.directory.groups.has(name)) units.push({ type: 'group', name, role });
				else if (opts.directory.units.has(name)) units.push({ type: 'unit', name, role });
				else if (opts.createUnits) {
					units.push({ type: 'new', name, role });
					newUnits.add(name);
				} else {
					const near = closestNames(name, [...opts.directory.units, ...opts.directory.groups]);
					fail(key, `未知单位“${name}”${near.length ? `，是否为：${near.join('、')}？` : ''}`);
				}
			});
		};
		let unitsText: string;
		if (columns.lead) {
			const lead = values.lead ?? '';
			const co = values.co ?? '';
			unitsText = [lead, co].filter(Boolean).join('；');
			addUnits(lead, 'lead', false, true);
			addUnits(co, 'co', false, false);
			if (!lead) fail('lead', '牵头单位为空');
		} else {
			unitsText = values.units ?? '';
			if (!unitsText) fail('units', '责任单位为空');
			addUnits(unitsText, 'units', true, false);
		}

		errors.push(...rowIssues);
		if (rowIssues.length) continue;
		rows.push({
			row: raw.rowNumber,
			section1: values.section1 || null,
			section2: values.section2 || null,
			task,
			indicator,
			deadlineText,
			dueOn,
			recurrence,
			unitsText,
			units,
			targets: parseTargets(indicator)
		});
	}
	if (!rows.length && !errors.length)
		errors.push({ row: headerRow.rowNumber, column: '', message: '表中没有数据行' });
	return { rows, errors, warnings, newUnits: [...newUnits] };
}
