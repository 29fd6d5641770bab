import { sqliteTable, integer, text, real, uniqueIndex, index } from 'drizzle-orm/sqlite-core';
import type { AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import { INDICATOR_STATUSES, INDICATOR_KINDS, TARGET_OPS, ASSIGNMENT_ROLES } from './constants.ts';
import { insertedAt } from './columns.ts';
import { unit, unitGroup } from './unit.ts';
import { user } from './auth.ts';
import type { PartShare } from '../../web/src/lib/rules/rollup.ts';

export const plan = sqliteTable('plan', {
	id: integer('id').primaryKey({ autoIncrement: true }),
	title: text('title').notNull(),
	year: integer('year').notNull(),
	docNumber: text('doc_number'),
	issuer: text('issuer'),
	issuedOn: text('issued_on'),
	createdAt: insertedAt()
});

/** Two levels: level 1 has no parent; level 2 sits under a level-1 section. */
export const section = sqliteTable(
	'section',
	{
		id: integer('id').primaryKey({ autoIncrement: true }),
		planId: integer('plan_id')
			.notNull()
			.references(() => plan.id, { onDelete: 'cascade' }),
		parentId: integer('parent_id').references((): AnySQLiteColumn => section.id, { onDelete: 'cascade' }),
		level: integer('level').notNull(),
		name: text('name').notNull(),
		position: integer('position').notNull()
	},
	(t) => [index('section_plan_idx').on(t.planId, t.position)]
);

export const task = sqliteTable(
	'task',
	{
		id: integer('id').primaryKey({ autoIncrement: true }),
		planId: integer('plan_id')
			.notNull()
			.references(() => plan.id, { onDelete: 'cascade' }),
		sectionId: integer('section_id').references(() => section.id, { onDelete: 'cascade' }),
		title: text('title').notNull(),
		position: integer('position').notNull()
	},
	(t) => [index('task_plan_idx').on(t.planId, t.position)]
);

export const indicator = sqliteTable(
	'indicator',
	{
		id: integer('id').primaryKey({ autoIncrement: true }),
		planId: integer('plan_id')
			.notNull()
			.references(() => plan.id, { onDelete: 'cascade' }),
		taskId: integer('task_id')
			.notNull()
			.references(() => task.id, { onDelete: 'cascade' }),
		text: text('text').notNull(),
		position: integer('position').notNull(),
		deadlineText: text('deadline_text').notNull(),
		/** Current due date (moves with approved extensions); null when the text has no date. */
		dueOn: text('due_on'),
		/** The due date as first planned; on-time statistics use this one. */
		originalDueOn: text('original_due_on'),
		recurrence: text('recurrence', { enum: ['monthly'] }),
		/** A deadline that is more than one date (per unit level, batches, relative to an event); see DeadlineRule. */
		deadlineRule: text('deadline_rule', { mode: 'json' }),
		unitsText: text('units_text').notNull(),
		/** Completed when every accountable part is: in a joint indicator the lead's, else every unit's. */
		status: text('status', { enum: INDICATOR_STATUSES }).notNull().default('open'),
		completedOn: text('completed_on'),
		/** joint: the lead signs off for all, co-units support; each: every unit owes and signs off its own part. */
		kind: text('kind', { enum: INDICATOR_KINDS }).notNull().default('joint'),
		createdAt: insertedAt()
	},
	(t) => [
		uniqueIndex('indicator_task_text_uq').on(t.taskId, t.text),
		index('indicator_plan_due_idx').on(t.planId, t.dueOn)
	]
);

export const indicatorTarget = sqliteTable(
	'indicator_target',
	{
		id: integer('id').primaryKey({ autoIncrement: true }),
		indicatorId: integer('indicator_id')
			.notNull()
			.references(() => indicator.id, { onDelete: 'cascade' }),
		label: text('label').notNull(),
		op: text('op', { enum: TARGET_OPS }).notNull(),
		/** In the target's own scale: 120 with scale 4 is 120万; actuals are entered in the same scale. */
		value: real('value').notNull(),
		/** Power of ten of the magnitude word as written (万 → 4, 亿 → 8); 0 for none. */
		scale: integer('scale').notNull().default(0),
		/** Upper bound of a range (30–50个); value is the lower one. */
		valueMax: real('value_max'),
		unit: text('unit').notNull(),
		/** A target relative to a baseline the office enters: 翻一番 (factor), 提高N个百分点 (points), 增长N% (percent). */
		relative: text('relative', { enum: ['factor', 'points', 'percent'] }),
		baseline: real('baseline'),
		/** 'each': every owner must reach the value (各…N个以上); 'sum': the owners' reported parts are summed. */
		aggregation: text('aggregation', { enum: ['each', 'sum'] })
			.notNull()
			.default('sum'),
		sourceText: text('source_text').notNull(),
		position: integer('position').notNull()
	},
	(t) => [index('indicator_target_indicator_idx').on(t.indicatorId)]
);

export const assignment = sqliteTable(
	'assignment',
	{
		id: integer('id').primaryKey({ autoIncrement: true }),
		indicatorId: integer('indicator_id')
			.notNull()
			.references(() => indicator.id, { onDelete: 'cascade' }),
		unitId: integer('unit_id')
			.notNull()
			.references(() => unit.id),
		role: text('role', { enum: ASSIGNMENT_ROLES }).notNull(),
		/** The group the unit came through (各设区市政府, or a resolved 省级有关单位). */
		viaGroupId: integer('via_group_id').references(() => unitGroup.id),
		/**
		 * This unit's own due date: per unit level from an imported deadline rule (市级 / 区、县（市）), or
		 * its part alone extended; null: the indicator's.
		 */
		dueOn: text('due_on'),
		/**
		 * This unit's own due date as first planned (its level's date from the plan's table); null: the
		 * indicator's original date. Its sign-off is on time or late against this one, whatever extensions.
		 */
		originalDueOn: text('original_due_on'),
		position: integer('position').notNull(),
		/** The day this unit's part was signed off (on time or late against its original date). */
		completedOn: text('completed_on'),
		/**
		 * The part this one was decomposed from (分解/交办: 杭州市政府's part handed to 西湖区政府); null: a part
		 * of the plan itself, the level provincial views count.
		 */
		parentId: integer('parent_id').references((): AnySQLiteColumn => assignment.id, { onDelete: 'cascade' }),
		/** The day a part was handed down: its unit reports on it from that month. */
		handedOn: text('handed_on'),
		/** A handed-down part is signed for (签收) by its unit by this day; unsigned after it, it is lit. */
		signBy: text('sign_by'),
		signedOn: text('signed_on'),
		/** A handed-down part's share of each numeric target: an amount of the parent's sum, or each at least. */
		shares: text('shares', { mode: 'json' }).$type<PartShare[]>()
	},
	(t) => [
		uniqueIndex('assignment_indicator_unit_uq').on(t.indicatorId, t.unitId),
		// With the parent: whether a unit owes parts of the plan itself (dashboards' units) without reading rows.
		index('assignment_unit_idx').on(t.unitId, t.indicatorId, t.parentId),
		index('assignment_parent_idx').on(t.parentId),
		// A role's parts of the plan itself per unit, read from the index alone (the ranking's co-units).
		index('assignment_role_idx').on(t.role, t.parentId, t.unitId, t.indicatorId, t.completedOn)
	]
);

/** A placeholder group named on an indicator (省级有关单位) until the office resolves it. */
export const pendingGroup = sqliteTable(
	'pending_group',
	{
		id: integer('id').primaryKey({ autoIncrement: true }),
		indicatorId: integer('indicator_id')
			.notNull()
			.references(() => indicator.id, { onDelete: 'cascade' }),
		groupId: integer('group_id')
			.notNull()
			.references(() => unitGroup.id),
		role: text('role', { enum: ASSIGNMENT_ROLES }).notNull(),
		resolvedAt: integer('resolved_at', { mode: 'timestamp_ms' }),
		resolvedBy: integer('resolved_by').references(() => user.id)
	},
	(t) => [uniqueIndex('pending_group_indicator_group_uq').on(t.indicatorId, t.groupId)]
);
