import { sqliteTable, integer, text, index } from 'drizzle-orm/sqlite-core';
import type { NoticeMessage } from '../../web/src/lib/rules/messages.ts';
import type { ReasonParams } from '../../web/src/lib/rules/reasons.ts';
import { ALERT_KINDS, LIGHTS } from './constants.ts';
import { unit } from './unit.ts';
import { indicator } from './plan.ts';
import { user } from './auth.ts';

/**
 * A warning light on (indicator, unit) or (unit, period), opened and resolved in the transaction of the
 * write that changed it (or by the daily round when a date is crossed).
 * `openKey` is set while the alert is open and cleared when it resolves: at most one open alert per key.
 */
export const alert = sqliteTable(
	'alert',
	{
		id: integer('id').primaryKey({ autoIncrement: true }),
		kind: text('kind', { enum: ALERT_KINDS }).notNull(),
		light: text('light', { enum: LIGHTS }).notNull(),
		indicatorId: integer('indicator_id').references(() => indicator.id, { onDelete: 'cascade' }),
		/** Null: the indicator is owed only by unresolved placeholders (待明确). */
		unitId: integer('unit_id').references(() => unit.id),
		period: text('period'),
		openKey: text('open_key').unique(),
		/** The real day the light came on, and the day it went out: the state of any day is one query. */
		since: text('since').notNull(),
		resolvedOn: text('resolved_on'),
		/** Rendered when read (Chinese or English) from the kind and these parameters. */
		params: text('params', { mode: 'json' }).$type<ReasonParams>().notNull()
	},
	(t) => [
		// An indicator's lights on a day read from the index alone: its state (dashboard-scope.ts scopeWith), the
		// trend's overdue lights per indicator, the red units of the red list, whether it is overdue for its
		// co-units (ranking.ts indicatorCauses).
		index('alert_indicator_idx').on(t.indicatorId, t.since, t.resolvedOn, t.light, t.kind, t.unitId),
		index('alert_unit_idx').on(t.unitId, t.resolvedOn),
		// A kind's lights per unit and indicator in order: the ranking's counts, distinct without a sort.
		index('alert_kind_unit_idx').on(t.kind, t.unitId, t.indicatorId, t.since, t.resolvedOn),
		// The lights lit on a day (dashboards, ranking, any earlier day): read from this index alone.
		index('alert_day_idx').on(t.since, t.resolvedOn, t.light, t.kind, t.indicatorId, t.unitId)
	]
);

/** The history of each alert: opened, reason changed, resolved. */
export const alertEvent = sqliteTable(
	'alert_event',
	{
		id: integer('id').primaryKey({ autoIncrement: true }),
		alertId: integer('alert_id')
			.notNull()
			.references(() => alert.id, { onDelete: 'cascade' }),
		on: text('on').notNull(),
		event: text('event', { enum: ['opened', 'changed', 'resolved'] }).notNull(),
		/** Why it changed: the reason's parameters when opened, the cause when resolved (signed_off, …). */
		cause: text('cause', { mode: 'json' }).$type<Record<string, unknown>>().notNull()
	},
	(t) => [index('alert_event_alert_idx').on(t.alertId)]
);

/** Mail to send, written in the transaction of the event that causes it; the sender job delivers it. */
export const outbox = sqliteTable(
	'outbox',
	{
		id: integer('id').primaryKey({ autoIncrement: true }),
		/** One mail per (reason, recipient, day): a second run of the same day adds nothing. */
		dedupeKey: text('dedupe_key').notNull().unique(),
		recipient: text('recipient').notNull(),
		subject: text('subject').notNull(),
		text: text('text').notNull(),
		html: text('html').notNull(),
		messageId: text('message_id').notNull(),
		status: text('status', { enum: ['queued', 'sent', 'failed'] })
			.notNull()
			.default('queued'),
		attempts: integer('attempts').notNull().default(0),
		nextAttemptAt: integer('next_attempt_at', { mode: 'timestamp_ms' }).notNull(),
		lastError: text('last_error'),
		createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
		sentAt: integer('sent_at', { mode: 'timestamp_ms' })
	},
	(t) => [index('outbox_status_next_idx').on(t.status, t.nextAttemptAt)]
);

/** In-app notifications behind the bell. */
export const notification = sqliteTable(
	'notification',
	{
		id: integer('id').primaryKey({ autoIncrement: true }),
		userId: integer('user_id')
			.notNull()
			.references(() => user.id, { onDelete: 'cascade' }),
		dedupeKey: text('dedupe_key').notNull().unique(),
		title: text('title').notNull(),
		body: text('body').notNull(),
		/** What it says as a code and parameters, rendered in the reader's language (title/body: the Chinese). */
		message: text('message', { mode: 'json' }).$type<NoticeMessage>(),
		link: text('link'),
		light: text('light', { enum: LIGHTS }),
		/** What a reminder is about (`indicator:12`, `report:3:2020-06`): it is withdrawn when that is settled. */
		topic: text('topic'),
		createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
		readAt: integer('read_at', { mode: 'timestamp_ms' }),
		/** Set when the reminder no longer applies (the indicator closed, the report came in): off the bell. */
		withdrawnAt: integer('withdrawn_at', { mode: 'timestamp_ms' })
	},
	(t) => [index('notification_user_idx').on(t.userId, t.readAt), index('notification_topic_idx').on(t.topic)]
);

/**
 * A decision on a unit's work (report returned, request decided, notice issued, plan changed), kept for
 * the unit's next daily digest mail; `mailedOn` is set once a digest (or an urgent mail) carried it.
 */
export const unitNews = sqliteTable(
	'unit_news',
	{
		id: integer('id').primaryKey({ autoIncrement: true }),
		unitId: integer('unit_id')
			.notNull()
			.references(() => unit.id),
		dedupeKey: text('dedupe_key').notNull().unique(),
		title: text('title').notNull(),
		body: text('body').notNull(),
		link: text('link').notNull(),
		light: text('light', { enum: LIGHTS }),
		createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
		mailedOn: text('mailed_on')
	},
	(t) => [index('unit_news_unit_mailed_idx').on(t.unitId, t.mailedOn)]
);

/** Every run of a scheduled job: when it was due, when it ran, how it ended, what it did. */
export const jobRun = sqliteTable(
	'job_run',
	{
		id: integer('id').primaryKey({ autoIncrement: true }),
		job: text('job').notNull(),
		/** The business day the run is for (YYYY-MM-DD), and the instant it was scheduled for. */
		day: text('day').notNull(),
		scheduledAt: integer('scheduled_at', { mode: 'timestamp_ms' }).notNull(),
		startedAt: integer('started_at', { mode: 'timestamp_ms' }).notNull(),
		finishedAt: integer('finished_at', { mode: 'timestamp_ms' }),
		outcome: text('outcome', { enum: ['running', 'ok', 'failed'] }).notNull(),
		counts: text('counts', { mode: 'json' }),
		error: text('error')
	},
	(t) => [index('job_run_job_day_idx').on(t.job, t.day)]
);
