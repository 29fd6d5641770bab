import { Hono } from 'hono';
import { z } from 'zod';
import { NOTICE_LEVELS, NOTICE_STATES } from '../../web/src/lib/rules/enums.ts';
import type { Env } from '../context.ts';
import { flag, idParam, paging } from './common.ts';
import { dateSchema, doc, userText, v } from '../lib/validate.ts';
import { requireAuth, requireRole, svc } from '../middleware/auth.ts';
import { acknowledgeNotice, getNotice, issueNotice, listNotices } from '../services/notices.ts';
import { answerNotice, reviewAnswer } from '../services/notice-answers.ts';

const newNotice = z.object({
	unitId: z.number().int().positive(),
	indicatorIds: z.array(z.number().int().positive()).min(1, '请至少选择一项指标').max(100),
	level: z.enum(NOTICE_LEVELS),
	message: userText.trim().min(1, '请填写督办事项').max(4000),
	answerDueOn: dateSchema.optional()
});
const listQuery = z.object({
	unacknowledged: flag.optional(),
	state: z.enum(NOTICE_STATES).optional(),
	unitId: z.coerce.number().int().positive().optional(),
	indicatorId: z.coerce.number().int().positive().optional(),
	...paging
});
const answerBody = z.object({
	text: z.string().trim().min(1, '请填写办理情况').max(8000),
	attachmentIds: z.array(z.number().int().positive()).max(20).default([])
});
const reviewBody = z.object({
	accept: z.boolean(),
	note: z.string().trim().max(2000).default(''),
	answerDueOn: dateSchema.optional()
});

export const noticeRoutes = new Hono<Env>()
	.post('/', doc('发出督办通知', ['notices']), requireRole('office'), v('json', newNotice), async (c) =>
		c.json(await issueNotice(svc(c), c.req.valid('json')), 201)
	)
	.get('/', doc('督办通知列表', ['notices']), requireAuth, v('query', listQuery), async (c) =>
		c.json(await listNotices(svc(c), c.req.valid('query')), 200)
	)
	.get('/:id', doc('督办通知详情', ['notices']), requireAuth, v('param', idParam), async (c) =>
		c.json(await getNotice(svc(c), c.req.valid('param').id), 200)
	)
	.post(
		'/:id/acknowledge',
		doc('签收督办通知', ['notices']),
		requireRole('unit'),
		v('param', idParam),
		async (c) => c.json(await acknowledgeNotice(svc(c), c.req.valid('param').id), 200)
	)
	.post(
		'/:id/answers',
		doc('反馈办理情况（文字和附件）', ['notices']),
		requireRole('unit'),
		v('param', idParam),
		v('json', answerBody),
		async (c) => c.json(await answerNotice(svc(c), c.req.valid('param').id, c.req.valid('json')), 201)
	)
	.post(
		'/:id/review',
		doc('审核办理情况反馈（通过或要求重新反馈）', ['notices']),
		requireRole('office'),
		v('param', idParam),
		v('json', reviewBody),
		async (c) => c.json(await reviewAnswer(svc(c), c.req.valid('param').id, c.req.valid('json')), 200)
	);
