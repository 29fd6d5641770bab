import { createHash } from 'node:crypto';
import { and, asc, desc, eq, inArray, lte, sql } from 'drizzle-orm';
import { outbox } from '../../db/schema/index.ts';
import { type Db, rowsAffected, withTransaction } from '../../db/client.ts';
import type { Caller, ServiceContext } from '../context.ts';
import { fail, notFound } from '../errors.ts';
import { isPermanentFailure, type Mailer } from '../lib/mailer.ts';
import { assertRole } from './access.ts';
import { audit } from './audit.ts';
import { getSettings } from './settings.ts';

export type NewMail = { dedupeKey: string; recipient: string; subject: string; text: string; html: string };

/**
 * Queues a mail in the caller's transaction. The dedupe key makes it at most once; the Message-ID
 * is fixed here so retries keep it.
 */
export async function enqueueMail(tx: Db, mail: NewMail, now: Date): Promise<boolean> {
	const hash = createHash('sha256').update(mail.dedupeKey).digest('hex').slice(0, 24);
	const inserted = await tx
		.insert(outbox)
		.values({ ...mail, messageId: `<${hash}@duban>`, nextAttemptAt: now, createdAt: now })
		.onConflictDoNothing({ target: outbox.dedupeKey });
	return rowsAffected(inserted) > 0;
}

/** Backoff after the n-th failed attempt: 1, 2, 4, … minutes, at most 6 hours. */
export const retryDelayMs = (attempts: number) => Math.min(2 ** (attempts - 1) * 60_000, 6 * 3_600_000);

const SEND_CONCURRENCY = 4;

export type SendResult = { sent: number; retried: number; failed: number; queued: number };

/**
 * How long a sender holds the mail it took: another sender does not see it as due meanwhile. One that
 * dies while sending leaves it to be sent again after this (with the same Message-ID).
 */
const CLAIM_MS = 10 * 60_000;

/**
 * The mail due at `now`, taken for this sender (its next attempt moved past the claim), so that two
 * senders at once — the minute's round beside a standby's catch-up, 立即发送 in a web process beside the
 * round — never send one mail twice. The update repeats the due condition: on PostgreSQL a concurrent
 * claim may have committed since the read, and then its rows are no longer due.
 */
async function claimDue(ctx: ServiceContext<Caller | null>, now: Date, limit: number) {
	const isDue = and(eq(outbox.status, 'queued'), lte(outbox.nextAttemptAt, now));
	return withTransaction(ctx, async ({ db }) => {
		const due = await db
			.select()
			.from(outbox)
			.where(isDue)
			.orderBy(asc(outbox.nextAttemptAt), asc(outbox.id))
			.limit(limit);
		if (!due.length) return due;
		const ids = due.map((m) => m.id);
		const taken = await db
			.update(outbox)
			.set({ nextAttemptAt: new Date(now.getTime() + CLAIM_MS) })
			.where(and(isDue, inArray(outbox.id, ids)))
			.returning({ id: outbox.id });
		const takenIds = new Set(taken.map((t) => t.id));
		return due.filter((m) => takenIds.has(m.id));
	});
}

/**
 * Delivers what is due in the outbox (null mailer: none, it stays queued); a temporary failure is retried
 * later, a permanent one or the last attempt fails it. Each batch's outcome is audited as the caller.
 */
