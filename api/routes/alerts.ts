import { Hono } from 'hono';
import { z } from 'zod';
import type { Env } from '../context.ts';
import { doc, v } from '../lib/validate.ts';
import { requireAuth, svc } from '../middleware/auth.ts';
import { alertHistory, visibleOpenAlerts } from '../services/alerts.ts';
import { idParam } from './common.ts';

const listQuery = z.object({
	unitId: z.coerce.number().int().positive().optional(),
	indicatorId: z.coerce.number().int().positive().optional(),
	light: z.enum(['red', 'yellow']).optional()
});

export const alertRoutes = new Hono<Env>()
	.get('/', doc('当前预警（红灯、黄灯）', ['alerts']), requireAuth, v('query', listQuery), async (c) => {
		const { unitId, indicatorId, light } = c.req.valid('query');
		const items = (
			await visibleOpenAlerts(svc(c), {
				unitId,
				indicatorIds: indicatorId ? [indicatorId] : undefined
			})
		).filter((a) => !light || a.light === light);
		return c.json({ items }, 200);
	})
	.get(
		'/:id/history',
		doc('预警的历史（开启、变化、解除）', ['alerts']),
		requireAuth,
		v('param', idParam),
		async (c) => c.json({ items: await alertHistory(svc(c), c.req.valid('param').id) }, 200)
	);
