import type { AssignmentRole } from '../schema/constants.ts';
import { missingColumns, type ColumnKey, type ColumnMap } from './columns.ts';
import { recogniseLayout, type ManualMapping } from './layout.ts';
import { normaliseCell } from './parse/normalise.ts';
import { parseDeadline, type DeadlineRule } from './parse/deadline.ts';
import { isPlaceholderName } from './parse/placeholders.ts';
import { closestNames, splitUnitNote, splitUnits } from './parse/units.ts';
import { parseTargets, type Target } from './parse/targets.ts';
import type { RawTable } from './read-table.ts';
import { inDirectoryOf } from '../../web/src/lib/rules/access.ts';

export type Issue = { row: number; column: string; message: string };

/**
 * unit: in the directory; group: expands to its members (各设区市政府); placeholder: 待明确 until the office
 * names the units (省级有关单位, or a name like 各级各部门 the patterns recognise); new: a unit to create.
 */
export type UnitRef = { type: 'unit' | 'group' | 'placeholder' | 'new'; name: string; role: AssignmentRole };

export type ImportRow = {
	row: number;
	section1: string | null;
	section2: string | null;
	task: string;
	indicator: string;
	deadlineText: string;
	dueOn: string | null;
	recurrence: 'monthly' | null;
	/** Per unit level, batches or relative to an event; dueOn is then the last date (null for relative). */
	rule: DeadlineRule | null;
	unitsText: string;
	units: UnitRef[];
	targets: Target[];
};

export type Directory = {
	units: ReadonlySet<string>;
	/** Groups with members (各设区市政府). */
	groups: ReadonlySet<string>;
	/** The office's list of placeholders (placeholder groups). */
	placeholders: ReadonlySet<string>;
	/** Units retired from the directory, with the first year they no longer exist in (下城区政府: 2021). */
	retired?: ReadonlyMap<string, number>;
};

/** The structure found, for the preview and for mapping columns by hand. */
export type LayoutSummary = {
	headerRows: number[];
	headers: string[];
	columns: ColumnMap;
	signature: string;
	recognised: boolean;
};

export type Analysis = {
	rows: ImportRow[];
	errors: Issue[];
	warnings: Issue[];
	/** How the layout was read (merged headers, heading rows, notes skipped): information, not a problem. */
	notes: Issue[];
	newUnits: string[];
	/** Placeholder names not yet on the office's list: added to it by the commit. */
	newPlaceholders: string[];
	/** Rows that held data (headings, notes and repeated headers excluded), whether or not they imported. */
	dataRows: number;
	layout: LayoutSummary;
};

type Options = {
	planYear: number;
	directory: Directory;
	createUnits: boolean;
	mapping?: ManualMapping;
	/** Called every few hundred rows with the rows read so far. */
	onProgress?: (done: number, total: number) => void;
};

const FILL_DOWN: ColumnKey[] = ['section1', 'section2', 'task'];

