import { Hono } from 'hono';
import { z } from 'zod';
import type { Actor, Env } from '../context.ts';
import { doc, nameText, v } from '../lib/validate.ts';
import { clearSessionCookie, requireAuth, setSessionCookie, svc } from '../middleware/auth.ts';
import {
	accountState,
	changePassword,
	disableTotp,
	enableTotp,
	passwordPolicy,
	setupTotp
} from '../services/account.ts';
import { login, logout } from '../services/auth.ts';

const loginBody = z.object({
	username: nameText.trim().min(1, '请输入用户名').max(64),
	password: z.string().min(1, '请输入密码').max(256),
	code: z.string().trim().max(12).optional()
});

const passwordBody = z.object({
	currentPassword: z.string().min(1, '请输入当前密码').max(256),
	newPassword: z.string().min(1, '请输入新密码').max(128, '密码不超过 128 位')
});

const codeBody = z.object({
	code: z
		.string()
		.trim()
		.regex(/^\d{6}$/, '请输入 6 位数字验证码')
});

/** The signed-in user as the client knows it (that a user, not the system, acts is the server's business). */
const userReply = ({ kind: _kind, ...user }: Actor) => user;

export const authRoutes = new Hono<Env>()
	.post('/login', doc('登录', ['auth']), v('json', loginBody), async (c) => {
		const result = await login(svc(c), {
			...c.req.valid('json'),
			userAgent: c.req.header('user-agent') ?? null
		});
		setSessionCookie(c, result.token, result.expiresAt);
		return c.json({ user: userReply(result.actor), pending: result.pending }, 200);
	})
	.get('/me', doc('当前用户', ['auth']), requireAuth, async (c) =>
		c.json(
			{
				user: userReply(c.var.actor!),
				pending: c.var.pending,
				passwordPolicy: await passwordPolicy(c.var.deps),
				...(await accountState(svc(c)))
			},
			200
		)
	)
	.post('/logout', doc('退出登录', ['auth']), requireAuth, async (c) => {
		await logout(svc(c), c.var.sessionId!);
		clearSessionCookie(c);
		return c.json({ ok: true as const }, 200);
	})
	.post(
		'/password',
		doc('修改本人密码（结束本人所有其他会话）', ['auth']),
		requireAuth,
		v('json', passwordBody),
		async (c) => {
			const opened = await changePassword(svc(c), {
				...c.req.valid('json'),
				userAgent: c.req.header('user-agent') ?? null
			});
			setSessionCookie(c, opened.token, opened.expiresAt);
			return c.json({ ok: true as const }, 200);
		}
	)
	.post('/totp/setup', doc('生成动态验证码密钥（尚未启用）', ['auth']), requireAuth, async (c) =>
		c.json(await setupTotp(svc(c)), 200)
	)
	.post(
		'/totp/enable',
		doc('以验证码确认并启用动态验证码', ['auth']),
		requireAuth,
		v('json', codeBody),
		async (c) => c.json(await enableTotp(svc(c), c.req.valid('json').code), 200)
	)
	.post('/totp/disable', doc('停用动态验证码', ['auth']), requireAuth, v('json', codeBody), async (c) =>
		c.json(await disableTotp(svc(c), c.req.valid('json').code), 200)
	);
