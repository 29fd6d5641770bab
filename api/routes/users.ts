import { Hono } from 'hono';
import { z } from 'zod';
import { ROLES } from '../../db/schema/index.ts';
import type { Env } from '../context.ts';
import { doc, v } from '../lib/validate.ts';
import { requireRole, svc } from '../middleware/auth.ts';
import { createUser, listUsers, unlockUser } from '../services/users.ts';
import { idParam } from './common.ts';

const newUser = z.object({
	username: z
		.string()
		.trim()
		.regex(/^[A-Za-z0-9_.-]{2,32}$/, '用户名为 2–32 位字母、数字或 _ . -'),
	name: z.string().trim().min(1, '请填写姓名').max(50),
	role: z.enum(ROLES),
	unitName: z.string().trim().min(1).optional(),
	email: z.email('邮箱格式不正确').optional(),
	password: z.string().min(8, '密码至少 8 位').max(128)
});

export const userRoutes = new Hono<Env>()
	.get('/', doc('用户列表', ['users']), requireRole('admin'), (c) =>
		c.json({ items: listUsers(svc(c)) }, 200)
	)
	.post('/', doc('创建用户', ['users']), requireRole('admin'), v('json', newUser), async (c) =>
		c.json(await createUser(svc(c), c.req.valid('json')), 201)
	)
	.post(
		'/:id/unlock',
		doc('解锁因登录失败被锁定的账户', ['users']),
		requireRole('admin'),
		v('param', idParam),
		(c) => c.json(unlockUser(svc(c), c.req.valid('param').id), 200)
	);
