import { z } from 'zod';
import { ASSIGNMENT_ROLES, UNIT_KINDS } from '../../../web/src/lib/rules/enums.ts';
import { count, date, id, list, obj, okReply, period, stateCounts, timestamp, unitRef } from './shapes.ts';
import { alertRow, noticeRow } from './requests.ts';
import { REPORT_CELL_CODES, REPORT_STATES } from '../../../web/src/lib/rules/enums.ts';
import type { Contract } from './types.ts';

const REPORT_CELLS_PATTERN = new RegExp(`^[${Object.values(REPORT_CELL_CODES).join('')}]*$`);
export const dashboardSummary = obj({
	day: date,
	today: date,
	tiles: obj({
		indicators: count,
		completedOnTime: count,
		completedLate: count,
		inProgress: count,
		red: count,
		redUnits: count,
		yellow: count
	}),
	/**
	 * Units × months so far, a page of units: each row's months as one letter each (REPORT_CELL_CODES:
	 * o l m n -); `total` units and the `tally` of their reports over every page.
	 */
	matrix: obj({
		periods: z.array(period),
		total: count,
		tally: obj({ onTime: count, late: count, missing: count }),
		page: count,
		pageSize: count,
		rows: z.array(obj({ unit: unitRef, cells: z.string().regex(REPORT_CELLS_PATTERN) }))
	})
});
const dashboardItem = obj({ id, text: z.string(), dueOn: date.nullable(), light: z.string() });
export const dashboardList = obj({
	day: date,
	items: z.array(dashboardItem),
	total: count,
	page: count,
	pageSize: count
});

const scoreCounts = obj({
	late: count,
	behind: count,
	missing: count,
	redLead: count,
	redCo: count,
	returns: count,
	adjustments: count
});
const SCORE_COMPONENTS = ['overdue', 'progress', 'timeliness', 'quality', 'adjustment'] as const;
/** A unit's score: its points by component. */
const score = {
	category: z.string(),
	score: z.number(),
	rank: z.number().int(),
	counts: scoreCounts,
	components: obj({
		overdue: z.number(),
		progress: z.number(),
		timeliness: z.number(),
		quality: z.number(),
		adjustment: z.number()
	})
};
/** Each deduction or addition of a unit's score with its cause (the unit's own page). */
const scoreItems = {
	items: z.array(
		obj({
			component: z.enum(SCORE_COMPONENTS),
			kind: z.enum(['late', 'behind', 'missing', 'redLead', 'redCo', 'returns', 'adjustments']),
			points: z.number(),
			cause: z.string(),
			indicatorId: id.nullable()
		})
	)
};
const rankedUnit = obj({
	unit: unitRef.extend({ kind: z.enum(UNIT_KINDS) }),
	public: z.boolean(),
	...score
});
const ranking = obj({
	period,
	asOf: date,
	final: z.boolean(),
	weights: obj({
		missing: z.number(),
		late: z.number(),
		behind: z.number(),
		redLead: z.number(),
		redCo: z.number(),
		returned: z.number()
	}),
	tieRule: z.string(),
	items: z.array(rankedUnit.extend({ change: z.number().int().nullable() }))
});
const unitDashboard = obj({
	unitId: id,
	today: date,
	alerts: z.array(alertRow),
	counts: stateCounts,
	deadlines: z.array(
		obj({
			id,
			text: z.string(),
			task: z.string(),
			dueOn: date,
			role: z.enum(ASSIGNMENT_ROLES),
			daysLeft: z.number().int()
		})
	),
	history: z.array(obj({ period, status: z.enum([...REPORT_STATES, 'none']) })),
	score: obj({ period, asOf: date, final: z.boolean(), of: count, ...score, ...scoreItems }).nullable(),
	notices: z.array(noticeRow)
});
const scoringSettings = obj({
	scoreMissingReport: z.number(),
	scoreLateReport: z.number(),
	scoreBehind: z.number(),
	scoreRedLead: z.number(),
	scoreRedCo: z.number(),
	scoreReturned: z.number(),
	rankingCategories: z.array(
		obj({
			name: z.string(),
			kinds: z.array(z.enum(UNIT_KINDS)),
			units: z.array(z.string()),
			public: z.boolean()
		})
	),
	rectificationDays: z.number().int()
});
const adjustment = obj({
	id,
	period,
	unitId: id,
	points: z.number(),
	reason: z.string(),
	createdAt: timestamp
});

export const dashboardContract: Contract = {
	'GET /dashboard/summary': {
		id: 'getDashboard',
		description:
			'督查看板（某日 asOf，默认今天，Asia/Shanghai）：总数和灯色、分领域进度、月度趋势、单位×月份的月报矩阵（每单位一串，每月一个字母：o 按时、l 逾期、m 未报、n 未到期、- 无需报送；按单位分页 matrixPage / matrixPageSize，默认每页 120 个单位，total 和 tally 为全部单位的合计）。',
		ok: dashboardSummary,
		example: {
			day: '2020-10-15',
			today: '2020-10-15',
			tiles: {
				indicators: 80,
				completedOnTime: 21,
				completedLate: 4,
				inProgress: 55,
				red: 9,
				redUnits: 14,
				yellow: 12
			},
			matrix: {
				periods: ['2020-07', '2020-08', '2020-09', '2020-10'],
				total: 2,
				tally: { onTime: 4, late: 1, missing: 1 },
				page: 1,
				pageSize: 120,
				rows: [
					{ unit: { id: 3, name: '省发展改革委' }, cells: 'oolm' },
					{ unit: { id: 7, name: '杭州市政府' }, cells: '-oon' }
				]
			}
		}
	},
	'GET /dashboard/list': {
		id: 'listDashboardItems',
		description: '红灯清单（kind=red）或临期清单（kind=due_soon），每行一个指标及其责任单位，分页。',
		ok: dashboardList,
		example: {
			day: '2020-10-15',
			items: [{ id: 12, text: '实现95%以上政务服务事项“掌上办”', dueOn: '2020-09-30', light: 'red' }],
			total: 9,
			page: 1,
			pageSize: 50
		}
	},
	'GET /dashboard/ranking': {
		id: 'getRanking',
		description: '某月（YYYY-MM）各单位得分和分类排名，含每项扣分。',
		ok: ranking
	},
	'GET /dashboard/unit': {
		id: 'getUnitDashboard',
		description: '一个单位的看板：任务数、灯色、本月得分及其原因。',
		ok: unitDashboard
	},
	'GET /scoring/settings': {
		id: 'getScoringSettings',
		description: '评分规则：各项扣分权重、单位分类、整改期限。',
		ok: scoringSettings
	},
	'PUT /scoring/settings': {
		id: 'updateScoringSettings',
		description: '修改评分规则（审计）。',
		ok: scoringSettings,
		errors: [415, 422]
	},
	'GET /scoring/adjustments': {
		id: 'listScoreAdjustments',
		description: '某月的加分、减分记录及原因。',
		ok: list(adjustment.extend({ unitName: z.string() }))
	},
	'POST /scoring/adjustments': {
		id: 'addScoreAdjustment',
		description: '记录一次加分或减分（每次不超过 ±20，须写原因；审计）。',
		ok: adjustment.extend({ createdBy: id.nullable() }),
		status: 201,
		errors: [415, 422]
	},
	'DELETE /scoring/adjustments/{id}': {
		id: 'removeScoreAdjustment',
		description: '撤销一次加减分（审计）。',
		ok: okReply
	}
};
