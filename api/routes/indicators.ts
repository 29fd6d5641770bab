import { Hono } from 'hono';
import { exportLang } from '../lib/export-headers.ts';
import { z } from 'zod';
import type { Env } from '../context.ts';
import { flag, idParam, paging } from './common.ts';
import { dateSchema, doc, periodSchema, userText, v } from '../lib/validate.ts';
import { contentDisposition } from '../lib/http.ts';
import type { exportIndicatorList } from '../services/exports.ts';
import { readInWorker } from '../lib/worker-pool.ts';
import { requireAuth, requireRole, svc } from '../middleware/auth.ts';
import { getIndicator, listIndicators } from '../services/indicators.ts';
import { resolvePendingGroup } from '../services/pending-groups.ts';
import { setIndicatorKind } from '../services/responsibility.ts';
import { INDICATOR_KINDS } from '../../web/src/lib/rules/enums.ts';
import { dueDateHistory, indicatorReports, indicatorTimeline } from '../services/indicator-history.ts';

export const indicatorListQuery = z.object({
	planId: z.coerce.number().int().positive().optional(),
	sectionId: z.coerce.number().int().positive().optional(),
	unitId: z.coerce.number().int().positive().optional(),
	role: z.enum(['lead', 'co']).optional(),
	dueFrom: dateSchema.optional(),
	dueTo: dateSchema.optional(),
	status: z.enum(['open', 'completed']).optional(),
	unresolved: flag.optional(),
	q: userText.trim().max(100).optional(),
	sort: z.enum(['position', 'due', '-due']).default('position'),
	...paging
});

const resolveBody = z.object({
	groupId: z.number().int().positive(),
	unitIds: z.array(z.number().int().positive()).min(1, '请至少选择一个单位').max(200)
});

export const indicatorRoutes = new Hono<Env>()
	.get(
		'/',
		doc('指标列表（筛选、分页）', ['indicators']),
		requireAuth,
		v('query', indicatorListQuery),
		async (c) => c.json(await listIndicators(svc(c), c.req.valid('query')), 200)
	)
	.get(
		'/export',
		doc('导出指标清单（当前筛选条件，xlsx 或 csv）', ['indicators']),
		requireAuth,
		v(
			'query',
			indicatorListQuery
				.omit({ page: true, pageSize: true })
				.extend({ format: z.enum(['xlsx', 'csv']).default('xlsx'), lang: exportLang })
		),
		async (c) => {
			const { format, lang, ...f } = c.req.valid('query');
			// Read and written on a pool thread (a read-only connection): a whole plan's list is large.
			const file = await readInWorker<typeof exportIndicatorList>(
				svc(c),
				'api/services/exports.ts',
				'exportIndicatorList',
				{ ...f, page: 1, pageSize: 1 },
				format,
				lang
			);
			return c.body(file.body, 200, {
				'Content-Type': file.contentType,
				'Content-Disposition': contentDisposition(file.name)
			});
		}
	)
	.get('/:id', doc('指标详情', ['indicators']), requireAuth, v('param', idParam), async (c) =>
		c.json(await getIndicator(svc(c), c.req.valid('param').id), 200)
	)
	.get(
		'/:id/timeline',
		doc('指标动态（月报、申请、督办、日期变更）', ['indicators']),
		requireAuth,
		v('param', idParam),
		async (c) => c.json({ items: await indicatorTimeline(svc(c), c.req.valid('param').id) }, 200)
	)
	.get(
		'/:id/due-dates',
		doc('截止日期变更历史', ['indicators']),
		requireAuth,
		v('param', idParam),
		async (c) => c.json(await dueDateHistory(svc(c), c.req.valid('param').id), 200)
	)
	.get(
		'/:id/reports',
		doc('某指标各责任单位某月的填报情况', ['indicators']),
		requireAuth,
		v('param', idParam),
		v('query', z.object({ period: periodSchema })),
		async (c) =>
			c.json(
				{ items: await indicatorReports(svc(c), c.req.valid('param').id, c.req.valid('query').period) },
				200
			)
	)
	.put(
		'/:id/kind',
		doc('责任方式：牵头负总责（joint）或各单位分别负责（each）', ['indicators']),
		requireRole('office'),
		v('param', idParam),
		v('json', z.object({ kind: z.enum(INDICATOR_KINDS) })),
		async (c) =>
			c.json(await setIndicatorKind(svc(c), c.req.valid('param').id, c.req.valid('json').kind), 200)
	)
	.post(
		'/:id/resolve-group',
		doc('明确“省级有关单位”等待定单位', ['indicators']),
		requireRole('office'),
		v('param', idParam),
		v('json', resolveBody),
		async (c) => {
			const { groupId, unitIds } = c.req.valid('json');
			return c.json(await resolvePendingGroup(svc(c), c.req.valid('param').id, groupId, unitIds), 200);
		}
	);