export async function sendQueued(
	ctx: ServiceContext<Caller | null>,
	mailer: Mailer | null,
	limit = 200
): Promise<SendResult> {
	const settings = await getSettings(ctx.db);
	const opts = { db: ctx.db, now: ctx.clock.now(), mailer, from: ctx.config.mailFrom, settings };
	const result = { sent: 0, retried: 0, failed: 0, queued: 0 };
	if (opts.mailer) {
		const due = await claimDue(ctx, opts.now, limit);
		// A few at a time, as many as the pool has connections.
		for (let i = 0; i < due.length; i += SEND_CONCURRENCY) {
			const batch = due.slice(i, i + SEND_CONCURRENCY);
			const outcomes = await Promise.allSettled(
				batch.map((mail) =>
					opts.mailer!.send({
						from: opts.from,
						to: mail.recipient,
						subject: mail.subject,
						text: mail.text,
						html: mail.html,
						messageId: mail.messageId
					})
				)
			);
			await withTransaction(ctx, async (tx) => {
				const { db } = tx;
				const done: Record<'sent' | 'retried' | 'failed', number[]> = { sent: [], retried: [], failed: [] };
				for (const [k, outcome] of outcomes.entries()) {
					const mail = batch[k]!;
					const attempts = mail.attempts + 1;
					if (outcome.status === 'fulfilled') {
						await db
							.update(outbox)
							.set({ status: 'sent', sentAt: opts.now, attempts, lastError: null })
							.where(eq(outbox.id, mail.id));
						result.sent++;
						done.sent.push(mail.id);
						continue;
					}
					const give = isPermanentFailure(outcome.reason) || attempts >= opts.settings.mailMaxAttempts;
					await db
						.update(outbox)
						.set({
							status: give ? 'failed' : 'queued',
							attempts,
							lastError: String((outcome.reason as Error)?.message ?? outcome.reason).slice(0, 500),
							nextAttemptAt: new Date(opts.now.getTime() + retryDelayMs(attempts))
						})
						.where(eq(outbox.id, mail.id));
					if (give) result.failed++;
					else result.retried++;
					done[give ? 'failed' : 'retried'].push(mail.id);
				}
				await audit(tx, { action: 'mail.send', objectType: 'outbox', after: done });
			});
		}
	}
	result.queued = (
		await opts.db
			.select({ n: sql<number>`count(*)` })
			.from(outbox)
			.where(eq(outbox.status, 'queued'))
			.limit(1)
	)[0]!.n;
	return result;
}

const assertAdmin = (ctx: ServiceContext) => assertRole(ctx.actor, ['admin'], 'role.mail_log');

/** The admin's mail log: every mail with its state, newest first. */
export async function listMail(
	ctx: ServiceContext,
	f: { status?: 'queued' | 'sent' | 'failed'; q?: string; page: number; pageSize: number }
) {
	assertAdmin(ctx);
	const where = and(
		f.status ? eq(outbox.status, f.status) : undefined,
		f.q ? sql`(${outbox.recipient} like ${`%${f.q}%`} or ${outbox.subject} like ${`%${f.q}%`})` : undefined
	);
	const items = (
		await ctx.db
			.select({
				id: outbox.id,
				recipient: outbox.recipient,
				subject: outbox.subject,
				status: outbox.status,
				attempts: outbox.attempts,
				lastError: outbox.lastError,
				createdAt: outbox.createdAt,
				sentAt: outbox.sentAt
			})
			.from(outbox)
			.where(where)
			.orderBy(desc(outbox.id))
			.limit(f.pageSize)
			.offset((f.page - 1) * f.pageSize)
	).map((m) => ({ ...m, createdAt: m.createdAt.toISOString(), sentAt: m.sentAt?.toISOString() ?? null }));
	const total = (
		await ctx.db
			.select({ n: sql<number>`count(*)` })
			.from(outbox)
			.where(where)
			.limit(1)
	)[0]!.n;
	return { items, total, page: f.page, pageSize: f.pageSize };
}

export async function getMail(ctx: ServiceContext, id: number) {
	assertAdmin(ctx);
	const row = (await ctx.db.select().from(outbox).where(eq(outbox.id, id)).limit(1))[0];
	if (!row) throw notFound('mail');
	return {
		...row,
		createdAt: row.createdAt.toISOString(),
		sentAt: row.sentAt?.toISOString() ?? null,
		nextAttemptAt: row.nextAttemptAt.toISOString()
	};
}

/** The admin puts a failed mail back in the queue for a fresh round of attempts. */
export async function retryMail(ctx: ServiceContext, id: number) {
	assertAdmin(ctx);
	const row = (await ctx.db.select().from(outbox).where(eq(outbox.id, id)).limit(1))[0];
	if (!row) throw notFound('mail');
	if (row.status !== 'failed') throw fail('conflict', 'mail.retry_failed_only');
	await withTransaction(ctx, async (tx) => {
		await tx.db
			.update(outbox)
			.set({ status: 'queued', attempts: 0, nextAttemptAt: ctx.clock.now() })
			.where(eq(outbox.id, id));
		await audit(tx, {
			action: 'mail.retry',
			objectType: 'outbox',
			objectId: id,
			before: { status: row.status, attempts: row.attempts }
		});
	});
	return getMail(ctx, id);
}
