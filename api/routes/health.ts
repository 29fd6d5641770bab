import { Hono } from 'hono';
import type { Env } from '../context.ts';
import { doc } from '../lib/validate.ts';

export const healthRoutes = new Hono<Env>().get(
	'/',
	doc('服务健康检查（pid：答复的网页进程）', ['system']),
	(c) => c.json({ status: 'ok' as const, pid: process.pid }, 200)
);
