import { Hono } from 'hono';
import { z } from 'zod';
import { ROLES } from '../../db/schema/index.ts';
import type { Env } from '../context.ts';
import { doc, nameText, v } from '../lib/validate.ts';
import { requireRole, svc } from '../middleware/auth.ts';
import { createUser, listUsers, resetPassword, setDisabled } from '../services/users.ts';
import { idParam } from './common.ts';

const usernameSchema = z
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

/** The system administrator's accounts (the security administrator reads the list and resets admin passwords). */
export const userRoutes = new Hono<Env>()
	.get('/', doc('用户列表', ['users']), requireRole('admin', 'security'), (c) =>
		c.json({ items: listUsers(svc(c)) }, 200)
	)
	.post(
		'/',
		doc('创建用户（初始密码须在首次登录时修改）', ['users']),
		requireRole('admin'),
		v('json', newUser),
		async (c) => c.json(await createUser(svc(c), c.req.valid('json')), 201)
	)
	.post(
		'/:id/disable',
		doc('停用账户（立即结束其会话）', ['users']),
		requireRole('admin'),
		v('param', idParam),
		(c) => c.json(setDisabled(svc(c), c.req.valid('param').id, true), 200)
	)
	.post('/:id/enable', doc('启用账户', ['users']), requireRole('admin'), v('param', idParam), (c) =>
		c.json(setDisabled(svc(c), c.req.valid('param').id, false), 200)
	)
	.post(
		'/:id/reset-password',
		doc('重置密码（临时密码只显示一次，须在下次登录时修改）', ['users']),
		requireRole('admin', 'security'),
		v('param', idParam),
		async (c) => c.json(await resetPassword(svc(c), c.req.valid('param').id), 200)
	);
