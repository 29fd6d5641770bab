import { z } from 'zod';
import { PROGRESS_STATUSES, REPORT_STATUSES } from '../../../web/src/lib/rules/enums.ts';
import { CSV, XLSX, file, id, list, obj, page, period, stateCounts } from './shapes.ts';
import type { Contract } from './types.ts';
import { milestoneRow } from './milestones.ts';

export const reportInfo = obj({ id, status: z.enum(REPORT_STATUSES), revision: z.number().int() });
export const reportFormItem = obj({
	indicatorId: id,
	progressStatus: z.enum(PROGRESS_STATUSES).nullable(),
	milestone: milestoneRow
		.extend({ due: z.boolean().describe("the month's own milestone (false: an earlier one still in force)") })
		.nullable(),
	attachments: z.array(obj({ id, name: z.string() }))
});
export const reportForm = obj({
	period,
	report: reportInfo.nullable(),
	items: z.array(reportFormItem),
	counts: stateCounts
});
/** One difference between two versions: `field` names it and the type of its values (null: none). */
const diff = <F extends string, V extends z.ZodType>(field: F, value: V) =>
	obj({
		indicatorId: z.number().int().nonnegative().describe('0: the report as a whole (its status)'),
		field: z.literal(field),
		from: value.nullable(),
		to: value.nullable()
	});
const versionChange = z.discriminatedUnion('field', [
	diff('status', z.enum(REPORT_STATUSES)),
	diff('progressStatus', z.enum(PROGRESS_STATUSES)),
	diff('percent', z.number()),
	...(['progress', 'problems', 'nextSteps', 'returnReason'] as const).map((f) => diff(f, z.string())),
	diff('values', z.record(z.string(), z.number()).describe('the figures by target id')),
	diff('attachment', obj({ id, name: z.string() }).describe('added (from null) or removed (to null)'))
]);
export const reportRow = obj({ id, period, status: z.enum(REPORT_STATUSES) });
/**
 * A save's or submission's answer: the whole form, or with `Prefer: return=minimal` only the report's new
 * state (revision, status, version).
 */
export const reportSaved = z.union([reportForm, obj({ period, report: reportInfo })]);

export const reportContract: Contract = {
	'GET /reports/mine/{period}': {
		id: 'getMyReport',
		description:
			'本单位某月（YYYY-MM）的月报表单：每项未办结的任务（牵头、配合分列）、已填内容、上月内容和附件。只对单位填报员开放。',
		ok: reportForm
	},
	'PUT /reports/mine/{period}': {
		id: 'saveMyReport',
		description:
			'保存月报草稿（只写变化的项）。带上读到的 revision：已被更新则 409 report.stale；保存过于频繁则 429。答复为保存后的整张表单；请求头带 Prefer: return=minimal 时只答复月报的新状态（revision、status、version），不含表单各项（网页端如此）。',
		ok: reportSaved,
		errors: [409, 415, 422, 429]
	},
	'POST /reports/mine/{period}/submit': {
		id: 'submitMyReport',
		description:
			'提交月报：每项须有进展状态和当月进展，缺项为 422 report.incomplete，details 逐项列出 path（items.N.progress）和 code（required）。答复为提交后的整张表单；带 Prefer: return=minimal 时只答复月报的新状态。',
		ok: reportSaved,
		errors: [409, 415, 422]
	},
	'GET /reports': {
		id: 'listReports',
		description: '月报列表（审核队列）：按月份、单位、状态筛选，分页。',
		ok: page(reportRow)
	},
	'GET /reports/export': {
		id: 'exportReports',
		description: '按当前筛选条件导出月报（xlsx 或 csv）。',
		ok: file(XLSX, CSV)
	},
	'GET /reports/{id}': {
		id: 'getReport',
		description: '一份月报的全部内容和审核意见（单位未提交的草稿只有本单位可见）。',
		ok: reportForm
	},
	'POST /reports/{id}/accept': {
		id: 'acceptReport',
		description: '审核通过（可附整体及逐项意见）；通过后只读。',
		ok: reportForm,
		errors: [409, 415]
	},
	'POST /reports/{id}/return': {
		id: 'returnReport',
		description: '退回月报（整体及逐项原因），单位修改后再次提交。',
		ok: reportForm,
		errors: [409, 415]
	},
	'GET /reports/{id}/versions': {
		id: 'listReportVersions',
		description: '月报保存的版本：每次提交、退回、通过，以及最新草稿。',
		ok: list(obj({ id }))
	},
	'GET /reports/{id}/compare': {
		id: 'compareReportVersions',
		description: '逐字段比较两个版本（from、to 为版本记录的 id），含增删的附件。',
		ok: obj({
			from: id,
			to: id,
			changes: z.array(versionChange)
		})
	}
};
