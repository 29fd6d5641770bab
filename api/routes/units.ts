import { Hono } from 'hono';
import { z } from 'zod';
import { UNIT_KINDS } from '../../web/src/lib/rules/enums.ts';
import type { Env } from '../context.ts';
import { idParam } from './common.ts';
import { doc, nameText, v } from '../lib/validate.ts';
import { requireAuth, requireRole, svc } from '../middleware/auth.ts';
import { createUnit, listGroups, listUnits, updateUnit } from '../services/units.ts';

const unitId = z.coerce.number().int().positive();
const year = z.coerce.number().int().min(2000).max(2100);
const newUnit = z.object({
	name: nameText.trim().min(1, '请填写单位名称').max(60, '名称不能超过 60 个字'),
	kind: z.enum(UNIT_KINDS),
	parentId: unitId.nullable().default(null)
});
const unitPatch = z
	.object({ parentId: unitId.nullable().optional(), retiredIn: year.nullable().optional() })
	.refine((p) => p.parentId !== undefined || p.retiredIn !== undefined, '请指定上级单位或撤销年份');

export const unitRoutes = new Hono<Env>()
	.get(
		'/',
		doc('单位名录（含上级单位）', ['units']),
		requireAuth,
		v('query', z.object({ under: unitId.optional(), year: year.optional() })),
		async (c) => c.json({ items: await listUnits(svc(c), c.req.valid('query')) }, 200)
	)
	.post(
		'/',
		doc('新增单位（挂在上级单位之下）', ['units']),
		requireRole('office'),
		v('json', newUnit),
		async (c) => c.json(await createUnit(svc(c), c.req.valid('json')), 201)
	)
	.patch(
		'/:id',
		doc('调整单位的上级单位，或自某年起撤销', ['units']),
		requireRole('office'),
		v('param', idParam),
		v('json', unitPatch),
		async (c) => c.json(await updateUnit(svc(c), c.req.valid('param').id, c.req.valid('json')), 200)
	)
	.get('/groups', doc('单位组', ['units']), requireAuth, async (c) =>
		c.json({ items: await listGroups(svc(c)) }, 200)
	);
