import { z } from 'zod';
// Column names of downloads in the user's language. Chinese is the default and what the Chinese screens
// show; English names are those of the English screens (web/src/lib/i18n/*.en.ts). Downloads are plain
// links, so the page adds `lang` to the address (the chosen language lives in the browser).
export const EXPORT_LANGS = ['zh', 'en'] as const;
export type ExportLang = (typeof EXPORT_LANGS)[number];
/** The `lang` query parameter of a download: Chinese unless the page asks for English. */
export const exportLang = z.enum(EXPORT_LANGS).default('zh');

const EN: Record<string, string> = {
	一级领域: 'Area',
	二级领域: 'Sub-area',
	工作任务: 'Task',
	具体指标: 'Indicator',
	完成时间: 'Deadline',
	截止日期: 'Due',
	原定日期: 'Original due date',
	牵头单位: 'Lead unit',
	配合单位: 'Co-units',
	责任单位: 'Units',
	量化目标: 'Numeric targets',
	状态: 'Light',
	完成日期: 'Completed on',
	最新进展: 'Latest progress',
	月份: 'Month',
	单位: 'Unit',
	报告状态: 'Report status',
	是否逾期: 'Late',
	角色: 'Role',
	进展状态: 'Progress',
	完成比例: 'Percent done',
	当月进展: "This month's progress",
	存在问题: 'Problems',
	下步计划: 'Next steps',
	退回原因: 'Reason returned',
	序号: 'No.',
	时间: 'Time',
	用户: 'User',
	操作: 'Action',
	对象类型: 'Object type',
	对象: 'Object',
	结果: 'Result',
	来源地址: 'Address',
	变更前: 'Before',
	变更后: 'After',
	指标清单: 'Indicators',
	月报: 'Monthly reports',
	审计日志: 'Audit log',
	任务分工表: 'Task division table'
};

/** Names (column headers, a sheet's title) in `lang`; a name without a translation stays as it is. */
export const namesIn = (lang: ExportLang, names: string[]) =>
	lang === 'en' ? names.map((n) => EN[n] ?? n) : names;
