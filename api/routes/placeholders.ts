import { Hono } from 'hono';
import { z } from 'zod';
import type { Env } from '../context.ts';
import { idParam } from './common.ts';
import { doc, nameText, v } from '../lib/validate.ts';
import { requireRole, svc } from '../middleware/auth.ts';
import {
	addPlaceholder,
	listPendingIndicators,
	listPlaceholders,
	removePlaceholder
} from '../services/placeholders.ts';

const newName = z.object({
	name: nameText.trim().min(1, '请填写名称').max(60, '名称不能超过 60 个字')
});

/** The office's list of placeholder names, and the indicators still owed by one (待明确责任单位). */
export const placeholderRoutes = new Hono<Env>()
	.get('/', doc('待明确名称清单（导入时识别为待明确的名称）', ['units']), requireRole('office'), async (c) =>
		c.json({ items: await listPlaceholders(svc(c)) }, 200)
	)
	.post('/', doc('添加待明确名称', ['units']), requireRole('office'), v('json', newName), async (c) =>
		c.json(await addPlaceholder(svc(c), c.req.valid('json').name), 201)
	)
	.delete(
		'/:id',
		doc('移除未使用的待明确名称', ['units']),
		requireRole('office'),
		v('param', idParam),
		async (c) => {
			const { id } = c.req.valid('param');
			await removePlaceholder(svc(c), id);
			return c.json({ id }, 200);
		}
	)
	.get(
		'/indicators',
		doc('待明确责任单位的指标（截止日期、是否逾期）', ['units']),
		requireRole('office'),
		async (c) => c.json({ items: await listPendingIndicators(svc(c)) }, 200)
	);
