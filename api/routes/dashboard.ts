import { Hono } from 'hono';
import { z } from 'zod';
import { UNIT_KINDS } from '../../web/src/lib/rules/enums.ts';
import type { Env } from '../context.ts';
import { dateSchema, doc, periodSchema, v } from '../lib/validate.ts';
import { requireAuth, svc } from '../middleware/auth.ts';
import { dashboardList, dashboardSummary, MATRIX_PAGE_SIZE } from '../services/dashboard.ts';
import { unitDashboard } from '../services/unit-dashboard.ts';
import { unitRanking } from '../services/ranking.ts';
import { readJsonOffThread as offThread } from '../lib/worker-pool.ts';
import { sendJson } from '../lib/json-bytes.ts';
import { paging } from './common.ts';

const filter = {
	asOf: dateSchema.optional(),
	planId: z.coerce.number().int().positive().optional(),
	sectionId: z.coerce.number().int().positive().optional(),
	unitKind: z.enum(UNIT_KINDS).optional(),
	unitId: z.coerce.number().int().positive().optional()
};
const summaryQuery = z.object({
	...filter,
	matrixPage: paging.page,
	matrixPageSize: z.coerce.number().int().min(1).max(500).default(MATRIX_PAGE_SIZE)
});
const listQuery = z.object({
	...filter,
	kind: z.enum(['red', 'due_soon']).default('red'),
	sort: z.enum(['due', '-due']).default('due'),
	...paging
});

// The office's views read the whole province: off the request thread on SQLite, their JSON text made
// there too (worker-pool.ts readJsonOffThread).
export const dashboardRoutes = new Hono<Env>()
	.get(
		'/summary',
		doc('督查看板：总数、分领域、趋势、月报矩阵', ['dashboard']),
		requireAuth,
		v('query', summaryQuery),
		async (c) => {
			const { asOf, matrixPage, matrixPageSize, ...f } = c.req.valid('query');
			return sendJson(
				c,
				await offThread(
					svc(c),
					'api/services/dashboard.ts',
					dashboardSummary,
					f,
					asOf ?? c.var.deps.clock.today(),
					{ page: matrixPage, pageSize: matrixPageSize }
				)
			);
		}
	)
	.get('/list', doc('红灯清单 / 临期清单', ['dashboard']), requireAuth, v('query', listQuery), async (c) => {
		const { asOf, kind, sort, page, pageSize, ...f } = c.req.valid('query');
		return sendJson(
			c,
			await offThread(
				svc(c),
				'api/services/dashboard.ts',
				dashboardList,
				f,
				asOf ?? c.var.deps.clock.today(),
				kind,
				sort,
				page,
				pageSize
			)
		);
	})
	.get(
		'/ranking',
		doc('单位月度得分排名', ['dashboard']),
		requireAuth,
		v('query', z.object({ period: periodSchema, unitKind: z.enum(UNIT_KINDS).optional() })),
		async (c) => {
			const { period, unitKind } = c.req.valid('query');
			return sendJson(c, await offThread(svc(c), 'api/services/ranking.ts', unitRanking, period, unitKind));
		}
	)
	.get(
		'/unit',
		doc('单位看板（本单位）', ['dashboard']),
		requireAuth,
		v('query', z.object({ unitId: z.coerce.number().int().positive().optional() })),
		async (c) => c.json(await unitDashboard(svc(c), c.req.valid('query').unitId), 200)
	);
