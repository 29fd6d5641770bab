import { Hono } from 'hono';
import { z } from 'zod';
import { ROLES } from '../../web/src/lib/rules/enums.ts';
import type { Env } from '../context.ts';
import { doc, nameText, v } from '../lib/validate.ts';
import { requireRole, svc } from '../middleware/auth.ts';
import { requireDuty } from '../middleware/duties.ts';
import { DUTIES } from '../services/duties.ts';
import { createUser, listUsers, resetPassword, setDisabled } from '../services/users.ts';
import { idParam } from './common.ts';

export const usernameSchema = z
	.string()
	.trim()
	.regex(/^[A-Za-z0-9_.-]{2,32}$/, '用户名为 2–32 位字母、数字或 _ . -');

const newUser = z.object({
	username: usernameSchema,
	name: nameText.trim().min(1, '请填写姓名').max(50),
	role: z.enum(ROLES),
	unitName: z.string().trim().min(1).optional(),
	email: z.email('邮箱格式不正确').optional(),
	password: z.string().min(1, '请设置初始密码').max(128)
});

/** Accounts: who may call what comes from the duties table (the services check the account's kind). */
export const userRoutes = new Hono<Env>()
	.get('/', doc('用户列表', ['users']), requireRole(...DUTIES.read.accounts), async (c) =>
		c.json({ items: await listUsers(svc(c)) }, 200)
	)
	.post(
		'/',
		doc('创建用户（初始密码须在首次登录时修改）', ['users']),
		requireDuty('create'),
		v('json', newUser),
		async (c) => c.json(await createUser(svc(c), c.req.valid('json')), 201)
	)
	.post(
		'/:id/disable',
		doc('停用账户（立即结束其会话）', ['users']),
		requireDuty('disable'),
		v('param', idParam),
		async (c) => c.json(await setDisabled(svc(c), c.req.valid('param').id, true), 200)
	)
	.post('/:id/enable', doc('启用账户', ['users']), requireDuty('disable'), v('param', idParam), async (c) =>
		c.json(await setDisabled(svc(c), c.req.valid('param').id, false), 200)
	)
	.post(
		'/:id/reset-password',
		doc('重置密码（临时密码只显示一次，须在下次登录时修改）', ['users']),
		requireDuty('resetPassword'),
		v('param', idParam),
		async (c) => c.json(await resetPassword(svc(c), c.req.valid('param').id), 200)
	);
