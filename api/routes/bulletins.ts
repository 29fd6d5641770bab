import { Hono } from 'hono';
import { z } from 'zod';
import type { Env } from '../context.ts';
import { contentDisposition } from '../lib/http.ts';
import { dateSchema, doc, periodSchema, userText, v } from '../lib/validate.ts';
import { requireAuth, requireRole, svc } from '../middleware/auth.ts';
import type { OfficialDocument } from '../../web/src/lib/rules/doc-model.ts';
import { bulletinDocument as officialDocument } from './contract/requests.ts';
import { runInWorker, writeInWorker } from '../lib/worker-pool.ts';
import { TEXT_KEYS } from '../services/bulletin-content.ts';
import { bulletinDocument } from '../services/bulletin-document.ts';
import type { bulletinDocx, bulletinXlsx } from '../services/bulletin-files.ts';
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
	week: dateSchema.nullable().default(null),
	/** 统计日期: the day the figures are taken (default: the period's last day). */
	asOf: dateSchema.nullable().default(null)
});
const edit = z.object({
	title: userText.trim().min(1).max(200).optional(),
	texts: z.object(Object.fromEntries(TEXT_KEYS.map((k) => [k, userText.max(20_000)]))).partial()
});

const listQuery = z.object({
	...paging,
	/** One level's bulletins (its government's unit id), or the province's own. */
	issuer: z.union([z.literal('province'), z.coerce.number().int().positive()]).optional()
});

export const bulletinRoutes = new Hono<Env>()
	.get('/', doc('通报列表', ['bulletins']), requireAuth, v('query', listQuery), async (c) =>
		c.json(await listBulletins(svc(c), c.req.valid('query')), 200)
	)
	.post(
		'/',
		doc('生成通报草稿（月报或周报）', ['bulletins']),
		requireRole('office'),
		v('json', newBulletin),
		async (c) => {
			// The content reads the whole year's supervision state: made on a pool thread (its own connection).
			const made = await writeInWorker<typeof createBulletin>(
				svc(c),
				'api/services/bulletins.ts',
				'createBulletin',
				c.req.valid('json')
			);
			return c.json(made, 201);
		}
	)
	.get('/:id', doc('通报', ['bulletins']), requireAuth, v('param', idParam), async (c) =>
		c.json(await getBulletin(svc(c), c.req.valid('param').id), 200)
	)
	.get(
		'/:id/document',
		doc('通报（公文结构：正文、附件表格）', ['bulletins']),
		requireAuth,
		v('param', idParam),
		async (c) => {
			const b = await getBulletin(svc(c), c.req.valid('param').id);
			return c.json(officialDocument.parse(bulletinDocument(b.content, b.number)) as OfficialDocument, 200);
		}
	)
	.put(
		'/:id',
		doc('修改通报文字', ['bulletins']),
		requireRole('office'),
		v('param', idParam),
		v('json', edit),
		async (c) => c.json(await editBulletin(svc(c), c.req.valid('param').id, c.req.valid('json')), 200)
	)
	.post(
		'/:id/publish',
		doc('发布通报（编号后不可修改）', ['bulletins']),
		requireRole('office'),
		v('param', idParam),
		async (c) => c.json(await publishBulletin(svc(c), c.req.valid('param').id), 200)
	)
	.get(
		'/:id/export',
		doc('下载通报（docx）或附表（xlsx）', ['bulletins']),
		requireAuth,
		v('param', idParam),
		v('query', z.object({ format: z.enum(['docx', 'xlsx']).default('docx') })),
		async (c) => {
			const b = await getBulletin(svc(c), c.req.valid('param').id);
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
