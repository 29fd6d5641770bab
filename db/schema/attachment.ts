import { sqliteTable, integer, text, index } from 'drizzle-orm/sqlite-core';
import { insertedAt } from './columns.ts';
import { unit } from './unit.ts';
import { user } from './auth.ts';

/** A file in the data folder under a generated name; the user's file name is only metadata. */
export const attachment = sqliteTable(
	'attachment',
	{
		id: integer('id').primaryKey({ autoIncrement: true }),
		storedName: text('stored_name').notNull().unique(),
		originalName: text('original_name').notNull(),
		contentType: text('content_type').notNull(),
		size: integer('size').notNull(),
		sha256: text('sha256').notNull(),
		unitId: integer('unit_id').references(() => unit.id),
		/** What it is attached to: a report item, a request or an answer to an urge notice; null until linked. */
		ownerType: text('owner_type', { enum: ['report_item', 'request', 'notice_answer'] }),
		ownerId: integer('owner_id'),
		createdAt: insertedAt(),
		createdBy: integer('created_by').references(() => user.id)
	},
	(t) => [index('attachment_owner_idx').on(t.ownerType, t.ownerId)]
);

/** Settings the office or admin can change (JSON values); defaults live in code. */
export const setting = sqliteTable('setting', {
	key: text('key').primaryKey(),
	value: text('value', { mode: 'json' }).notNull(),
	updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull()
});
