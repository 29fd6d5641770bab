
import { date, id, list, obj, okReply, period } from './shapes.ts';
import type { Contract } from './types.ts';

export const dashboardSummary = obj({ asOf: date.optional() });

export const dashboardContract: Contract = {
	'GET /dashboard/summary': {
		id: 'getDashboard',
		description:
			'督查看板（某日 asOf，默认今天，Asia/Shanghai）：总数和灯色、分领域进度、月度趋势、单位×月份的月报矩阵。',
		ok: dashboardSummary
	},
	'GET /dashboard/list': {
		id: 'listDashboardItems',
		description: '红灯清单或临期清单（kind），每行一个指标及其责任单位。',
		ok: list(obj({}))
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

