import { Hono } from 'hono';
import { z } from 'zod';
import type { Env } from '../context.ts';
import { flag, idParam, paging } from './common.ts';
import { doc, v } from '../lib/validate.ts';
import { requireAuth, svc } from '../middleware/auth.ts';
import { listNotifications, markRead } from '../services/notifications.ts';

export const notificationRoutes = new Hono<Env>()
	.get(
		'/',
		doc('我的站内通知', ['notifications']),
		requireAuth,
		v('query', z.object({ unread: flag.optional(), ...paging })),
		async (c) => c.json(await listNotifications(svc(c), c.req.valid('query')), 200)
	)
	.post('/read-all', doc('全部标为已读', ['notifications']), requireAuth, async (c) =>
		c.json(await markRead(svc(c)), 200)
	)
	.post('/:id/read', doc('标为已读', ['notifications']), requireAuth, v('param', idParam), async (c) =>
		c.json(await markRead(svc(c), c.req.valid('param').id), 200)
	);
