import { desc, sql } from 'drizzle-orm';
import { auditLog } from '../../db/schema/index.ts';
import type { Db } from '../../db/client.ts';
import type { ServiceContext } from '../context.ts';
import {
	auditChainWalker,
	auditRowHash,
	GENESIS_HASH,
	type AuditChainRow,
	type ChainCheck
} from '../lib/audit-chain.ts';

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

/** Appends one row to the hash chain; call it inside the transaction of the change it records. */
export function audit(ctx: Pick<ServiceContext, 'db' | 'actor' | 'ip' | 'clock'>, entry: AuditEntry) {
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
	const append = (db: Db) => {
		const prevHash =
			db.select({ hash: auditLog.hash }).from(auditLog).orderBy(desc(auditLog.id)).limit(1).get()?.hash ??
			GENESIS_HASH;
		db.insert(auditLog)
			.values({
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
				hash: auditRowHash(prevHash, raw)
			})
			.run();
	};
	const client = (ctx.db as { $client?: { inTransaction: boolean } }).$client;
	if (client && !client.inTransaction) ctx.db.transaction(append, { behavior: 'immediate' });
	else append(ctx.db);
}

/** Walks the chain from the oldest row kept (see auditChainWalker). */
export function verifyAuditChain(db: Db): ChainCheck {
	const walker = auditChainWalker();
	let lastId = 0;
	for (;;) {
		const page = db.all<AuditChainRow>(
			sql`select * from audit_log where id > ${lastId} order by id limit 10000`
		);
		if (!page.length) return walker.done();
		for (const r of page) {
			const broken = walker.next(r);
			if (broken) return broken;
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
export function archiveAudit(db: Db, before: Date, write: (lines: string) => void) {
	const rows = db.all<AuditChainRow>(sql`select * from audit_log where at < ${before.getTime()} order by id`);
	if (!rows.length) return 0;
	write(rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
	db.transaction((tx) => {
		tx.run(sql`insert into audit_archive_gate (id) values (1)`);
		tx.run(sql`delete from audit_log where id <= ${rows.at(-1)!.id}`);
		tx.run(sql`delete from audit_archive_gate`);
	});
	return rows.length;
}
