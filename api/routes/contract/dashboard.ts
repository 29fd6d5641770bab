import { z } from 'zod';
import { date, id, list, obj, okReply, period } from './shapes.ts';
import type { Contract } from './types.ts';

const count = z.number().int();
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

export const dashboardContract: Contract = {
	'GET /dashboard/summary': {
		id: 'getDashboard',
		description:
			'督查看板（某日 asOf，默认今天，Asia/Shanghai）：总数和灯色、分领域进度、月度趋势、单位×月份的月报矩阵。',
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
		ok: obj({ period: period.optional() })
	},
	'GET /dashboard/unit': {
		id: 'getUnitDashboard',
		description: '一个单位的看板：任务数、灯色、本月得分及其原因。',
		ok: obj({})
	},
	'GET /scoring/settings': {
		id: 'getScoringSettings',
		description: '评分规则：各项扣分权重、单位分类、整改期限。',
		ok: obj({})
	},
	'PUT /scoring/settings': {
		id: 'updateScoringSettings',
		description: '修改评分规则（审计）。',
		ok: obj({}),
		errors: [415, 422]
	},
	'GET /scoring/adjustments': {
		id: 'listScoreAdjustments',
		description: '某月的加分、减分记录及原因。',
		ok: list(obj({ id }))
	},
	'POST /scoring/adjustments': {
		id: 'addScoreAdjustment',
		description: '记录一次加分或减分（每次不超过 ±20，须写原因；审计）。',
		ok: obj({ id }),
		status: 201,
		errors: [415, 422]
	},
	'DELETE /scoring/adjustments/{id}': {
		id: 'removeScoreAdjustment',
		description: '撤销一次加减分（审计）。',
		ok: okReply
	}
};
