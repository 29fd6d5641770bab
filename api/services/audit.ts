import { eq, sql } from 'drizzle-orm';

const { placeholder } = sql;
import { auditHead, auditLog } from '../../db/schema/index.ts';
import { type Db, withTransaction, query, execute, prepared, isPostgres } from '../../db/client.ts';
import type { Caller, ServiceContext } from '../context.ts';
import { systemUsername } from '../../web/src/lib/rules/jobs.ts';
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

/** Appends one row to the hash chain; call it inside the transaction of the change it records
 * (alone, it opens its own). The system running a job is recorded as the username `system:<job>`. */
export async function audit(
	ctx: Pick<ServiceContext<Caller | null>, 'db' | 'actor' | 'ip' | 'clock'>,
	entry: AuditEntry
) {
	const user = ctx.actor?.kind === 'user' ? ctx.actor : null;
	const raw = {
		at: ctx.clock.now().getTime(),
		user_id: user?.id ?? null,
		username:
			entry.username ??
			(ctx.actor?.kind === 'system' ? systemUsername(ctx.actor.job) : (user?.username ?? null)),
		unit_id: user?.unit?.id ?? null,
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
		// concurrent appends take turns on it (SQLite's write lock, held from the transaction's BEGIN IMMEDIATE,
		// so there the head is only read; on PostgreSQL the row lock, after which the read sees the other
		// append's head), so two writers never link to the same previous row.
		// (The update's returning reads the head as locked: on PostgreSQL the row as the other append left it.)
		const head = isPostgres(db) ? await lockHead(db).execute() : await readHead(db).execute();
		const prevHash = head[0]?.hash ?? GENESIS_HASH;
		const hash = auditRowHash(prevHash, raw);
		await moveHead(db).execute({ hash });
		await appendRow(db).execute({
			at: new Date(raw.at),
			userId: raw.user_id,
			username: raw.username,
			unitId: raw.unit_id,
			action: raw.action,
			objectType: raw.object_type,
			objectId: raw.object_id,
			result: raw.result,
			ip: raw.ip,
			before: raw.before,
			after: raw.after,
			prevHash,
			hash
		});
	});
}

// Every write of the month-end rush appends a row: its statements are built once (db/client.ts prepared).
const lockHead = prepared((db) =>
	db.update(auditHead).set({ id: 1 }).where(eq(auditHead.id, 1)).returning({ hash: auditHead.hash }).prepare()
);
const readHead = prepared((db) =>
	db.select({ hash: auditHead.hash }).from(auditHead).where(eq(auditHead.id, 1)).prepare()
);
const moveHead = prepared((db) =>
	db
		.update(auditHead)
		.set({ hash: sql`${placeholder('hash')}` })
		.where(eq(auditHead.id, 1))
		.prepare()
);
const appendRow = prepared((db) =>
	db
		.insert(auditLog)
		.values({
			at: placeholder('at'),
			userId: placeholder('userId'),
			username: placeholder('username'),
			unitId: placeholder('unitId'),
			action: placeholder('action'),
			objectType: placeholder('objectType'),
			objectId: placeholder('objectId'),
			result: placeholder('result'),
			ip: placeholder('ip'),
			// The JSON text as hashed, as it is (a placeholder of the column would store null as the text "null").
			before: sql`${placeholder('before')}`,
			after: sql`${placeholder('after')}`,
			prevHash: placeholder('prevHash'),
			hash: placeholder('hash')
		})
		.prepare()
);

/** Walks the chain from the oldest row kept (see auditChainWalker). */
export async function verifyAuditChain(db: Db): Promise<ChainCheck> {
	const walker = auditChainWalker();
	let lastId = 0;
	for (;;) {
		const page = await query<AuditChainRow>(
			db,
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
export async function archiveAudit(db: Db, before: Date, write: (lines: string) => void) {
	const rows = await query<AuditChainRow>(
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
