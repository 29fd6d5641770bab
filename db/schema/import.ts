import { sqliteTable, integer, text, uniqueIndex, index } from 'drizzle-orm/sqlite-core';
import { insertedAt } from './columns.ts';
import { indicator } from './plan.ts';
import { unit } from './unit.ts';
import { user } from './auth.ts';

/**
 * The PRC holiday calendar's exceptions to Monday–Friday: public holidays and 调休 make-up working days.
 * Seeded for 2018–2026 from the State Council notices; the office adds later years.
 */
export const holiday = sqliteTable('holiday', {
	day: text('day').primaryKey(),
	kind: text('kind', { enum: ['holiday', 'workday'] }).notNull(),
	name: text('name').notNull(),
	updatedBy: integer('updated_by').references(() => user.id)
});

/** The event a relative deadline counts from (接口注册完成), as the office or a unit recorded it. */
export const indicatorEvent = sqliteTable(
	'indicator_event',
	{
		id: integer('id').primaryKey({ autoIncrement: true }),
		indicatorId: integer('indicator_id')
			.notNull()
			.references(() => indicator.id, { onDelete: 'cascade' }),
		/** The unit that recorded it (null: the office). */
		unitId: integer('unit_id').references(() => unit.id),
		occurredOn: text('occurred_on').notNull(),
		dueOn: text('due_on').notNull(),
		recordedBy: integer('recorded_by').references(() => user.id),
		createdAt: insertedAt()
	},
	(t) => [index('indicator_event_indicator_idx').on(t.indicatorId)]
);

/** A column mapping the office chose by hand, remembered for the next import of the same layout. */
export const importLayout = sqliteTable('import_layout', {
	signature: text('signature').primaryKey(),
	mapping: text('mapping', { mode: 'json' }).notNull(),
	updatedBy: integer('updated_by').references(() => user.id),
	createdAt: insertedAt()
});

/** A committed import by its client-supplied Idempotency-Key: a retry gets the first answer, no second write. */
export const importRequest = sqliteTable(
	'import_request',
	{
		id: integer('id').primaryKey({ autoIncrement: true }),
		userId: integer('user_id')
			.notNull()
			.references(() => user.id),
		key: text('key').notNull(),
		/** SHA-256 of the file and options: the same key with another file is refused. */
		digest: text('digest').notNull(),
		response: text('response', { mode: 'json' }).notNull(),
		createdAt: insertedAt()
	},
	(t) => [uniqueIndex('import_request_user_key_uq').on(t.userId, t.key)]
);
