import { parseArgs } from 'node:util';
import { eq } from 'drizzle-orm';
import { user } from '../../db/schema/index.ts';
import {
	createServiceAccount,
	issueServiceToken,
	listServiceAccounts,
	revokeServiceToken
} from '../services/service-accounts.ts';
import { UsageError, type CliContext } from './context.ts';

const USAGE =
	'用法：duban service-account create --username U --name N | list | token --username U | revoke --username U --token-id N';

async function accountId(ctx: CliContext, username: string | undefined) {
	if (!username) throw new UsageError(USAGE);
	const row = (
		await ctx.db.select({ id: user.id }).from(user).where(eq(user.username, username)).limit(1)
	)[0];
	if (!row) throw new UsageError(`没有服务账号 ${username}`);
	return row.id;
}

/** duban service-account …: machine clients' accounts and tokens, from the console (audited). */
export async function serviceAccountCommand(ctx: CliContext, args: string[]) {
	const [sub, ...rest] = args;
	const { values } = parseArgs({
		args: rest,
		options: { username: { type: 'string' }, name: { type: 'string' }, 'token-id': { type: 'string' } }
	});
	if (sub === 'create') {
		if (!values.username || !values.name) throw new UsageError(USAGE);
		const made = await createServiceAccount(ctx, { username: values.username, name: values.name });
		console.log(
			`已创建服务账号 ${made.account.username}。令牌只显示这一次，请妥善保存：\n${made.token.token}`
		);
	} else if (sub === 'list') {
		for (const a of await listServiceAccounts(ctx)) {
			const live = a.tokens.filter((t) => !t.revokedAt).map((t) => `${t.id}:${t.prefix}…`);
			console.log(
				`${a.username}\t${a.name}\t${a.disabled ? '已停用' : '启用'}\t令牌 ${live.join(' ') || '无'}`
			);
		}
	} else if (sub === 'token') {
		const issued = await issueServiceToken(ctx, await accountId(ctx, values.username));
		console.log(`新令牌（编号 ${issued.id}，只显示这一次）：\n${issued.token}`);
	} else if (sub === 'revoke') {
		const tokenId = Number(values['token-id']);
		if (!Number.isInteger(tokenId) || tokenId <= 0) throw new UsageError(USAGE);
		await revokeServiceToken(ctx, await accountId(ctx, values.username), tokenId);
		console.log(`已吊销令牌 ${tokenId}`);
	} else throw new UsageError(USAGE);
}
