import { asc } from 'drizzle-orm';
import type { DataValidation } from 'exceljs';
import { unit, unitGroup } from '../../db/schema/index.ts';
import type { ServiceContext } from '../context.ts';
import { assertProvincialOffice } from './access.ts';
import { addPrintSheet } from '../lib/print-workbook.ts';
import type { TableColumn } from '../../web/src/lib/rules/doc-model.ts';

const COLUMNS: TableColumn[] = [
	{ header: '一级领域', kind: 'text', width: 8 },
	{ header: '二级领域', kind: 'text', width: 8 },
	{ header: '工作任务', kind: 'text', width: 11 },
	{ header: '具体指标', kind: 'text', width: 22 },
	{ header: '完成时间', kind: 'text', width: 7 },
	{ header: '责任单位', kind: 'text', width: 14 }
];
const EXAMPLE = [
	'推进“掌上办事”',
	'深化“浙里办”',
	'提升“浙里办”服务能力',
	'2020年底前，“浙里办”日活跃用户数达到120万',
	'2020年12月底前',
	'省大数据局、各设区市政府'
];
const ROWS = 2000;
/**
 * Words every deadline form the importer dates has (2020年6月底前, 9月7日前, 2个工作日内, 收到…当日, 每月底前,
 * 三季度, 2020年): a cell that is a date or has one of them passes; 长期, 尽快 … would import without a date.
 */
const DEADLINE_WORDS = ['前', '内', '底', '日', '月', '年', '季度'];

/**
 * The task-division table template: the headers the importer reads, one example row, and data validation
 * — 完成时间 takes a date or a deadline form the importer understands (a warning for others, which import
 * without a date), 责任单位 offers the directory (a warning, not a refusal: a cell may name several units).
 */
export async function importTemplate(ctx: ServiceContext) {
	assertProvincialOffice(ctx.actor);
	const { default: Excel } = await import('exceljs');
	const wb = new Excel.Workbook();
	// The header stays the first row: the importer reads the filled-in template back.
	const ws = addPrintSheet(wb, { title: '任务分工表', columns: COLUMNS, rows: [EXAMPLE] }, { noTitle: true });
	const names = [
		...(await ctx.db.select({ name: unit.name }).from(unit).orderBy(asc(unit.position), asc(unit.id))),
		...(await ctx.db.select({ name: unitGroup.name }).from(unitGroup).orderBy(asc(unitGroup.id)))
	].map((u) => u.name);
	const directory = wb.addWorksheet('单位名录', { state: 'hidden' });
	names.forEach((name) => directory.addRow([name]));
	// One rule for the column: Excel reads E2 relative to each cell of the range. exceljs writes a range
	// rule through the sheet's (untyped) validation list; per cell, each row would need its own formula.
	const words = DEADLINE_WORDS.map((w) => `ISNUMBER(SEARCH("${w}",E2))`).join(',');
	const rules = (ws as unknown as { dataValidations: { add(range: string, rule: DataValidation): void } })
		.dataValidations;
	rules.add(`E2:E${ROWS}`, {
		type: 'custom',
		allowBlank: true,
		formulae: [`OR(ISNUMBER(E2),${words})`],
		showInputMessage: true,
		promptTitle: '完成时间',
		prompt:
			'日期（2020-06-30）或期限写法：2020年6月底前、9月7日前；市级:9月7日前,区、县(市):9月14日前；8月31日第一批,其余9月20日前；收到通知后2个工作日内；每月底前',
		showErrorMessage: true,
		errorStyle: 'warning',
		errorTitle: '无法识别的完成时间',
		error:
			'导入时无法从这种写法得出截止日期（如“长期”“尽快”），该指标将没有截止日期，需联席办人工指定。请改为日期或上面提示的写法。'
	});
	for (let r = 2; r <= ROWS; r++) {
		ws.getCell(r, 6).dataValidation = {
			type: 'list',
			allowBlank: true,
			formulae: [`单位名录!$A$1:$A$${Math.max(1, names.length)}`],
			showErrorMessage: true,
			errorStyle: 'warning',
			errorTitle: '单位不在名录中',
			error: '该单位不在单位名录中。多个单位请用顿号分隔；“有关单位”等待明确的写法会导入为待明确。'
		};
	}
	return {
		body: new Uint8Array(await wb.xlsx.writeBuffer()),
		contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
		name: '任务分工表模板.xlsx'
	};
}
