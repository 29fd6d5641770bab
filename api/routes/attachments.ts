import { Hono } from 'hono';
import { z } from 'zod';
import type { Env } from '../context.ts';
import { idParam } from './common.ts';
import { contentDisposition } from '../lib/http.ts';
import { doc, v } from '../lib/validate.ts';
import { requireAuth, requireRole, svc } from '../middleware/auth.ts';
import { readAttachment, storeAttachment } from '../services/attachments.ts';

const upload = z.object({ file: z.instanceof(File, { message: '请选择文件' }) });

export const attachmentRoutes = new Hono<Env>()
	.post(
		'/',
		doc('上传附件（pdf、doc/docx、xls/xlsx、jpg/png）', ['attachments']),
		requireRole('unit'),
		v('form', upload),
		async (c) => {
			const file = c.req.valid('form').file;
			return c.json(await storeAttachment(svc(c), file.name, new Uint8Array(await file.arrayBuffer())), 201);
		}
	)
	.get('/:id', doc('下载附件', ['attachments']), requireAuth, v('param', idParam), async (c) => {
		const { row, data } = await readAttachment(svc(c), c.req.valid('param').id);
		return c.body(new Uint8Array(data), 200, {
			'Content-Type': row.contentType,
			'Content-Disposition': contentDisposition(row.originalName),
			'X-Content-Type-Options': 'nosniff'
		});
	});
