import { z } from 'zod';
import { ASSIGNMENT_ROLES, ALERT_KINDS, LIGHTS } from '../../../web/src/lib/rules/enums.ts';
import { STATES } from '../../../web/src/lib/rules/enums.ts';
import { SHARE_MODES } from '../../../web/src/lib/rules/rollup.ts';
import { count, date, id, list, obj, unitRef } from './shapes.ts';
import type { Contract } from './types.ts';

const share = obj({ targetId: id, value: z.number(), mode: z.enum(SHARE_MODES) });
const reason = obj({
	kind: z.enum(ALERT_KINDS),
	light: z.enum(LIGHTS),
	since: date,
	text: z.string().describe('rendered when read: 下级单位西湖区政府红灯：…')
}).nullable();
const figure = obj({
	targetId: id,
	actual: z.number().nullable().describe("the children's latest figures summed"),
	goal: z
		.number()
		.nullable()
		.describe("the part's own goal: its share, or the target's value for each owner"),
	percent: z.number().nullable(),
	reported: count
});
const rollup = obj({
	figures: z.array(figure),
	lagging: obj({ unit: z.string(), light: z.enum(LIGHTS), others: count }).nullable()
});
const partFacts = {
	id,
	unit: unitRef,
	role: z.enum(ASSIGNMENT_ROLES),
	dueOn: date.nullable(),
	completedOn: date.nullable(),
	signBy: date.nullable(),
	signedOn: date.nullable(),
	signLate: z.boolean(),
	state: z.enum(STATES),
	reason
};
const childPart = obj({
	...partFacts,
	handedOn: date.nullable(),
	shares: z.array(share),
	actuals: z.array(obj({ targetId: id, value: z.number() })),
	children: obj({ done: count, of: count })
});
const parentRef = obj({ id, unit: unitRef }).nullable();
export const partDetail = childPart.extend({
	indicator: obj({
		id,
		text: z.string(),
		task: z.string(),
		kind: z.enum(['joint', 'each']),
		dueOn: date.nullable(),
		originalDueOn: date.nullable()
	}),
	parent: parentRef,
	targets: z.array(
		obj({
			id,
			label: z.string(),
			scale: z.number().int(),
			unit: z.string(),
			aggregation: z.enum(['each', 'sum']),
			goal: z.number().nullable()
		})
	),
	rollup,
	children: z.array(childPart),
	mayDecompose: z.boolean(),
	candidates: z.array(unitRef).describe('units below the own unit not yet holding a part of this indicator')
});
const partRow = obj({
	...partFacts,
	indicator: obj({ id, text: z.string(), task: z.string() }),
	parent: parentRef,
	children: obj({ done: count, of: count }).nullable(),
	rollup
});

export const partContract: Contract = {
	'GET /parts': {
		id: 'listParts',
		description:
			'单位：本单位承担的任务（含交办来的）；督查：一项指标的各责任单位任务及其下级汇总（下钻第一层）。',
		ok: list(partRow)
	},
	'GET /parts/{id}': {
		id: 'getPart',
		description: '一项任务（指标×单位）：状态、下级单位的分解任务及签收、汇总数值、亮灯的下级单位。',
		ok: partDetail
	},
	'POST /parts/{id}/children': {
		id: 'decomposePart',
		description:
			'分解交办：向下级单位交办本单位任务的份额（完成时限不晚于本单位、份额合计等于目标或各自不少于），设签收期限。',
		ok: partDetail,
		status: 201,
		errors: [409, 415]
	},
	'POST /parts/{id}/sign': {
		id: 'signPart',
		description: '接收单位签收交办任务（逾期签收记为迟签）。',
		ok: partDetail,
		errors: [409]
	},
	'POST /parts/{id}/override-sign-off': {
		id: 'overrideSignOffPart',
		description: '联席办在下级未全部办结时办结该任务（须填写理由，留痕审计）。',
		ok: partDetail,
		errors: [409, 415]
	}
};
