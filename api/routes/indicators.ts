import { Hono } from 'hono';
import { z } from 'zod';
import type { Env } from '../context.ts';
import { doc, v } from '../lib/validate.ts';
import { requireAuth, requireRole, svc } from '../middleware/auth.ts';
import { getIndicator, listIndicators } from '../services/indicators.ts';
import { resolvePendingGroup } from '../services/pending-groups.ts';

const isoDate = z.iso.date('日期格式应为 YYYY-MM-DD');
const bool = z.enum(['1', '0', 'true', 'false']).transform((s) => s === '1' || s === 'true');

export const indicatorListQuery = z.object({
	planId: z.coerce.number().int().positive().optional(),
	sectionId: z.coerce.number().int().positive().optional(),
	unitId: z.coerce.number().int().positive().optional(),
	role: z.enum(['lead', 'co']).optional(),
	dueFrom: isoDate.optional(),
	dueTo: isoDate.optional(),
	status: z.enum(['open', 'completed']).optional(),
	unresolved: bool.optional(),
	q: z.string().trim().max(100).optional(),
	sort: z.enum(['position', 'due', '-due']).default('position'),
	page: z.coerce.number().int().min(1).default(1),
	pageSize: z.coerce.number().int().min(1).max(500).default(50)
});

const idParam = z.object({ id: z.coerce.number().int().positive() });
const resolveBody = z.object({
	groupId: z.number().int().positive(),
	unitIds: z.array(z.number().int().positive()).min(1, '请至少选择一个单位').max(200)
});

export const indicatorRoutes = new Hono<Env>()
	.get('/', doc('指标列表（筛选、分页）', ['indicators']), requireAuth, v('query', indicatorListQuery), (c) =>
		c.json(listIndicators(svc(c), c.req.valid('query')), 200)
	)
	.get('/:id', doc('指标详情', ['indicators']), requireAuth, v('param', idParam), (c) =>
		c.json(getIndicator(svc(c), c.req.valid('param').id), 200)
	)
	.post(
		'/:id/resolve-group',
		doc('明确“省级有关单位”等待定单位', ['indicators']),
		requireRole('office'),
		v('param', idParam),
		v('json', resolveBody),
		(c) => {
			const { groupId, unitIds } = c.req.valid('json');
			return c.json(resolvePendingGroup(svc(c), c.req.valid('param').id, groupId, unitIds), 200);
		}
	);
