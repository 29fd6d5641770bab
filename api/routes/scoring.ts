import { Hono } from 'hono';
import { z } from 'zod';
import type { Env } from '../context.ts';
import { doc, periodSchema, userText, v } from '../lib/validate.ts';
import { requireAuth, requireRole, svc } from '../middleware/auth.ts';
import {
	addAdjustment,
	getScoring,
	listAdjustments,
	removeAdjustment,
	SCORING,
	updateScoring
} from '../services/scoring.ts';
import { idParam } from './common.ts';

const adjustment = z.object({
	period: periodSchema,
	unitId: z.number().int().positive({ message: '请选择单位' }),
	points: z
		.number({ message: '请填写分值' })
		.min(-20, '单次加减分不超过20分')
		.max(20, '单次加减分不超过20分')
		.refine((n) => n !== 0, '分值不能为0'),
	reason: userText.trim().min(2, '请填写加减分理由').max(500, '理由不超过500字')
});

/** The office's scoring rules (weights, ranking categories) and its 加分/减分 entries. */
export const scoringRoutes = new Hono<Env>()
	.get('/settings', doc('评分规则', ['scoring']), requireAuth, async (c) =>
		c.json(await getScoring(svc(c)), 200)
	)
	.put(
		'/settings',
		doc('修改评分规则', ['scoring']),
		requireRole('office'),
		v('json', SCORING.partial()),
		async (c) => c.json(await updateScoring(svc(c), c.req.valid('json')), 200)
	)
	.get(
		'/adjustments',
		doc('加减分记录', ['scoring']),
		requireAuth,
		v('query', z.object({ period: periodSchema })),
		async (c) => c.json({ items: await listAdjustments(svc(c), c.req.valid('query').period) }, 200)
	)
	.post(
		'/adjustments',
		doc('记录加分或减分', ['scoring']),
		requireRole('office'),
		v('json', adjustment),
		async (c) => c.json(await addAdjustment(svc(c), c.req.valid('json')), 201)
	)
	.delete(
		'/adjustments/:id',
		doc('撤销加减分', ['scoring']),
		requireRole('office'),
		v('param', idParam),
		async (c) => {
			await removeAdjustment(svc(c), c.req.valid('param').id);
			return c.json({ ok: true }, 200);
		}
	);
