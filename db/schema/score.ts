import { sqliteTable, integer, text, real, primaryKey } from 'drizzle-orm/sqlite-core';
import { unit } from './unit.ts';

/** A unit's score for a closed month, kept so that a past ranking can be reproduced exactly. */
export const unitScore = sqliteTable(
	'unit_score',
	{
		period: text('period').notNull(),
		unitId: integer('unit_id')
			.notNull()
			.references(() => unit.id),
		score: real('score').notNull(),
		rank: integer('rank').notNull(),
		/** What the score was made of: counts and the weights in force. */
		details: text('details', { mode: 'json' }).notNull(),
		computedAt: integer('computed_at', { mode: 'timestamp_ms' }).notNull()
	},
	(t) => [primaryKey({ columns: [t.period, t.unitId] })]
);

/** A bulletin (通报): generated, edited by the office, then published with a number and frozen. */
export const bulletin = sqliteTable('bulletin', {
	id: integer('id').primaryKey({ autoIncrement: true }),
	period: text('period').notNull(),
	/** The Monday of the week for a weekly bulletin; null for a monthly one. */
	week: text('week'),
	year: integer('year').notNull(),
	seq: integer('seq'),
	status: text('status', { enum: ['draft', 'published'] })
		.notNull()
		.default('draft'),
	title: text('title').notNull(),
	content: text('content', { mode: 'json' }).notNull(),
	createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
	createdBy: integer('created_by'),
	publishedAt: integer('published_at', { mode: 'timestamp_ms' }),
	publishedBy: integer('published_by')
});
