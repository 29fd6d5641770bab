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
		after: text('after', { mode: 'json' })
	},
	(t) => [index('audit_log_at_idx').on(t.at), index('audit_log_user_idx').on(t.userId)]
);
