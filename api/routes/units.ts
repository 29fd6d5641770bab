import { Hono } from 'hono';
import type { Env } from '../context.ts';
import { doc } from '../lib/validate.ts';
import { requireAuth, svc } from '../middleware/auth.ts';
import { listGroups, listUnits } from '../services/units.ts';

export const unitRoutes = new Hono<Env>()
	.get('/', doc('单位名录', ['units']), requireAuth, async (c) =>
		c.json({ items: await listUnits(svc(c)) }, 200)
	)
	.get('/groups', doc('单位组', ['units']), requireAuth, async (c) =>
		c.json({ items: await listGroups(svc(c)) }, 200)
	);