/** Turns a raw sheet into import rows plus every row error and warning; it never touches the database. */
export function analyseTable(table: RawTable, opts: Options): Analysis {
	const errors: Issue[] = [];
	const warnings: Issue[] = [];
	const notes: Issue[] = [];
	const layout = recogniseLayout(table, opts.mapping);
	for (const n of layout.notes)
		(n.unclear ? warnings : notes).push({ row: n.row, column: '', message: n.message });
	const columns = layout.columns;
	const summary: LayoutSummary = {
		headerRows: layout.headerRows,
		headers: layout.headers,
		columns,
		signature: layout.signature,
		recognised: layout.recognised
	};
	const missing = missingColumns(columns);
	const headerRowNumber = layout.headerRows[layout.headerRows.length - 1];
	if (headerRowNumber === undefined || missing.length) {
		const found = layout.headers.filter(Boolean);
		errors.push({
			row: headerRowNumber ?? 1,
			column: '',
			message: `缺少必需的列：${missing.join('、') || '工作任务、完成时间、责任单位'}。找到的列：${found.join('、') || '（无）'}`
		});
		if (layout.recognised)
			warnings.push({ row: headerRowNumber ?? 1, column: '', message: '未能识别表格结构，请手工指定各列' });
		summary.recognised = false;
		return {
			rows: [],
			errors,
			warnings,
			notes,
			newUnits: [],
			newPlaceholders: [],
			dataRows: 0,
			layout: summary
		};
	}

	const header = (key: ColumnKey) => columns[key]?.header ?? '';
	const rows: ImportRow[] = [];
	const newUnits = new Set<string>();
	const newPlaceholders = new Set<string>();
	const last: Partial<Record<ColumnKey, string>> = {};
	// Heading rows (第一阶段：…, 一、…, （一）…) fill the section levels the columns do not give.
	const headingLevels: ColumnKey[] = (['section1', 'section2'] as const).filter((k) => !columns[k]);
	const heading: Partial<Record<ColumnKey, string>> = {};
	let dataRows = 0;

	for (const [index, raw] of table.rows.entries()) {
		if (index % 500 === 0) opts.onProgress?.(index, table.rows.length);
		const role = layout.roles.get(raw.rowNumber);
		if (role?.kind === 'heading') {
			const key = headingLevels[Math.min(role.level, headingLevels.length) - 1];
			if (key) {
				heading[key] = role.name;
				if (key === 'section1') delete heading.section2;
				notes.push({
					row: raw.rowNumber,
					column: '',
					message: `标题行“${role.name}”读作${key === 'section1' ? '一级' : '二级'}领域`
				});
			}
			continue;
		}
		if (role?.kind === 'note') {
			notes.push({
				row: raw.rowNumber,
				column: '',
				message: `备注或落款“${role.text.slice(0, 30)}”不是任务，未导入`
			});
			continue;
		}
		if (role?.kind !== 'data') continue;
		const get = (key: ColumnKey) => {
			const col = columns[key];
			return col ? normaliseCell(raw.cells[col.index] ?? '') : '';
		};
		const values = Object.fromEntries(
			(Object.keys(columns) as ColumnKey[]).map((k) => [k, get(k)])
		) as Partial<Record<ColumnKey, string>>;
		if (Object.values(values).every((v) => !v)) continue;
		dataRows++;
		for (const key of headingLevels) values[key] = heading[key];
		for (const key of FILL_DOWN) {
			if (columns[key] && !values[key]) values[key] = last[key];
			else if (values[key]) last[key] = values[key];
		}
		const rowIssues: Issue[] = [];
		const fail = (key: ColumnKey, message: string) =>
			rowIssues.push({ row: raw.rowNumber, column: header(key), message });

		const content = values.indicator || values.task || '';
		const indicator = values.standard ? `${content}\n工作标准：${values.standard}` : content;
		const task = values.task || values.indicator || '';
		if (!indicator) fail(columns.indicator ? 'indicator' : 'task', '指标内容为空');

		const deadlineText = values.deadline ?? '';
		let dueOn: string | null = null;
		let recurrence: 'monthly' | null = null;
		let rule: DeadlineRule | null = null;
		if (!deadlineText) fail('deadline', '完成时间为空');
		else {
			const parsed = parseDeadline(deadlineText, opts.planYear);
			if (parsed.kind === 'date') dueOn = parsed.dueOn;
			else if (parsed.kind === 'monthly') recurrence = 'monthly';
			else if (parsed.kind !== 'unparsed') {
				rule = parsed;
				dueOn = ruleDueOn(parsed);
			} else
				warnings.push({
					row: raw.rowNumber,
					column: header('deadline'),
					message: `“${deadlineText}”无法解析为日期（${parsed.reason}），导入后无截止日期，请联席办确认`
				});
		}

		const units: UnitRef[] = [];
		const addUnits = (cell: string, key: ColumnKey, firstIsLead: boolean, allLead: boolean) => {
			const { units: text, note } = splitUnitNote(cell);
			if (note)
				notes.push({ row: raw.rowNumber, column: header(key), message: `单位栏中的备注未作为单位：${note}` });
			splitUnits(text).forEach((name, i) => {
				const role: AssignmentRole =
					allLead || (firstIsLead && i === 0 && units.length === 0) ? 'lead' : 'co';
				const retiredIn = opts.directory.retired?.get(name);
				if (retiredIn !== undefined && !inDirectoryOf(opts.planYear, retiredIn))
					fail(key, `“${name}”自${retiredIn}年起已撤销，不能承担${opts.planYear}年的任务`);
				else if (opts.directory.placeholders.has(name)) units.push({ type: 'placeholder', name, role });
				else if (opts.directory.groups.has(name)) units.push({ type: 'group', name, role });
				else if (opts.directory.units.has(name)) units.push({ type: 'unit', name, role });
				else if (isPlaceholderName(name)) {
					units.push({ type: 'placeholder', name, role });
					newPlaceholders.add(name);
				} else if (opts.createUnits) {
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
			if (!splitUnits(splitUnitNote(lead).units).length) fail('lead', '牵头单位为空');
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
			rule,
			unitsText,
			units,
			targets: parseTargets(indicator)
		});
	}
	if (!rows.length && !errors.length)
		errors.push({ row: headerRowNumber, column: '', message: '表中没有数据行' });
	return {
		rows,
		errors,
		warnings,
		notes,
		newUnits: [...newUnits],
		newPlaceholders: [...newPlaceholders],
		dataRows,
		layout: summary
	};
}

/** The indicator's own due date under a rule: the last date any unit or batch has; none until the event. */
function ruleDueOn(rule: DeadlineRule): string | null {
	if (rule.kind === 'perLevel')
		return (
			rule.levels
				.map((l) => l.dueOn)
				.sort()
				.at(-1) ?? null
		);
	if (rule.kind === 'batches')
		return (
			rule.batches
				.map((b) => b.dueOn)
				.sort()
				.at(-1) ?? null
		);
	return null;
}
