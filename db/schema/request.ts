import { sql } from 'drizzle-orm';
import { sqliteTable, integer, text, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { NOTICE_ANSWER_STATUSES, NOTICE_LEVELS, REQUEST_KINDS, REQUEST_STATUSES } from './constants.ts';
import { insertedAt } from './columns.ts';
import { unit } from './unit.ts';
import { indicator } from './plan.ts';
import { user } from './auth.ts';
import { bulletin } from './score.ts';

/** Completion sign-off (办结) and deadline extension (延期) requests, decided by the office. */
export const request = sqliteTable(
	'request',
	{
		id: integer('id').primaryKey({ autoIncrement: true }),
		kind: text('kind', { enum: REQUEST_KINDS }).notNull(),
		indicatorId: integer('indicator_id')
			.notNull()
			.references(() => indicator.id),
		unitId: integer('unit_id')
			.notNull()
			.references(() => unit.id),
		status: text('status', { enum: REQUEST_STATUSES }).notNull().default('pending'),
		statement: text('statement').notNull(),
		newDueOn: text('new_due_on'),
		/** An extension asked for after the due date. */
		late: integer('late', { mode: 'boolean' }).notNull().default(false),
		createdAt: insertedAt(),
		createdBy: integer('created_by').references(() => user.id),
		decidedAt: integer('decided_at', { mode: 'timestamp_ms' }),
		decidedBy: integer('decided_by').references(() => user.id),
		decisionNote: text('decision_note')
	},
	(t) => [
		index('request_status_idx').on(t.status, t.kind),
		index('request_indicator_idx').on(t.indicatorId),
		// One pending request per (indicator, unit, kind), however many instances ask at once.
		uniqueIndex('request_one_pending_idx')
			.on(t.indicatorId, t.unitId, t.kind)
			.where(sql`${t.status} = 'pending'`)
	]
);

/** The history of an indicator's due date (approved extensions), or of one unit's part of it. */
export const dueDateChange = sqliteTable(
	'due_date_change',
	{
		id: integer('id').primaryKey({ autoIncrement: true }),
		indicatorId: integer('indicator_id')
			.notNull()
			.references(() => indicator.id, { onDelete: 'cascade' }),
		/** Set when only this unit's part moved (an each-owes indicator); null: the whole indicator. */
		unitId: integer('unit_id').references(() => unit.id),
		fromDueOn: text('from_due_on'),
		toDueOn: text('to_due_on').notNull(),
		requestId: integer('request_id').references(() => request.id),
		reason: text('reason').notNull(),
		at: integer('at', { mode: 'timestamp_ms' }).notNull(),
		by: integer('by').references(() => user.id)
	},
	(t) => [index('due_date_change_indicator_idx').on(t.indicatorId)]
);

/** Numbered urge notice (督办〔2020〕12号) to one unit about one or more indicators. */
export const urgeNotice = sqliteTable(
	'urge_notice',
	{
		id: integer('id').primaryKey({ autoIncrement: true }),
		year: integer('year').notNull(),
		seq: integer('seq').notNull(),
		unitId: integer('unit_id')
			.notNull()
			.references(() => unit.id),
		level: text('level', { enum: NOTICE_LEVELS }).notNull(),
		message: text('message').notNull(),
		issuedOn: text('issued_on').notNull(),
		issuedAt: integer('issued_at', { mode: 'timestamp_ms' }).notNull(),
		issuedBy: integer('issued_by').references(() => user.id),
		acknowledgedAt: integer('acknowledged_at', { mode: 'timestamp_ms' }),
		acknowledgedBy: integer('acknowledged_by').references(() => user.id),
		/** The unit's written answer (办理情况反馈) is due by this day; null on notices issued before answers existed. */
		answerDueOn: text('answer_due_on'),
		/** Set when the office accepts an answer (已办结). */
		closedAt: integer('closed_at', { mode: 'timestamp_ms' }),
		/** The bulletin whose 整改要求 issued this notice (null for an ordinary urge notice). */
		bulletinId: integer('bulletin_id').references(() => bulletin.id),
		/** The level that issued it, numbering in its own series (杭州市督办〔2020〕1号); null: the province. */
		issuerUnitId: integer('issuer_unit_id').references(() => unit.id)
	},
	// A number (issuer, year, seq) is given once. Two partial indexes, since a unique index treats nulls as
	// distinct on both databases and the province's issuer is null.
	(t) => [
		index('urge_notice_unit_idx').on(t.unitId),
		uniqueIndex('urge_notice_year_seq_idx')
			.on(t.year, t.seq)
			.where(sql`${t.issuerUnitId} is null`),
		uniqueIndex('urge_notice_issuer_year_seq_idx')
			.on(t.issuerUnitId, t.year, t.seq)
			.where(sql`${t.issuerUnitId} is not null`)
	]
);

export const urgeNoticeIndicator = sqliteTable(
	'urge_notice_indicator',
	{
		noticeId: integer('notice_id')
			.notNull()
			.references(() => urgeNotice.id, { onDelete: 'cascade' }),
		indicatorId: integer('indicator_id')
			.notNull()
			.references(() => indicator.id)
	},
	(t) => [index('urge_notice_indicator_idx').on(t.indicatorId)]
);

/** The unit's answers to an urge notice (办理情况反馈); the office accepts one or asks again with a reason. */
export const noticeAnswer = sqliteTable(
	'notice_answer',
	{
		id: integer('id').primaryKey({ autoIncrement: true }),
		noticeId: integer('notice_id')
			.notNull()
			.references(() => urgeNotice.id, { onDelete: 'cascade' }),
		text: text('text').notNull(),
		status: text('status', { enum: NOTICE_ANSWER_STATUSES }).notNull().default('pending'),
		createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
		createdBy: integer('created_by').references(() => user.id),
		decidedAt: integer('decided_at', { mode: 'timestamp_ms' }),
		decidedBy: integer('decided_by').references(() => user.id),
		/** Why the office asks again. */
		decisionNote: text('decision_note')
	},
	(t) => [index('notice_answer_notice_idx').on(t.noticeId)]
);
