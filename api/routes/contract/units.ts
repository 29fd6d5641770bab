import { z } from 'zod';
import { UNIT_KINDS } from '../../../web/src/lib/rules/enums.ts';
import { date, id, list, obj, row } from './shapes.ts';
import type { Contract } from './types.ts';

export const unitRow = obj({
	id,
	name: z.string(),
	kind: z.enum(UNIT_KINDS),
	/** The unit it answers to (a county: its city); null at the top. */
	parentId: id.nullable(),
	/** The first plan year it no longer exists in; null: current. */
	retiredIn: z.number().int().nullable(),
	assignments: z.number().int()
});

export const unitContract: Contract = {
	'GET /units': {
		id: 'listUnits',
		description:
			'单位名录（省级部门、设区市、县（市、区）等）及其上下级关系，含每个单位承担的任务数。under 只列某单位及其下属单位，year 只列该年度仍存在的单位；设区市、县级督查员只看到本级及下属单位。',
		ok: list(unitRow),
		example: {
			items: [
				{ id: 3, name: '省大数据局', kind: 'provincial', parentId: null, retiredIn: null, assignments: 41 }
			]
		}
	},
	'POST /units': {
		id: 'createUnit',
		description:
			'联席办新增单位（本级部门、乡镇街道等），挂在上级单位之下；设区市、县级督查员只能挂在本级或下属单位之下。',
		ok: unitRow,
		status: 201,
		errors: [409]
	},
	'PATCH /units/{id}': {
		id: 'updateUnit',
		description:
			'调整单位的上级单位（不能移到自身或下属单位之下），或设置自哪一年起撤销（如 2021 年撤销的下城区）。',
		ok: unitRow,
		errors: [409]
	},
	'GET /units/groups': {
		id: 'listUnitGroups',
		description: '单位组（如“各设区市政府”）和待明确名称（如“省级有关单位”）。',
		ok: list(row)
	},
	'GET /placeholders': {
		id: 'listPlaceholderNames',
		description: '联席办维护的待明确名称清单：导入时这些名称记为待明确，而不是单位。',
		ok: list(row)
	},
	'POST /placeholders': {
		id: 'addPlaceholderName',
		description: '添加一个待明确名称（单位或单位组的名称不能添加）。',
		ok: row,
		status: 201,
		errors: [409, 415]
	},
	'DELETE /placeholders/{id}': {
		id: 'removePlaceholderName',
		description: '移除一个未被任何指标使用的待明确名称。',
		ok: obj({ id }),
		errors: [409]
	},
	'GET /placeholders/indicators': {
		id: 'listPendingIndicators',
		description: '仍由待明确名称负责的指标：截止日期和逾期天数。',
		ok: list(obj({ dueOn: date.nullable().optional() }))
	}
};
