import { Hono } from 'hono';
import { exportLang } from '../lib/export-headers.ts';
import { z } from 'zod';
import type { Env } from '../context.ts';
import { idParam } from './common.ts';
import { contentDisposition } from '../lib/http.ts';
import { doc, v } from '../lib/validate.ts';
import { requireAuth, svc } from '../middleware/auth.ts';
import { EXPORT_FORMATS, type exportPlan } from '../services/exports.ts';
import { readInWorker } from '../lib/worker-pool.ts';
import { getPlan, listPlans, planStats } from '../services/plans.ts';

const exportQuery = z.object({ format: z.enum(EXPORT_FORMATS).default('xlsx'), lang: exportLang });

export const planRoutes = new Hono<Env>()
	.get('/', doc('计划列表', ['plans']), requireAuth, async (c) =>
		c.json({ items: await listPlans(svc(c)) }, 200)
	)
	.get('/:id', doc('计划及其领域结构', ['plans']), requireAuth, v('param', idParam), async (c) =>
		c.json(await getPlan(svc(c), c.req.valid('param').id), 200)
	)
	.get('/:id/stats', doc('计划完成情况统计', ['plans']), requireAuth, v('param', idParam), async (c) =>
		c.json(await planStats(svc(c), c.req.valid('param').id), 200)
	)
	.get(
		'/:id/export',
		doc('导出计划任务分工表', ['plans']),
		requireAuth,
		v('param', idParam),
		v('query', exportQuery),
		async (c) => {
			// The whole plan with its lights is read and written on a pool thread (a read-only connection).
			const { id } = c.req.valid('param');
			const { format, lang } = c.req.valid('query');
			const file = await readInWorker<typeof exportPlan>(
				svc(c),
				'api/services/exports.ts',
				'exportPlan',
				id,
				format,
				lang
			);
			return c.body(file.body, 200, {
				'Content-Type': file.contentType,
				'Content-Disposition': contentDisposition(file.name)
			});
		}
	);
