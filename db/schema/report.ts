import { sql } from 'drizzle-orm';
import { sqliteTable, integer, text, real, uniqueIndex, index, primaryKey } from 'drizzle-orm/sqlite-core';
import { PROGRESS_STATUSES, REPORT_STATUSES } from './constants.ts';
import { insertedAt } from './columns.ts';
import { unit } from './unit.ts';
import { indicator, indicatorTarget, plan } from './plan.ts';
import { user } from './auth.ts';

/**
 * One unit's monthly progress report (period YYYY-MM). `version` counts its submissions (the number users
 * see: the first submission is v1); `revision` counts every write and guards against saving over newer work.
 */
export const report = sqliteTable(
	'report',
	{
		id: integer('id').primaryKey({ autoIncrement: true }),
		unitId: integer('unit_id')
			.notNull()
			.references(() => unit.id),
		period: text('period').notNull(),
		status: text('status', { enum: REPORT_STATUSES }).notNull().default('draft'),
		version: integer('version').notNull().default(1),
		revision: integer('revision').notNull().default(0),
		dueOn: text('due_on').notNull(),
		/** The first submission decides on time vs late; resubmissions after a return do not. */
		firstSubmittedAt: integer('first_submitted_at', { mode: 'timestamp_ms' }),
		submittedAt: integer('submitted_at', { mode: 'timestamp_ms' }),
		late: integer('late', { mode: 'boolean' }),
		reviewedAt: integer('reviewed_at', { mode: 'timestamp_ms' }),
		reviewedBy: integer('reviewed_by').references(() => user.id),
		returnReason: text('return_reason'),
		/** The office's comment when it accepts the report (optional). */
		acceptComment: text('accept_comment'),
		updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
		updatedBy: integer('updated_by').references(() => user.id),
		createdAt: insertedAt()
	},
	(t) => [
		uniqueIndex('report_unit_period_uq').on(t.unitId, t.period),
		index('report_period_status_idx').on(t.period, t.status),
		// Report statuses per (unit, month) (dashboards, scores, matrices): read from this index alone.
		index('report_unit_period_state_idx').on(t.unitId, t.period, t.status, t.firstSubmittedAt, t.late)
	]
);

/**
 * The months a unit owes a report for, per plan (report-form.ts `reportableIn`): from the plan's first
 * month to the month its last part in the plan was signed off ('9999-12' while one is open). Part of the
 * supervision state, kept current by refreshSupervision; a (unit, month)'s report status is this span and
 * the unit's report of the month (report_unit_period_uq).
 */
export const reportSpan = sqliteTable(
	'report_span',
	{
		unitId: integer('unit_id')
			.notNull()
			.references(() => unit.id),
		planId: integer('plan_id')
			.notNull()
			.references(() => plan.id, { onDelete: 'cascade' }),
		fromPeriod: text('from_period').notNull(),
		toPeriod: text('to_period').notNull()
	},
	(t) => [primaryKey({ columns: [t.unitId, t.planId] })]
);

export const reportItem = sqliteTable(
	'report_item',
	{
		id: integer('id').primaryKey({ autoIncrement: true }),
		reportId: integer('report_id')
			.notNull()
			.references(() => report.id, { onDelete: 'cascade' }),
		indicatorId: integer('indicator_id')
			.notNull()
			.references(() => indicator.id),
		role: text('role', { enum: ['lead', 'co'] }).notNull(),
		progressStatus: text('progress_status', { enum: PROGRESS_STATUSES }),
		percent: integer('percent'),
		progress: text('progress').notNull().default(''),
		problems: text('problems').notNull().default(''),
		nextSteps: text('next_steps').notNull().default(''),
		/** Set by the office when it returns the report with a reason for this item. */
		returnReason: text('return_reason'),
		/** The office's comment on this item when it accepts the report (optional). */
		acceptComment: text('accept_comment')
	},
	(t) => [
		uniqueIndex('report_item_report_indicator_uq').on(t.reportId, t.indicatorId),
		index('report_item_indicator_idx').on(t.indicatorId)
	]
);

/** The actual value a unit reports against one numeric target of the indicator. */
export const reportItemValue = sqliteTable(
	'report_item_value',
	{
		itemId: integer('item_id')
			.notNull()
			.references(() => reportItem.id, { onDelete: 'cascade' }),
		targetId: integer('target_id')
			.notNull()
			.references(() => indicatorTarget.id, { onDelete: 'cascade' }),
		value: real('value').notNull()
	},
	(t) => [uniqueIndex('report_item_value_uq').on(t.itemId, t.targetId)]
);

/**
 * The kept states of a report, for comparison (snapshot of the report, its items and attachments as JSON):
 * each submission, return and acceptance, numbered by the submission they belong to, and at most one
 * draft (action 'save', numbered as the submission it will become), overwritten by each draft save and
 * removed by the submission.
 */
export const reportVersion = sqliteTable(
	'report_version',
	{
		id: integer('id').primaryKey({ autoIncrement: true }),
		reportId: integer('report_id')
			.notNull()
			.references(() => report.id, { onDelete: 'cascade' }),
		version: integer('version').notNull(),
		action: text('action', { enum: ['save', 'submit', 'return', 'accept'] }).notNull(),
		status: text('status', { enum: REPORT_STATUSES }).notNull(),
		snapshot: text('snapshot', { mode: 'json' }).notNull(),
		at: integer('at', { mode: 'timestamp_ms' }).notNull(),
		by: integer('by').references(() => user.id)
	},
	(t) => [
		uniqueIndex('report_version_uq').on(t.reportId, t.version, t.action),
		uniqueIndex('report_version_draft_uq')
			.on(t.reportId)
			.where(sql`${t.action} = 'save'`)
	]
);
