import { Hono } from 'hono';
import { z } from 'zod';
import type { Env } from '../context.ts';
import { doc, nameText, v } from '../lib/validate.ts';
import { requireRole, svc } from '../middleware/auth.ts';
import {
	createServiceAccount,
	issueServiceToken,
	listServiceAccounts,
	revokeServiceToken,
	SERVICE_ACCOUNT_KEEPERS
} from '../services/service-accounts.ts';
import { idParam } from './common.ts';
import { usernameSchema } from './users.ts';

const newAccount = z.object({
	username: usernameSchema,
	name: nameText.trim().min(1, '请填写名称').max(50)
});
const tokenParam = idParam.extend({ tokenId: z.coerce.number().int().positive() });
const keepers = requireRole(...SERVICE_ACCOUNT_KEEPERS);

/** Machine clients: service accounts and their bearer tokens (each token shown once, stored hashed). */
export const serviceAccountRoutes = new Hono<Env>()
	.get('/', doc('服务账号及其令牌', ['service-accounts']), keepers, async (c) =>
		c.json({ items: await listServiceAccounts(svc(c)) }, 200)
	)
	.post(
		'/',
		doc('创建服务账号（令牌只显示一次）', ['service-accounts']),
		keepers,
		v('json', newAccount),
		async (c) => c.json(await createServiceAccount(svc(c), c.req.valid('json')), 201)
	)
	.post(
		'/:id/tokens',
		doc('签发新令牌（只显示一次）', ['service-accounts']),
		keepers,
		v('param', idParam),
		async (c) => c.json(await issueServiceToken(svc(c), c.req.valid('param').id), 201)
	)
	.delete(
		'/:id/tokens/:tokenId',
		doc('吊销令牌', ['service-accounts']),
		keepers,
		v('param', tokenParam),
		async (c) => {
			const { id, tokenId } = c.req.valid('param');
			return c.json(await revokeServiceToken(svc(c), id, tokenId), 200);
		}
	);
