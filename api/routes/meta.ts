import { Hono } from 'hono';
import type { Env } from '../context.ts';
import { doc } from '../lib/validate.ts';
import { requireAuth } from '../middleware/auth.ts';
import { firstPlanMonth } from '../services/plans.ts';
import { getSettings } from '../services/settings.ts';

/**
 * What the front end shows in its header: the application's today, and whether this is demo data; and
 * the plans' first month, where month pickers start.
 */
export const metaRoutes = new Hono<Env>().get(
	'/',
	doc('系统日期与演示模式', ['system']),
	requireAuth,
	async (c) => {
		const { db, clock } = c.var.deps;
		const settings = await getSettings(db);
		return c.json(
			{
				today: clock.today(),
				demoDate: settings.demoDate,
				reportDueDay: settings.reportDueDay,
				firstPeriod: await firstPlanMonth(db),
				attachmentMaxMb: settings.attachmentMaxMb
			},
			200
		);
	}
);
