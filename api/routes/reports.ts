import { Hono } from 'hono';
import { exportLang } from '../lib/export-headers.ts';
import { z } from 'zod';
import { PROGRESS_STATUSES, REPORT_STATUSES, UNIT_KINDS } from '../../web/src/lib/rules/enums.ts';
import type { Env } from '../context.ts';
import { flag, idParam, paging } from './common.ts';
import { doc, periodSchema, userText, v } from '../lib/validate.ts';
import { contentDisposition } from '../lib/http.ts';
import { requireAuth, requireRole, svc } from '../middleware/auth.ts';
import { getOwnReportForm } from '../services/report-form.ts';
import {
	acceptReport,
	exportReports,
	compareVersions,
	getReport,
	listReports,
	listVersions,
	returnReport
} from '../services/report-review.ts';
import { saveReport } from '../services/reports.ts';

/**
 * A save or submission answers with the whole form, as /api/v1 always has; a client that needs only the
 * report's new state (revision, status) asks `Prefer: return=minimal` (RFC 7240), as the web app does,
 * and is spared the form's dozen queries on every autosave.
 */
const prefersMinimal = (prefer: string | undefined) => /(^|[\s,;])return=minimal\b/i.test(prefer ?? '');

const text = (max: number) => userText.max(max, `不超过 ${max} 字`).default('');

const itemInput = z.object({
	indicatorId: z.number().int().positive(),
	progressStatus: z.enum(PROGRESS_STATUSES).nullable().default(null),
	percent: z
		.number()
		.int()
		.min(0, '完成百分比应在 0–100 之间')
		.max(100, '完成百分比应在 0–100 之间')
		.nullable()
		.default(null),
	progress: text(4000),
	problems: text(4000),
	nextSteps: text(4000),
	values: z
		.array(z.object({ targetId: z.number().int().positive(), value: z.number().finite() }))
		.max(20)
		.default([]),
	attachmentIds: z.array(z.number().int().positive()).max(20).default([])
});

const REPORT_MAX_ITEMS = 2000;
/**
 * An item at every maximum (three texts of 4,000 Chinese characters at 3 bytes each, 20 values, 20
 * attachments) is about 37 KB of JSON (measured in test/api/input-limits.test.ts); the body limit
 * holds the largest report the schema allows.
 */
export const REPORT_ITEM_MAX_BYTES = 40 * 1024;
export const REPORT_SAVE_MAX_BYTES = REPORT_MAX_ITEMS * REPORT_ITEM_MAX_BYTES;

/** `revision`: the report's revision the form was loaded with; null or absent for a month not yet saved. */
const saveBody = z.object({
	revision: z.number().int().nullable().default(null),
	items: z.array(itemInput).max(REPORT_MAX_ITEMS)
});

const listQuery = z.object({
	period: periodSchema.optional(),
	status: z.enum(REPORT_STATUSES).optional(),
	late: flag.optional(),
	unitKind: z.enum(UNIT_KINDS).optional(),
	unitId: z.coerce.number().int().positive().optional(),
	...paging
});

const returnBody = z.object({
	reason: userText.trim().min(1, '请填写退回原因').max(2000),
	items: z
		.array(z.object({ indicatorId: z.number().int().positive(), reason: userText.trim().min(1).max(2000) }))
		.default([])
});

const acceptBody = z.object({
	comment: userText.trim().max(2000).default(''),
	items: z
		.array(z.object({ indicatorId: z.number().int().positive(), comment: userText.trim().min(1).max(2000) }))
		.max(REPORT_MAX_ITEMS)
		.default([])
});

export const reportRoutes = new Hono<Env>()
	.get(
		'/mine/:period',
		doc('本单位某月的月报表单', ['reports']),
		requireRole('unit'),
		v('param', z.object({ period: periodSchema })),
		async (c) => c.json(await getOwnReportForm(svc(c), c.req.valid('param').period), 200)
	)
	.put(
		'/mine/:period',
		doc('保存月报草稿', ['reports']),
		requireRole('unit'),
		v('param', z.object({ period: periodSchema })),
		v('json', saveBody),
		async (c) => {
			const { period } = c.req.valid('param');
			const saved = await saveReport(svc(c), { period, ...c.req.valid('json') }, false);
			if (!prefersMinimal(c.req.header('prefer'))) return c.json(await getOwnReportForm(svc(c), period), 200);
			c.header('Preference-Applied', 'return=minimal');
			return c.json(saved, 200);
		}
	)
	.post(
		'/mine/:period/submit',
		doc('提交月报', ['reports']),
		requireRole('unit'),
		v('param', z.object({ period: periodSchema })),
		v('json', saveBody),
		async (c) => {
			const { period } = c.req.valid('param');
			const saved = await saveReport(svc(c), { period, ...c.req.valid('json') }, true);
			if (!prefersMinimal(c.req.header('prefer'))) return c.json(await getOwnReportForm(svc(c), period), 200);
			c.header('Preference-Applied', 'return=minimal');
			return c.json(saved, 200);
		}
	)
	.get('/', doc('月报列表（审核队列）', ['reports']), requireAuth, v('query', listQuery), async (c) =>
		c.json(await listReports(svc(c), c.req.valid('query')), 200)
	)
	.get(
		'/export',
		doc('导出月报（当前筛选条件）', ['reports']),
		requireAuth,
		v(
			'query',
			listQuery
				.omit({ page: true, pageSize: true })
				.extend({ format: z.enum(['xlsx', 'csv']).default('xlsx'), lang: exportLang })
		),
		async (c) => {
			const { format, lang, ...f } = c.req.valid('query');
			const file = await exportReports(svc(c), f, format, lang);
			return c.body(file.body, 200, {
				'Content-Type': file.contentType,
				'Content-Disposition': contentDisposition(file.name)
			});
		}
	)
	.get('/:id', doc('月报详情', ['reports']), requireAuth, v('param', idParam), async (c) =>
		c.json(await getReport(svc(c), c.req.valid('param').id), 200)
	)
	.post(
		'/:id/accept',
		doc('审核通过（可附意见，整体及逐项）', ['reports']),
		requireRole('office'),
		v('param', idParam),
		v('json', acceptBody),
		async (c) => {
			const { comment, items } = c.req.valid('json');
			return c.json(await acceptReport(svc(c), c.req.valid('param').id, comment, items), 200);
		}
	)
	.post(
		'/:id/return',
		doc('退回月报（整体及逐项原因）', ['reports']),
		requireRole('office'),
		v('param', idParam),
		v('json', returnBody),
		async (c) => {
			const { reason, items } = c.req.valid('json');
			return c.json(await returnReport(svc(c), c.req.valid('param').id, reason, items), 200);
		}
	)
	.get('/:id/versions', doc('月报的历史版本', ['reports']), requireAuth, v('param', idParam), async (c) =>
		c.json({ items: await listVersions(svc(c), c.req.valid('param').id) }, 200)
	)
	.get(
		'/:id/compare',
		doc('比较两个版本（from、to 为版本记录的 id）', ['reports']),
		requireAuth,
		v('param', idParam),
		v('query', z.object({ from: z.coerce.number().int().min(1), to: z.coerce.number().int().min(1) })),
		async (c) => {
			const { from, to } = c.req.valid('query');
			return c.json(await compareVersions(svc(c), c.req.valid('param').id, from, to), 200);
		}
	);
