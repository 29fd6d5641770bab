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

/** The roles that create, list and revoke service accounts and their tokens. */
export const SERVICE_ACCOUNT_KEEPERS = ['office', 'admin'] as const;

const PREFIX = 'dbn_';
const newToken = () => `${PREFIX}${randomBytes(32).toString('base64url')}`;

function keeperOnly(ctx: ServiceContext) {
	// The command line (no actor) may too.
	if (ctx.actor && !(SERVICE_ACCOUNT_KEEPERS as readonly string[]).includes(ctx.actor.role))
		throw fail('forbidden', 'auth.role_forbidden');
}

function serviceAccount(ctx: ServiceContext, id: number) {
	const row = ctx.db
		.select({ id: user.id, username: user.username, name: user.name })
		.from(user)
		.where(and(eq(user.id, id), eq(user.role, 'service')))
		.get();
	if (!row) throw notFound('service_account');
	return row;
}

/** Stores a new token's hash and answers the token itself, the only time it is seen. */
function issue(ctx: ServiceContext, userId: number) {
	const token = newToken();
	const created = ctx.db
		.insert(serviceToken)
		.values({
			userId,
			tokenHash: sessionIdFromToken(token),
			prefix: token.slice(0, PREFIX.length + 6),
			createdBy: ctx.actor?.id ?? null
		})
		.returning({ id: serviceToken.id, prefix: serviceToken.prefix, createdAt: serviceToken.createdAt })
		.get();
	audit(ctx, {
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
	if (ctx.db.select({ id: user.id }).from(user).where(eq(user.username, input.username)).get())
		throw fail('conflict', 'user.name_taken', { username: input.username });
	// A password nobody knows; sign-in refuses the role anyway.
	const passwordHash = await hashPassword(randomBytes(32).toString('base64url'));
	return ctx.db.transaction((tx) => {
		const tctx = { ...ctx, db: tx };
		const account = tx
			.insert(user)
			.values({ username: input.username, name: input.name, role: 'service', kind: 'business', passwordHash })
			.returning({ id: user.id, username: user.username, name: user.name })
			.get();
		audit(tctx, {
			action: 'service_account.create',
			objectType: 'user',
			objectId: account.id,
			after: account
		});
		return { account, token: issue(tctx, account.id) };
	});
}

export function listServiceAccounts(ctx: ServiceContext) {
	keeperOnly(ctx);
	const accounts = ctx.db
		.select({ id: user.id, username: user.username, name: user.name, disabled: user.disabled })
		.from(user)
		.where(eq(user.role, 'service'))
		.orderBy(user.id)
		.all();
	const tokens = accounts.length
		? ctx.db
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
				.all()
		: [];
	return accounts.map((a) => ({
		...a,
		tokens: tokens.filter((t) => t.userId === a.id).map(({ userId: _u, ...t }) => t)
	}));
}

/** Another token for the account (e.g. to rotate: issue, switch the client, revoke the old one). */
export function issueServiceToken(ctx: ServiceContext, userId: number) {
	keeperOnly(ctx);
	serviceAccount(ctx, userId);
	return ctx.db.transaction((tx) => issue({ ...ctx, db: tx }, userId));
}

export function revokeServiceToken(ctx: ServiceContext, userId: number, tokenId: number) {
	keeperOnly(ctx);
	serviceAccount(ctx, userId);
	return ctx.db.transaction((tx) => {
		const row = tx
			.update(serviceToken)
			.set({ revokedAt: ctx.clock.now() })
			.where(
				and(eq(serviceToken.id, tokenId), eq(serviceToken.userId, userId), isNull(serviceToken.revokedAt))
			)
			.returning({ id: serviceToken.id, prefix: serviceToken.prefix })
			.get();
		if (!row) throw notFound('service_token');
		audit(
			{ ...ctx, db: tx },
			{ action: 'service_token.revoke', objectType: 'user', objectId: userId, after: row }
		);
		return { ok: true as const };
	});
}

/** The service account behind a bearer token, or null (unknown, revoked, or the account disabled). */
export function validateServiceToken(deps: Deps, token: string): { actor: Actor; tokenId: number } | null {
	if (!token.startsWith(PREFIX)) return null;
	const row = deps.db
		.select()
		.from(serviceToken)
		.where(and(eq(serviceToken.tokenHash, sessionIdFromToken(token)), isNull(serviceToken.revokedAt)))
		.get();
	const actor = row && actorOf(deps, row.userId);
	if (!row || !actor || actor.role !== 'service') return null;
	const now = deps.clock.now();
	// At most one write a minute per token; skipped while a worker writes an import (write-gate.ts).
	if ((!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000) && !workerWriting())
		deps.db.update(serviceToken).set({ lastUsedAt: now }).where(eq(serviceToken.id, row.id)).run();
	return { actor, tokenId: row.id };
}
