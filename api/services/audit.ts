import { createHash } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { auditHead, auditLog } from '../../db/schema/index.ts';
import { type Db, withTransaction, query, execute } from '../../db/client.ts';
import type { ServiceContext } from '../context.ts';

export type AuditEntry = {
	action: string;
	objectType?: string;
	objectId?: string | number;
	result?: 'ok' | 'denied' | 'failed';
	before?: unknown;
	after?: unknown;
	/** For events before a session exists (a failed login names the username tried). */
	username?: string;
};

export const GENESIS_HASH = '0'.repeat(64);

type RawRow = {
	id: number;
	at: number;
	user_id: number | null;
	username: string | null;
	unit_id: number | null;
	action: string;
	object_type: string | null;
	object_id: string | null;
	result: string;
	ip: string | null;
	before: string | null;
	after: string | null;
	prev_hash: string;
	hash: string;
};

/** The hash of a row: its stored content (JSON columns as stored text) and the previous row's hash. */
function rowHash(prevHash: string, r: Omit<RawRow, 'id' | 'prev_hash' | 'hash'>): string {
	const content = JSON.stringify([
		r.at,
		r.user_id,
		r.username,
		r.unit_id,
		r.action,
		r.object_type,
		r.object_id,
		r.result,
		r.ip,
		r.before,
		r.after
	]);
	return createHash('sha256').update(`${prevHash}\n${content}`).digest('hex');
}

/** Appends one row to the hash chain; call it inside the transaction of the change it records
 * (alone, it opens its own). */
export async function audit(ctx: Pick<ServiceContext, 'db' | 'actor' | 'ip' | 'clock'>, entry: AuditEntry) {
	const raw = {
		at: ctx.clock.now().getTime(),
		user_id: ctx.actor?.id ?? null,
		username: entry.username ?? ctx.actor?.username ?? null,
		unit_id: ctx.actor?.unit?.id ?? null,
		action: entry.action,
		object_type: entry.objectType ?? null,
		object_id: entry.objectId === undefined ? null : String(entry.objectId),
		result: entry.result ?? 'ok',
		ip: ctx.ip,
		// As drizzle stores a JSON column: the JSON text, or NULL.
		before: entry.before == null ? null : JSON.stringify(entry.before),
		after: entry.after == null ? null : JSON.stringify(entry.after)
	};
	// The last hash is read in the same write transaction as the insert: with another connection writing
	// (an import on a worker thread, another process), a link read outside it could be stale.
	await withTransaction(ctx, async ({ db }) => {
		// The head row (seeded by the migration) is locked first, then read and moved on, in this transaction:
		// concurrent appends take turns on it (SQLite's write lock; on PostgreSQL the row lock, after which the
		// read sees the other append's head), so two writers never link to the same previous row.
		await db.update(auditHead).set({ id: 1 }).where(eq(auditHead.id, 1));
		const prevHash =
			(await db.select({ hash: auditHead.hash }).from(auditHead).limit(1))[0]?.hash ?? GENESIS_HASH;
		const hash = rowHash(prevHash, raw);
		await db.update(auditHead).set({ hash }).where(eq(auditHead.id, 1));
		await db.insert(auditLog).values({
			at: new Date(raw.at),
			userId: raw.user_id,
			username: raw.username,
			unitId: raw.unit_id,
			action: raw.action,
			objectType: raw.object_type,
			objectId: raw.object_id,
			result: raw.result as 'ok' | 'denied' | 'failed',
			ip: raw.ip,
			before: entry.before ?? null,
			after: entry.after ?? null,
			prevHash,
			hash: rowHash(prevHash, raw)
		});
	});
}

export type ChainCheck = { rows: number; ok: boolean; firstBroken: { id: number; reason: string } | null };

/**
 * Walks the chain from the oldest row kept: each row must hash to its stored hash and point to the
 * previous row's hash (the oldest kept row's link goes into the archive and is taken as given).
 */
export async function verifyAuditChain(db: Db): Promise<ChainCheck> {
	let prev: string | null = null;
	let rows = 0;
	let lastId = 0;
	for (;;) {
		const page = await query<RawRow>(
			db,
			sql`select * from audit_log where id > ${lastId} order by id limit 10000`
		);
		if (!page.length) return { rows, ok: true, firstBroken: null };
		for (const r of page) {
			rows++;
			if (prev !== null && r.prev_hash !== prev)
				return {
					rows,
					ok: false,
					firstBroken: { id: r.id, reason: '与上一行的哈希不衔接（有行被删除或插入）' }
				};
			if (rowHash(r.prev_hash, r) !== r.hash)
				return { rows, ok: false, firstBroken: { id: r.id, reason: '内容与哈希不符（该行被修改）' } };
			prev = r.hash;
			lastId = r.id;
		}
	}
}

/** Retention: rows younger than this many days are never archived. */
export const AUDIT_RETENTION_DAYS = 190;

/**
 * Moves rows older than `before` into a JSON-lines file (first), then deletes them through the gate
 * the delete trigger checks, in one transaction; the chain of the rows kept stays verifiable.
 */
export async function archiveAudit(db: Db, before: Date, write: (lines: string) => void) {
	const rows = await query<RawRow>(
		db,
		sql`select * from audit_log where at < ${before.getTime()} order by id`
	);
	if (!rows.length) return 0;
	write(rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
	await withTransaction({ db }, async ({ db: tx }) => {
		await execute(tx, sql`insert into audit_archive_gate (id) values (1)`);
		await execute(tx, sql`delete from audit_log where id <= ${rows.at(-1)!.id}`);
		await execute(tx, sql`delete from audit_archive_gate`);
	});
	return rows.length;
}
