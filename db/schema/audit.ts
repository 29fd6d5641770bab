import { sqliteTable, integer, text, index } from 'drizzle-orm/sqlite-core';
import { insertedAt } from './columns.ts';

/** Who did what, when, from where; before/after as JSON where it applies. */
export const auditLog = sqliteTable(
	'audit_log',
	{
		id: integer('id').primaryKey({ autoIncrement: true }),
		at: insertedAt('at'),
		userId: integer('user_id'),
		username: text('username'),
		unitId: integer('unit_id'),
		action: text('action').notNull(),
		objectType: text('object_type'),
		objectId: text('object_id'),
		result: text('result', { enum: ['ok', 'denied', 'failed'] }).notNull(),
		ip: text('ip'),
		before: text('before', { mode: 'json' }),
		after: text('after', { mode: 'json' }),
		/** Hash chain: each row's hash covers its content and the previous row's hash. */
		prevHash: text('prev_hash').notNull(),
		hash: text('hash').notNull()
	},
	(t) => [
		index('audit_log_at_idx').on(t.at),
		index('audit_log_user_idx').on(t.userId),
		// Failed sign-ins per source address within the throttling window.
		index('audit_log_ip_idx').on(t.ip, t.action, t.at),
		// Sign-in attempts per typed username within the throttling window.
		index('audit_log_username_idx').on(t.username, t.action, t.at)
	]
);

/** Holds a row only while `duban audit archive` moves old rows out; the delete trigger refuses otherwise. */
export const auditArchiveGate = sqliteTable('audit_archive_gate', { id: integer('id').primaryKey() });

/**
 * The chain's head: one row holding the last appended hash. An append reads and updates it in its
 * write transaction, so concurrent writers take turns on this row (SQLite's write lock; on PostgreSQL
 * the row lock) and the chain never forks.
 */
export const auditHead = sqliteTable('audit_head', {
	id: integer('id').primaryKey(),
	hash: text('hash').notNull()
});
