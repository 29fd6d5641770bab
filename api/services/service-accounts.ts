import { and, desc, eq, inArray, isNull } from 'drizzle-orm';
import { randomBytes } from 'node:crypto';
import { serviceToken, user } from '../../db/schema/index.ts';
import type { Actor, Deps, ServiceContext } from '../context.ts';
import { fail, notFound } from '../errors.ts';
import { hashPassword } from '../lib/password.ts';
import { sessionIdFromToken } from '../lib/token.ts';
import { workerWriting } from '../lib/write-gate.ts';
import { audit } from './audit.ts';
import { actorOf } from './auth.ts';
import { isProvincial } from '../../web/src/lib/rules/access.ts';
import { withTransaction } from '../../db/client.ts';

/** The roles that create, list and revoke service accounts and their tokens. */
export const SERVICE_ACCOUNT_KEEPERS = ['office', 'admin'] as const;

const PREFIX = 'dbn_';
const newToken = () => `${PREFIX}${randomBytes(32).toString('base64url')}`;

function keeperOnly(ctx: ServiceContext) {
	// The command line (no actor) may too.
	if (ctx.actor && !(SERVICE_ACCOUNT_KEEPERS as readonly string[]).includes(ctx.actor.role))
		throw fail('forbidden', 'auth.role_forbidden');
	// A machine client reads the whole province: not a level's supervisor's to hand out.
	if (ctx.actor?.role === 'office' && !isProvincial(ctx.actor))
		throw fail('forbidden', 'role.provincial_only');
}

async function serviceAccount(ctx: ServiceContext, id: number) {
	const row = (
		await ctx.db
			.select({ id: user.id, username: user.username, name: user.name })
			.from(user)
			.where(and(eq(user.id, id), eq(user.role, 'service')))
			.limit(1)
	)[0];
	if (!row) throw notFound('service_account');
	return row;
}

/** Stores a new token's hash and answers the token itself, the only time it is seen. */
async function issue(ctx: ServiceContext, userId: number) {
	const token = newToken();
	const created = (
		await ctx.db
			.insert(serviceToken)
			.values({
				userId,
				tokenHash: sessionIdFromToken(token),
				prefix: token.slice(0, PREFIX.length + 6),
				createdBy: ctx.actor?.id ?? null
			})
			.returning({ id: serviceToken.id, prefix: serviceToken.prefix, createdAt: serviceToken.createdAt })
	)[0]!;
	await audit(ctx, {
		action: 'service_token.issue',
		objectType: 'user',
		objectId: userId,
		after: { tokenId: created.id, prefix: created.prefix }
	});
	return { ...created, token };
}

/** A service account (role `service`, no password sign-in) with its first token. */
export async function createServiceAccount(ctx: ServiceContext, input: { username: string; name: string }) {
	keeperOnly(ctx);
	if ((await ctx.db.select({ id: user.id }).from(user).where(eq(user.username, input.username)).limit(1))[0])
		throw fail('conflict', 'user.name_taken', { username: input.username });
	// A password nobody knows; sign-in refuses the role anyway.
	const passwordHash = await hashPassword(randomBytes(32).toString('base64url'));
	return await withTransaction(ctx, async (tx) => {
		const account = (
			await tx.db
				.insert(user)
				.values({
					username: input.username,
					name: input.name,
					role: 'service',
					kind: 'business',
					passwordHash
				})
				.returning({ id: user.id, username: user.username, name: user.name })
		)[0]!;
		await audit(tx, {
			action: 'service_account.create',
			objectType: 'user',
			objectId: account.id,
			after: account
		});
		return { account, token: await issue(tx, account.id) };
	});
}

export async function listServiceAccounts(ctx: ServiceContext) {
	keeperOnly(ctx);
	const accounts = await ctx.db
		.select({ id: user.id, username: user.username, name: user.name, disabled: user.disabled })
		.from(user)
		.where(eq(user.role, 'service'))
		.orderBy(user.id);
	const tokens = accounts.length
		? await ctx.db
				.select({
					id: serviceToken.id,
					userId: serviceToken.userId,
					prefix: serviceToken.prefix,
					createdAt: serviceToken.createdAt,
					lastUsedAt: serviceToken.lastUsedAt,
					revokedAt: serviceToken.revokedAt
				})
				.from(serviceToken)
				.where(
					inArray(
						serviceToken.userId,
						accounts.map((a) => a.id)
					)
				)
				.orderBy(desc(serviceToken.id))
		: [];
	return accounts.map((a) => ({
		...a,
		tokens: tokens.filter((t) => t.userId === a.id).map(({ userId: _u, ...t }) => t)
	}));
}

/** Another token for the account (e.g. to rotate: issue, switch the client, revoke the old one). */
export async function issueServiceToken(ctx: ServiceContext, userId: number) {
	keeperOnly(ctx);
	await serviceAccount(ctx, userId);
	return await withTransaction(ctx, async (tx) => issue(tx, userId));
}

export async function revokeServiceToken(ctx: ServiceContext, userId: number, tokenId: number) {
	keeperOnly(ctx);
	await serviceAccount(ctx, userId);
	return await withTransaction(ctx, async (tx) => {
		const row = (
			await tx.db
				.update(serviceToken)
				.set({ revokedAt: ctx.clock.now() })
				.where(
					and(eq(serviceToken.id, tokenId), eq(serviceToken.userId, userId), isNull(serviceToken.revokedAt))
				)
				.returning({ id: serviceToken.id, prefix: serviceToken.prefix })
		)[0];
		if (!row) throw notFound('service_token');
		await audit(tx, { action: 'service_token.revoke', objectType: 'user', objectId: userId, after: row });
		return { ok: true as const };
	});
}

/** The service account behind a bearer token, or null (unknown, revoked, or the account disabled). */
export async function validateServiceToken(
	deps: Deps,
	token: string
): Promise<{ actor: Actor; tokenId: number } | null> {
	if (!token.startsWith(PREFIX)) return null;
	const row = (
		await deps.db
			.select()
			.from(serviceToken)
			.where(and(eq(serviceToken.tokenHash, sessionIdFromToken(token)), isNull(serviceToken.revokedAt)))
			.limit(1)
	)[0];
	const actor = row && (await actorOf(deps, row.userId));
	if (!row || !actor || actor.role !== 'service') return null;
	const now = deps.clock.now();
	// At most one write a minute per token; skipped while a worker writes an import (write-gate.ts).
	if ((!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000) && !workerWriting())
		await withTransaction(deps, ({ db }) =>
			db.update(serviceToken).set({ lastUsedAt: now }).where(eq(serviceToken.id, row.id))
		);
	return { actor, tokenId: row.id };
}
