import { z } from 'zod';
import { id, list, obj, okReply, timestamp } from './shapes.ts';
import type { Contract } from './types.ts';

const token = obj({
	id,
	prefix: z.string().describe('the first characters, to tell tokens apart'),
	createdAt: timestamp,
	lastUsedAt: timestamp.nullable(),
	revokedAt: timestamp.nullable()
});
const issued = obj({
	id,
	prefix: z.string(),
	createdAt: timestamp,
	token: z.string().describe('the bearer token: shown this once, only its hash is kept')
});
const account = obj({ id, username: z.string(), name: z.string() });
const issuedExample = {
	id: 1,
	prefix: 'dbn_Xk3f9a',
	createdAt: '2020-10-15T01:00:00.000Z',
	token: 'dbn_Xk3f9aQ2mZ0vYt1r8uLw4pNc6sHd7eJb5gKo3iAq'
};

export const serviceAccountContract: Contract = {
	'GET /service-accounts': {
		id: 'listServiceAccounts',
		description:
			'服务账号（机器客户端）及其令牌（前缀、创建、最后使用、吊销时间；令牌本身不再显示）。联席办或系统管理员。',
		ok: list(account.extend({ disabled: z.boolean(), tokens: z.array(token) }))
	},
	'POST /service-accounts': {
		id: 'createServiceAccount',
		description:
			'创建服务账号（角色 service，不能用密码登录）并签发第一个令牌。令牌只在此答复中出现一次，服务器只保存其哈希。',
		ok: obj({ account, token: issued }),
		status: 201,
		errors: [409, 415],
		example: { account: { id: 12, username: 'zzd-sync', name: '浙政钉工作通知同步' }, token: issuedExample }
	},
	'POST /service-accounts/{id}/tokens': {
		id: 'issueServiceToken',
		description: '为服务账号签发新令牌（轮换：签发新令牌、切换客户端、吊销旧令牌）。令牌只显示一次。',
		ok: issued,
		status: 201,
		example: issuedExample
	},
	'DELETE /service-accounts/{id}/tokens/{tokenId}': {
		id: 'revokeServiceToken',
		description: '吊销令牌：之后用它的请求一律 401 auth.token_invalid。',
		ok: okReply
	}
};
