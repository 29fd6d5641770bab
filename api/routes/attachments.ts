import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import type { Env } from '../context.ts';
import { idParam } from './common.ts';
import { ApiError } from '../errors.ts';
import { contentDisposition } from '../lib/http.ts';
import { doc, v } from '../lib/validate.ts';
import { requireAuth, requireRole, svc } from '../middleware/auth.ts';
import { readAttachment, storeAttachment } from '../services/attachments.ts';
import { getSettings } from '../services/settings.ts';

const upload = z.object({ file: z.instanceof(File, { message: '请选择文件' }) });

export const attachmentRoutes = new Hono<Env>()
	.post(
		'/',
		doc('上传附件（pdf、doc/docx、xls/xlsx、jpg/png）', ['attachments']),
		requireRole('unit'),
		// Refuse oversized bodies while they stream in, before anything is buffered.
		async (c, next) => {
			const maxMb = getSettings(c.var.deps.db).attachmentMaxMb;
			return bodyLimit({
				maxSize: maxMb * 1024 * 1024 + 64 * 1024,
				onError: () => {
					throw new ApiError('payload_too_large', `文件超过 ${maxMb} MB 上限`);
				}
			})(c, next);
		},
		v('form', upload),
		async (c) => {
			const file = c.req.valid('form').file;
			return c.json(await storeAttachment(svc(c), file.name, new Uint8Array(await file.arrayBuffer())), 201);
		}
	)
	.get('/:id', doc('下载附件', ['attachments']), requireAuth, v('param', idParam), (c) => {
		const { row, data } = readAttachment(svc(c), c.req.valid('param').id);
		return c.body(new Uint8Array(data), 200, {
			'Content-Type': row.contentType,
			'Content-Disposition': contentDisposition(row.originalName),
			'X-Content-Type-Options': 'nosniff'
		});
	});
