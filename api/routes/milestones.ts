import { Hono } from 'hono';
import { z } from 'zod';
import { MILESTONE_PLAN_STATUSES } from '../../web/src/lib/rules/enums.ts';
import type { Env } from '../context.ts';
import { idParam, paging } from './common.ts';
import { doc, periodSchema, userText, v } from '../lib/validate.ts';
import { requireAuth, requireRole, svc } from '../middleware/auth.ts';
import {
	decideMilestonePlan,
	getMilestonePlan,
	indicatorMilestones,
	listMilestonePlans,
	myMilestonePlans,
	saveMilestonePlan
} from '../services/milestones.ts';

const planBody = z.object({
	milestones: z
		.array(
			z.object({
				period: periodSchema,
				deliverable: userText.trim().min(1, '请填写交付成果').max(500),
				percent: z.number().min(0).max(100),
				value: z.number().finite().nullable().default(null)
			})
		)
		.min(1, '至少填写一个月的里程碑')
		.max(12),
	note: userText.trim().max(2000).default(''),
	submit: z.boolean().default(false)
});
const listQuery = z.object({
	status: z.enum(MILESTONE_PLAN_STATUSES).optional(),
	indicatorId: z.coerce.number().int().positive().optional(),
	...paging
});
const decision = z.object({ approve: z.boolean(), note: userText.trim().max(2000).default('') });

/** Milestone plan versions: lists, one version, the supervisor's decision. */
export const milestonePlanRoutes = new Hono<Env>()
	.get('/', doc('里程碑计划列表', ['milestones']), requireAuth, v('query', listQuery), async (c) =>
		c.json(await listMilestonePlans(svc(c), c.req.valid('query')), 200)
	)
	.get('/mine', doc('本单位的里程碑计划', ['milestones']), requireRole('unit'), async (c) =>
		c.json({ items: await myMilestonePlans(svc(c)) }, 200)
	)
	.get('/:id', doc('里程碑计划详情', ['milestones']), requireAuth, v('param', idParam), async (c) =>
		c.json(await getMilestonePlan(svc(c), c.req.valid('param').id), 200)
	)
	.post(
		'/:id/decide',
		doc('审核里程碑计划', ['milestones']),
		requireRole('office'),
		v('param', idParam),
		v('json', decision),
		async (c) => {
			const { approve, note } = c.req.valid('json');
			return c.json(await decideMilestonePlan(svc(c), c.req.valid('param').id, approve, note), 200);
		}
	);

/** An indicator's milestone plans (under /indicators/:id). */
export const indicatorMilestoneRoutes = new Hono<Env>()
	.get(
		'/:id/milestones',
		doc('指标的里程碑计划', ['milestones']),
		requireAuth,
		v('param', idParam),
		async (c) => c.json(await indicatorMilestones(svc(c), c.req.valid('param').id), 200)
	)
	.put(
		'/:id/milestones',
		doc('保存或提交里程碑计划', ['milestones']),
		requireRole('unit'),
		v('param', idParam),
		v('json', planBody),
		async (c) => {
			const id = await saveMilestonePlan(svc(c), c.req.valid('param').id, c.req.valid('json'));
			return c.json(await getMilestonePlan(svc(c), id), 200);
		}
	);
