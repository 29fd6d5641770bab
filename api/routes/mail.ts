import { Hono } from 'hono';
import { z } from 'zod';
import type { Env } from '../context.ts';
import { idParam, paging } from './common.ts';
import { doc, userText, v } from '../lib/validate.ts';
import { requireRole, svc } from '../middleware/auth.ts';
import { getMail, listMail, retryMail, sendQueued } from '../services/mail.ts';
import { fail } from '../errors.ts';
import { listJobRuns } from '../services/job-runs.ts';

const listQuery = z.object({
	status: z.enum(['queued', 'sent', 'failed']).optional(),
	q: userText.trim().max(100).optional(),
	...paging
});

export const mailRoutes = new Hono<Env>()
	.get('/', doc('邮件日志', ['mail']), requireRole('admin'), v('query', listQuery), async (c) =>
		c.json(await listMail(svc(c), c.req.valid('query')), 200)
	)
	.get(
		'/jobs',
		doc('定时任务运行记录', ['mail']),
		requireRole('admin'),
		v('query', z.object(paging)),
		async (c) => c.json(await listJobRuns(svc(c), c.req.valid('query')), 200)
	)
	.post('/send-now', doc('立即发送队列中的邮件', ['mail']), requireRole('admin'), async (c) => {
		const { mailer } = c.var.deps;
		if (!mailer) throw fail('conflict', 'mail.smtp_missing');
		return c.json(await sendQueued(svc(c), mailer), 200);
	})
	.get('/:id', doc('邮件内容', ['mail']), requireRole('admin'), v('param', idParam), async (c) =>
		c.json(await getMail(svc(c), c.req.valid('param').id), 200)
	)
	.post('/:id/retry', doc('重发失败的邮件', ['mail']), requireRole('admin'), v('param', idParam), async (c) =>
		c.json(await retryMail(svc(c), c.req.valid('param').id), 200)
	);
