import { createHash } from 'node:crypto';

// The audit log's hash chain as pure functions over rows, for any database the rows are read from.

export const GENESIS_HASH = '0'.repeat(64);

/** An audit_log row as stored: `at` in epoch milliseconds, before/after as the JSON text written. */
export type AuditChainRow = {
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
export function auditRowHash(prevHash: string, r: Omit<AuditChainRow, 'id' | 'prev_hash' | 'hash'>): string {
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

export type ChainCheck = { rows: number; ok: boolean; firstBroken: { id: number; reason: string } | null };

/**
 * Walks the chain row by row in id order from the oldest row kept: each row must hash to its stored hash
 * and point to the previous row's hash (the oldest kept row's link goes into the archive and is taken as
 * given). `next` answers the first broken link (stop there), `done` the whole chain's check.
 */
export function auditChainWalker() {
	let prev: string | null = null;
	let rows = 0;
	return {
		next(r: AuditChainRow): ChainCheck | null {
			rows++;
			if (prev !== null && r.prev_hash !== prev)
				return {
					rows,
					ok: false,
					firstBroken: { id: r.id, reason: '与上一行的哈希不衔接（有行被删除或插入）' }
				};
			if (auditRowHash(r.prev_hash, r) !== r.hash)
				return { rows, ok: false, firstBroken: { id: r.id, reason: '内容与哈希不符（该行被修改）' } };
			prev = r.hash;
			return null;
		},
		done: (): ChainCheck => ({ rows, ok: true, firstBroken: null })
	};
}
