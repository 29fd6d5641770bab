import { Hono } from 'hono';
import { z } from 'zod';
import { ROLES } from '../../web/src/lib/rules/enums.ts';
import type { Env } from '../context.ts';
import { doc, v } from '../lib/validate.ts';
import { requireRole, svc } from '../middleware/auth.ts';
import { requireDuty } from '../middleware/duties.ts';
import { DUTIES } from '../services/duties.ts';
import { getPolicy, updatePolicy } from '../services/policy.ts';
import { endSession, endUserSessions, listSessions } from '../services/sessions.ts';
import { POLICY } from '../services/settings.ts';
import { resetTotp, setRole, unlockUser } from '../services/users.ts';
import { idParam, paging } from './common.ts';

const roleBody = z.object({ role: z.enum(ROLES), unitName: z.string().trim().min(1).optional() });
const sessionParam = z.object({ id: z.string().regex(/^[0-9a-f]{64}$/, '会话标识格式不正确') });
const sessions = requireRole(...DUTIES.read.sessions);
const policy = requireRole(...DUTIES.read.policy);

/** The security administrator: roles, locks, second factors, sessions and the security policies (duties table). */
export const securityRoutes = new Hono<Env>()
	.put(
		'/users/:id/role',
		doc('变更用户角色（仅在业务角色之间或管理员角色之间）', ['security']),
		requireDuty('changeRole'),
		v('param', idParam),
		v('json', roleBody),
		async (c) => c.json(await setRole(svc(c), c.req.valid('param').id, c.req.valid('json')), 200)
	)
	.post(
		'/users/:id/unlock',
		doc('解除账户的登录限制（各地址的失败次数清零）', ['security']),
		requireDuty('unlock'),
		v('param', idParam),
		async (c) => c.json(await unlockUser(svc(c), c.req.valid('param').id), 200)
	)
	.post(
		'/users/:id/reset-totp',
		doc('重置动态验证码（如手机丢失）', ['security']),
		requireDuty('resetTotp'),
		v('param', idParam),
		async (c) => c.json(await resetTotp(svc(c), c.req.valid('param').id), 200)
	)
	.post(
		'/users/:id/end-sessions',
		doc('结束某用户的全部会话', ['security']),
		requireDuty('endSessions'),
		v('param', idParam),
		async (c) => c.json(await endUserSessions(svc(c), c.req.valid('param').id), 200)
	)
	.get('/sessions', doc('在线会话', ['security']), sessions, v('query', z.object(paging)), async (c) =>
		c.json(await listSessions(svc(c), { ...c.req.valid('query'), current: c.var.sessionId }), 200)
	)
	.delete('/sessions/:id', doc('结束一个会话', ['security']), sessions, v('param', sessionParam), async (c) =>
		c.json(await endSession(svc(c), c.req.valid('param').id), 200)
	)
	.get('/policy', doc('安全策略', ['security']), policy, async (c) => c.json(await getPolicy(svc(c)), 200))
	.put(
		'/policy',
		doc('修改安全策略', ['security']),
		policy,
		v('json', POLICY.partial().strict()),
		async (c) => c.json(await updatePolicy(svc(c), c.req.valid('json')), 200)
	);
