/** The columns a task-division table can have, and the header words offices use for them. */
export const COLUMN_VARIANTS = {
	section1: ['一级领域', '领域', '一级标题', '板块', '类别', '一级分类', '工作领域'],
	section2: ['二级领域', '二级标题', '子领域', '二级分类', '子项'],
	task: ['工作任务', '重点任务', '主要任务', '任务名称', '任务'],
	indicator: ['具体指标', '工作内容', '具体任务', '指标', '任务内容'],
	// Kept with the indicator text: what counts as done.
	standard: ['工作标准', '完成标准', '验收标准'],
	deadline: ['完成时间', '完成时限', '时限', '时间节点', '完成期限'],
	units: ['责任单位', '责任部门'],
	lead: ['牵头单位', '牵头部门'],
	co: ['配合单位', '配合部门', '协同单位', '参与单位']
} as const;

export type ColumnKey = keyof typeof COLUMN_VARIANTS;
export type ColumnMap = Partial<Record<ColumnKey, { index: number; header: string }>>;
export const COLUMN_KEYS = Object.keys(COLUMN_VARIANTS) as ColumnKey[];

const clean = (s: string) => s.replace(/\s+/g, '').replace(/[（(].*?[）)]/g, '');
const ENTRIES = Object.entries(COLUMN_VARIANTS) as [ColumnKey, readonly string[]][];

/**
 * The column a header names: its variants exactly (ignoring spaces and notes in brackets), else a header
 * ending in a variant of two or more characters (十项任务 → 任务).
 */
export function columnKeyOf(raw: string): ColumnKey | null {
	const h = clean(raw);
	if (!h) return null;
	for (const [key, variants] of ENTRIES) if (variants.includes(h)) return key;
	for (const [key, variants] of ENTRIES) if (variants.some((v) => v.length >= 2 && h.endsWith(v))) return key;
	return null;
}

/** What is missing for a usable table, in words for the office; empty when the columns suffice. */
export function missingColumns(map: ColumnMap): string[] {
	const missing: string[] = [];
	if (!map.task && !map.indicator) missing.push('工作任务或具体指标');
	if (!map.deadline) missing.push('完成时间');
	if (!map.units && !map.lead) missing.push('责任单位（或牵头单位）');
	return missing;
}
