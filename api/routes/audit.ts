import { Hono } from 'hono';
import { exportLang } from '../lib/export-headers.ts';
import { z } from 'zod';
import type { Env } from '../context.ts';
import { contentDisposition } from '../lib/http.ts';
import { dateSchema, doc, nameText, userText, v } from '../lib/validate.ts';
import { requireRole, svc } from '../middleware/auth.ts';
import { auditUnits, checkAuditChain, exportAudit, searchAudit } from '../services/audit-log.ts';
import { paging } from './common.ts';

const filter = z.object({
	username: nameText.trim().min(1).max(64).optional(),
	unitId: z.coerce.number().int().positive().optional(),
	action: userText.trim().min(1).max(64).optional(),
	result: z.enum(['ok', 'denied', 'failed']).optional(),
	from: dateSchema.optional(),
	to: dateSchema.optional()
});
const auditor = requireRole('auditor');

/** The audit administrator's only area: search, export and chain verification of the audit log. */
export const auditRoutes = new Hono<Env>()
	.get('/', doc('查询审计日志', ['audit']), auditor, v('query', filter.extend(paging)), async (c) =>
		c.json(await searchAudit(svc(c), c.req.valid('query')), 200)
	)
	.get(
		'/export',
		doc('导出审计日志', ['audit']),
		auditor,
		v('query', filter.extend({ format: z.enum(['csv', 'xlsx']).default('xlsx'), lang: exportLang })),
		async (c) => {
			const { format, lang, ...f } = c.req.valid('query');
			const file = await exportAudit(svc(c), f, format, lang);
			return c.body(file.body, 200, {
				'Content-Type': file.contentType,
				'Content-Disposition': contentDisposition(file.name)
			});
		}
	)
	.get('/units', doc('单位名录（审计日志按单位筛选）', ['audit']), auditor, async (c) =>
		c.json({ items: await auditUnits(svc(c)) }, 200)
	)
	.get('/verify', doc('校验审计日志哈希链', ['audit']), auditor, async (c) =>
		c.json(await checkAuditChain(svc(c)), 200)
	);
