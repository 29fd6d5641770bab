import { Hono } from 'hono';
import { z } from 'zod';
import type { Env } from '../context.ts';
import { doc, v } from '../lib/validate.ts';
import { clearSessionCookie, requireAuth, setSessionCookie, svc } from '../middleware/auth.ts';
import { login, logout } from '../services/auth.ts';

const loginBody = z.object({
	username: z.string().trim().min(1, '请输入用户名').max(64),
	password: z.string().min(1, '请输入密码').max(256)
});

export const authRoutes = new Hono<Env>()
	.post('/login', doc('登录', ['auth']), v('json', loginBody), async (c) => {
		const { username, password } = c.req.valid('json');
		const result = await login(svc(c), username, password);
		setSessionCookie(c, result.token, result.expiresAt);
		return c.json({ user: result.actor }, 200);
	})
	.get('/me', doc('当前用户', ['auth']), requireAuth, (c) => c.json({ user: c.var.actor! }, 200))
	.post('/logout', doc('退出登录', ['auth']), requireAuth, (c) => {
		logout(svc(c), c.var.sessionId!);
		clearSessionCookie(c);
		return c.json({ ok: true as const }, 200);
	});
