import { Hono } from 'hono';
import { z } from 'zod';
import { ASSIGNMENT_ROLES } from '../../web/src/lib/rules/enums.ts';
import { SHARE_MODES } from '../../web/src/lib/rules/rollup.ts';
import type { Env } from '../context.ts';
import { idParam } from './common.ts';
import { dateSchema, doc, userText, v } from '../lib/validate.ts';
import { requireAuth, requireRole, svc } from '../middleware/auth.ts';
import { decompose, getPart, listParts, overrideSignOff, signPart } from '../services/decomposition.ts';

const decomposition = z.object({
	signBy: dateSchema,
	children: z
		.array(
			z.object({
				unitId: z.number().int().positive(),
				role: z.enum(ASSIGNMENT_ROLES).default('lead'),
				dueOn: dateSchema,
				shares: z
					.array(
						z.object({
							targetId: z.number().int().positive(),
							value: z.number().nonnegative().max(1e12),
							mode: z.enum(SHARE_MODES)
						})
					)
					.max(20)
					.default([])
			})
		)
		.min(1)
		.max(200)
});
const override = z.object({ reason: userText.trim().min(1, '请填写理由').max(2000) });
const listQuery = z.object({ indicatorId: z.coerce.number().int().positive().optional() });

export const partRoutes = new Hono<Env>()
	.get('/', doc('任务及其分解汇总', ['parts']), requireAuth, v('query', listQuery), async (c) =>
		c.json({ items: await listParts(svc(c), c.req.valid('query').indicatorId) }, 200)
	)
	.get('/:id', doc('一项任务及其下级', ['parts']), requireAuth, v('param', idParam), async (c) =>
		c.json(await getPart(svc(c), c.req.valid('param').id), 200)
	)
	.post(
		'/:id/children',
		doc('分解交办', ['parts']),
		requireRole('unit'),
		v('param', idParam),
		v('json', decomposition),
		async (c) => c.json(await decompose(svc(c), c.req.valid('param').id, c.req.valid('json')), 201)
	)
	.post('/:id/sign', doc('签收交办任务', ['parts']), requireRole('unit'), v('param', idParam), async (c) =>
		c.json(await signPart(svc(c), c.req.valid('param').id), 200)
	)
	.post(
		'/:id/override-sign-off',
		doc('越级办结（联席办）', ['parts']),
		requireRole('office'),
		v('param', idParam),
		v('json', override),
		async (c) =>
			c.json(await overrideSignOff(svc(c), c.req.valid('param').id, c.req.valid('json').reason), 200)
	);
