import { Hono } from 'hono';
import { z } from 'zod';
import { REQUEST_KINDS, REQUEST_STATUSES } from '../../web/src/lib/rules/enums.ts';
import type { Env } from '../context.ts';
import { idParam, paging } from './common.ts';
import { dateSchema, doc, userText, v } from '../lib/validate.ts';
import { requireAuth, requireRole, svc } from '../middleware/auth.ts';
import { createRequest, decideRequest, getRequest, listRequests } from '../services/requests.ts';

const newRequest = z.object({
	kind: z.enum(REQUEST_KINDS),
	indicatorId: z.number().int().positive(),
	statement: userText.trim().min(1, '请填写说明').max(4000),
	newDueOn: dateSchema.optional(),
	attachmentIds: z.array(z.number().int().positive()).max(20).default([])
});
const listQuery = z.object({
	status: z.enum(REQUEST_STATUSES).optional(),
	kind: z.enum(REQUEST_KINDS).optional(),
	indicatorId: z.coerce.number().int().positive().optional(),
	...paging
});
const decision = z.object({ approve: z.boolean(), note: userText.trim().max(2000).default('') });

export const requestRoutes = new Hono<Env>()
	.post('/', doc('提出办结或延期申请', ['requests']), requireRole('unit'), v('json', newRequest), async (c) =>
		c.json(await getRequest(svc(c), (await createRequest(svc(c), c.req.valid('json'))).id), 201)
	)
	.get('/', doc('申请列表', ['requests']), requireAuth, v('query', listQuery), async (c) =>
		c.json(await listRequests(svc(c), c.req.valid('query')), 200)
	)
	.get('/:id', doc('申请详情', ['requests']), requireAuth, v('param', idParam), async (c) =>
		c.json(await getRequest(svc(c), c.req.valid('param').id), 200)
	)
	.post(
		'/:id/decide',
		doc('审批申请', ['requests']),
		requireRole('office'),
		v('param', idParam),
		v('json', decision),
		async (c) => {
			const { approve, note } = c.req.valid('json');
			return c.json(await decideRequest(svc(c), c.req.valid('param').id, approve, note), 200);
		}
	);
