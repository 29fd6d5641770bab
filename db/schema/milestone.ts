import { sql } from 'drizzle-orm';
import { sqliteTable, integer, text, real, index, uniqueIndex, primaryKey } from 'drizzle-orm/sqlite-core';
import { MILESTONE_PLAN_STATUSES } from './constants.ts';
import { unit } from './unit.ts';
import { indicator, indicatorTarget } from './plan.ts';
import { user } from './auth.ts';

/**
 * One version of an accountable unit's monthly milestone plan for one indicator (挂图作战). Every change
 * is a new version: the approved one stays in force until its successor is approved, and history is kept.
 */
export const milestonePlan = sqliteTable(
	'milestone_plan',
	{
		id: integer('id').primaryKey({ autoIncrement: true }),
		indicatorId: integer('indicator_id')
			.notNull()
			.references(() => indicator.id, { onDelete: 'cascade' }),
		unitId: integer('unit_id')
			.notNull()
			.references(() => unit.id),
		version: integer('version').notNull(),
		status: text('status', { enum: MILESTONE_PLAN_STATUSES }).notNull().default('draft'),
		/** The target the milestones' values are in (the indicator's first, when it has one). */
		targetId: integer('target_id').references(() => indicatorTarget.id, { onDelete: 'set null' }),
		/** The unit's word on a change (why the plan moves), shown to the supervisor. */
		note: text('note').notNull().default(''),
		createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
		createdBy: integer('created_by').references(() => user.id),
		submittedAt: integer('submitted_at', { mode: 'timestamp_ms' }),
		decidedAt: integer('decided_at', { mode: 'timestamp_ms' }),
		decidedBy: integer('decided_by').references(() => user.id),
		/** The supervisor's reasons when returned. */
		decisionNote: text('decision_note'),
		/** The day the approved version came into force (lights judge by the plan in force on a day). */
		inForceOn: text('in_force_on')
	},
	(t) => [
		uniqueIndex('milestone_plan_version_idx').on(t.indicatorId, t.unitId, t.version),
		// One version in force and one in the works per (indicator, unit).
		uniqueIndex('milestone_plan_in_force_idx')
			.on(t.indicatorId, t.unitId)
			.where(sql`${t.status} = 'approved'`),
		uniqueIndex('milestone_plan_open_idx')
			.on(t.indicatorId, t.unitId)
			.where(sql`${t.status} in ('draft', 'submitted')`),
		index('milestone_plan_status_idx').on(t.status, t.submittedAt),
		index('milestone_plan_unit_idx').on(t.unitId, t.status)
	]
);

/** What a plan version promises by one month's end: a deliverable, a percent, optionally a value. */
export const milestone = sqliteTable(
	'milestone',
	{
		planId: integer('plan_id')
			.notNull()
			.references(() => milestonePlan.id, { onDelete: 'cascade' }),
		/** `YYYY-MM`: the month whose last day the milestone is due by. */
		period: text('period').notNull(),
		deliverable: text('deliverable').notNull(),
		percent: real('percent').notNull(),
		/** In the plan's target's own unit and scale, as actuals are reported. */
		value: real('value')
	},
	(t) => [primaryKey({ columns: [t.planId, t.period] })]
);
