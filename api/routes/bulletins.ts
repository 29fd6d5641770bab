import { Hono } from 'hono';
import { z } from 'zod';
import type { Env } from '../context.ts';
import { contentDisposition } from '../lib/http.ts';
import { dateSchema, doc, periodSchema, userText, v } from '../lib/validate.ts';
import { requireAuth, requireRole, svc } from '../middleware/auth.ts';
import type { bulletinDocx, bulletinXlsx } from '../services/bulletin-files.ts';
import { runInWorker, writeInWorker } from '../lib/worker-pool.ts';
import {
	editBulletin,
	getBulletin,
	listBulletins,
	publishBulletin,
	type createBulletin
} from '../services/bulletins.ts';
import { idParam, paging } from './common.ts';

/** The documents are made on a worker thread (the data is read here). */
const BULLETIN_FILES = 'api/services/bulletin-files.ts';

const newBulletin = z.object({
	period: periodSchema,
	week: dateSchema.nullable().default(null)
});
const edit = z.object({
	title: userText.trim().min(1).max(200).optional(),
	texts: z
		.object({
			overview: userText.max(20_000),
			sections: userText.max(20_000),
			units: userText.max(20_000),
			problems: userText.max(20_000)
		})
		.partial()
});

export const bulletinRoutes = new Hono<Env>()
	.get('/', doc('通报列表', ['bulletins']), requireAuth, v('query', z.object(paging)), (c) =>
		c.json(listBulletins(svc(c), c.req.valid('query')), 200)
	)
	.post(
		'/',
		doc('生成通报草稿（月报或周报）', ['bulletins']),
		requireRole('office'),
		v('json', newBulletin),
		async (c) => {
			const { period, week } = c.req.valid('json');
			// The content reads the whole year's supervision state: made on a pool thread (its own connection).
			const made = await writeInWorker<typeof createBulletin>(
				svc(c),
				'api/services/bulletins.ts',
				'createBulletin',
				period,
				week
			);
			return c.json(made, 201);
		}
	)
	.get('/:id', doc('通报', ['bulletins']), requireAuth, v('param', idParam), (c) =>
		c.json(getBulletin(svc(c), c.req.valid('param').id), 200)
	)
	.put(
		'/:id',
		doc('修改通报文字', ['bulletins']),
		requireRole('office'),
		v('param', idParam),
		v('json', edit),
		(c) => c.json(editBulletin(svc(c), c.req.valid('param').id, c.req.valid('json')), 200)
	)
	.post(
		'/:id/publish',
		doc('发布通报（编号后不可修改）', ['bulletins']),
		requireRole('office'),
		v('param', idParam),
		(c) => c.json(publishBulletin(svc(c), c.req.valid('param').id), 200)
	)
	.get(
		'/:id/export',
		doc('下载通报（docx）或附表（xlsx）', ['bulletins']),
		requireAuth,
		v('param', idParam),
		v('query', z.object({ format: z.enum(['docx', 'xlsx']).default('docx') })),
		async (c) => {
			const b = getBulletin(svc(c), c.req.valid('param').id);
			const format = c.req.valid('query').format;
			const body =
				format === 'docx'
					? await runInWorker<typeof bulletinDocx>(BULLETIN_FILES, 'bulletinDocx', b.content, b.number)
					: await runInWorker<typeof bulletinXlsx>(BULLETIN_FILES, 'bulletinXlsx', b.content);
			const type =
				format === 'docx'
					? 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'
					: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
			return c.body(body, 200, {
				'Content-Type': type,
				'Content-Disposition': contentDisposition(`${b.number ?? '通报草稿'}-${b.title}.${format}`)
			});
		}
	);
