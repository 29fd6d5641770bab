import { z } from 'zod';
import { MILESTONE_PLAN_STATUSES } from '../../../web/src/lib/rules/enums.ts';
import { date, id, list, obj, page, period, timestamp, unitRef } from './shapes.ts';
import type { Contract } from './types.ts';

/** One month's milestone: due by that month's end. */
export const milestoneRow = obj({
	period,
	deliverable: z.string(),
	percent: z.number(),
	value: z.number().nullable().describe("in the plan's target's own unit and scale")
});
export const milestonePlanVersion = obj({
	id,
	indicatorId: id,
	unitId: id,
	unitName: z.string(),
	indicatorText: z.string(),
	taskTitle: z.string(),
	version: z.number().int().positive(),
	status: z.enum(MILESTONE_PLAN_STATUSES),
	note: z.string(),
	targetId: id.nullable(),
	createdAt: timestamp,
	createdByName: z.string().nullable(),
	submittedAt: timestamp.nullable(),
	decidedAt: timestamp.nullable(),
	decisionNote: z.string().nullable(),
	inForceOn: date.nullable(),
	milestones: z.array(milestoneRow)
});
const figures = obj({ percent: z.number().nullable(), value: z.number().nullable() });
const indicatorMilestones = obj({
	indicator: obj({ id, text: z.string(), year: z.number().int() }),
	target: obj({ id, label: z.string(), unit: z.string() }).nullable(),
	units: z.array(
		obj({
			unit: unitRef,
			inForce: milestonePlanVersion.nullable(),
			open: milestonePlanVersion.nullable().describe('the version being drafted or awaiting review'),
			history: z.array(milestonePlanVersion),
			months: z.array(obj({ period, planned: milestoneRow.nullable(), actual: figures.nullable() }))
		})
	)
});
const myPlan = obj({
	indicatorId: id,
	text: z.string(),
	task: z.string(),
	dueOn: date.nullable(),
	year: z.number().int(),
	latest: obj({ id, version: z.number().int(), status: z.enum(MILESTONE_PLAN_STATUSES) }).nullable(),
	inForceVersion: z.number().int().nullable()
});

export const milestoneContract: Contract = {
	'GET /milestone-plans': {
		id: 'listMilestonePlans',
		description:
			'月度里程碑计划的各个版本：单位看本单位的（含草稿），督查部门看已提交的；status=submitted 为待审核队列。',
		ok: page(milestonePlanVersion)
	},
	'GET /milestone-plans/mine': {
		id: 'listMyMilestonePlans',
		description: '本单位应制定里程碑计划的指标（牵头或各自承担、未办结）及计划状态。',
		ok: list(myPlan)
	},
	'GET /milestone-plans/{id}': {
		id: 'getMilestonePlan',
		description: '一个版本的里程碑计划（各月交付成果、完成比例、目标值）。',
		ok: milestonePlanVersion
	},
	'POST /milestone-plans/{id}/decide': {
		id: 'decideMilestonePlan',
		description: '督查部门批准（次日起按里程碑亮灯，原版本作废）或退回（附理由）里程碑计划。',
		ok: milestonePlanVersion,
		errors: [409, 415, 422]
	},
	'GET /indicators/{id}/milestones': {
		id: 'getIndicatorMilestones',
		description: '指标的月度里程碑计划：各责任单位现行版本、待审核版本、历史版本，以及各月计划与实际对照。',
		ok: indicatorMilestones
	},
	'PUT /indicators/{id}/milestones': {
		id: 'saveMilestonePlan',
		description: '责任单位保存（submit=true 时提交审核）本指标的月度里程碑计划；修改已批准的计划形成新版本。',
		ok: milestonePlanVersion,
		errors: [409, 415, 422]
	}
};
