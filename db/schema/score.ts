import { sql } from 'drizzle-orm';
import { sqliteTable, integer, text, real, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { user } from './auth.ts';
import { unit } from './unit.ts';

/** The office's 加分/减分 for a unit in a month, with its reason; part of the month's score (scores.ts). */
export const scoreAdjustment = sqliteTable(
	'score_adjustment',
	{
		id: integer('id').primaryKey({ autoIncrement: true }),
		period: text('period').notNull(),
		unitId: integer('unit_id')
			.notNull()
			.references(() => unit.id),
		points: real('points').notNull(),
		reason: text('reason').notNull(),
		createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
		createdBy: integer('created_by').references(() => user.id)
	},
	(t) => [index('score_adjustment_period_idx').on(t.period, t.unitId)]
);

/**
 * A bulletin (通报): generated, edited by the office, then published with a number and frozen. Each level
 * issues its own (a city's supervisor about its subtree) and numbers them in its own series per year.
 */
export const bulletin = sqliteTable(
	'bulletin',
	{
		id: integer('id').primaryKey({ autoIncrement: true }),
		period: text('period').notNull(),
		/** The Monday of the week for a weekly bulletin; null for a monthly one. */
		week: text('week'),
		/** The level that issues it: a level's supervisor's unit (a city's government); null: the province. */
		issuerUnitId: integer('issuer_unit_id').references(() => unit.id),
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
	},
	// A published number (issuer, year, seq) is given once; drafts have none. Two partial indexes, since a
	// unique index treats nulls as distinct on both databases and the province's issuer is null.
	(t) => [
		uniqueIndex('bulletin_year_seq_idx')
			.on(t.year, t.seq)
			.where(sql`${t.issuerUnitId} is null`),
		uniqueIndex('bulletin_issuer_year_seq_idx')
			.on(t.issuerUnitId, t.year, t.seq)
			.where(sql`${t.issuerUnitId} is not null`)
	]
);
