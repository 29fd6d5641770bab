import { z } from 'zod';
import { INDICATOR_KINDS, INDICATOR_STATUSES } from '../../../web/src/lib/rules/enums.ts';
import { STATES } from '../../../web/src/lib/rules/enums.ts';
import {
	CSV,
	XLSX,
	alertFacts,
	count,
	date,
	file,
	id,
	list,
	obj,
	page,
	period,
	row,
	timestamp,
	unitRef
} from './shapes.ts';
import type { Contract } from './types.ts';

export const planSummary = obj({
	id,
	title: z.string(),
	year: z.number().int(),
	docNumber: z.string().nullable(),
	issuer: z.string().nullable(),
	issuedOn: date.nullable(),
	indicators: z.number().int()
});
export const planDetail = obj({ id, title: z.string(), year: z.number().int(), sections: z.array(row) });
export const indicatorRow = obj({
	id,
	planId: id,
	text: z.string(),
	dueOn: date.nullable(),
	status: z.enum(INDICATOR_STATUSES),
	kind: z.enum(INDICATOR_KINDS),
	leadUnits: z.array(unitRef),
	coUnits: z.array(unitRef),
	targets: z.array(obj({ text: z.string() })),
	light: z.enum(STATES),
	alerts: z.array(obj({ unitId: id.nullable(), unit: z.string().nullable(), ...alertFacts }))
});
const deadlineEvent = obj({ occurredOn: date, dueOn: date, unitId: id.nullable(), createdAt: timestamp });

const indicatorExample = {
	id: 1,
	planId: 1,
	text: '“浙里办”APP日活跃用户数达到120万人',
	dueOn: '2020-12-31',
	status: 'open',
	kind: 'joint',
	leadUnits: [{ id: 3, name: '省大数据局' }],
	coUnits: [],
	targets: [{ text: '日活跃用户数达到120万人' }],
	light: 'green',
	alerts: []
};

export const planContract: Contract = {
	'GET /plans': {
		id: 'listPlans',
		description: '全部计划（如 2020 年任务分工表），含调用者可见的指标数。',
		ok: list(planSummary),
		example: {
			items: [
				{
					id: 1,
					title: '2020年全省深化“最多跑一次”改革推进政府数字化转型工作要点任务分工表',
					year: 2020,
					docNumber: null,
					issuer: null,
					issuedOn: null,
					indicators: 80
				}
			]
		}
	},
	'GET /plans/{id}': {
		id: 'getPlan',
		description: '一个计划及其两级领域结构（一级、二级领域、任务）。',
		ok: planDetail
	},
	'GET /plans/{id}/stats': {
		id: 'getPlanStats',
		description: '计划的完成情况：按灯色、按领域的指标数。',
		ok: obj({
			indicators: count,
			completedOnTime: count,
			completedLate: count,
			open: count,
			overdue: count,
			today: date
		})
	},
	'GET /plans/{id}/export': {
		id: 'exportPlan',
		description: '计划任务分工表连同当前状态，按原表格式导出（xlsx 合并单元格，或 csv、json）。',
		ok: file(XLSX, CSV, 'application/json')
	},
	'GET /indicators': {
		id: 'listIndicators',
		description:
			'指标列表：按计划、领域、单位、牵头/配合、截止日期区间、状态、关键字筛选，分页（page、pageSize ≤ 500）。单位填报员只看到本单位的指标。',
		ok: page(indicatorRow),
		example: { items: [indicatorExample], total: 80, page: 1, pageSize: 50 }
	},
	'GET /indicators/export': {
		id: 'exportIndicators',
		description: '按当前筛选条件导出指标清单（xlsx 或 csv，表头随 lang）。',
		ok: file(XLSX, CSV)
	},
	'GET /indicators/{id}': {
		id: 'getIndicator',
		description: '指标详情：目标、责任单位及各自的灯色和原因、截止日期规则。',
		ok: indicatorRow,
		example: indicatorExample
	},
	'GET /indicators/{id}/timeline': {
		id: 'getIndicatorTimeline',
		description: '指标动态：月报、办结/延期申请、督办通知、截止日期变更，按时间排列。',
		ok: list(
			obj({
				at: z.string(),
				kind: z.string(),
				unit: z.string().nullable(),
				title: z.string(),
				detail: z.string()
			})
		)
	},
	'GET /indicators/{id}/due-dates': {
		id: 'getIndicatorDueDates',
		description: '截止日期的变更历史（原定日期、延期批准后的日期）。',
		ok: obj({
			originalDueOn: date.nullable(),
			dueOn: date.nullable(),
			changes: z.array(
				obj({
					at: z.string(),
					fromDueOn: date.nullable(),
					toDueOn: date,
					reason: z.string(),
					unit: z.string().nullable()
				})
			)
		})
	},
	'GET /indicators/{id}/reports': {
		id: 'getIndicatorReports',
		description: '某月各责任单位对此指标的填报情况。',
		ok: list(obj({ period: period.optional() }))
	},
	'PUT /indicators/{id}/kind': {
		id: 'setIndicatorKind',
		description: '责任方式：牵头单位负总责（joint）或各单位分别负责（each）；灯色随即重算。',
		ok: indicatorRow,
		errors: [409, 415, 422]
	},
	'POST /indicators/{id}/resolve-group': {
		id: 'resolvePendingGroup',
		description: '把“省级有关单位”等待明确名称明确为具体单位。',
		ok: indicatorRow,
		errors: [409, 415, 422]
	},
	'GET /indicators/{id}/deadline-events': {
		id: 'listDeadlineEvents',
		description: '相对期限（如“接口注册完成后2日内”）已登记的起算事件。',
		ok: list(deadlineEvent)
	},
	'POST /indicators/{id}/deadline-events': {
		id: 'recordDeadlineEvent',
		description: '登记相对期限的起算日期（YYYY-MM-DD），据此按自然日或工作日计算截止日期。',
		ok: indicatorRow.extend({ events: z.array(deadlineEvent) }),
		errors: [409, 415, 422]
	},
	'PUT /indicators/{id}/targets/{targetId}': {
		id: 'setTargetMeaning',
		description: '相对目标（翻一番、提高 N 个百分点）的基数，及多个责任单位是合计还是各自达标。',
		ok: indicatorRow,
		errors: [415, 422]
	},
	'GET /work-calendar/{year}': {
		id: 'getWorkCalendar',
		description: '某年的法定节假日和调休上班日（工作日计算依据）。',
		ok: list(obj({ day: date }))
	},
	'PUT /work-calendar/days/{day}': {
		id: 'setWorkCalendarDay',
		description: '增补或更正一天（节假日或调休上班日；kind 为 null 时删除）。',
		ok: list(obj({ day: date })),
		errors: [415]
	}
};
