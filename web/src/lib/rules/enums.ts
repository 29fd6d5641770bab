/**
 * The supervision domain's shared vocabulary, imported by the API (through `#lib/rules/*`) and the web
 * app alike. Nothing here imports anything: both sides must be able to load it.
 */

/** joint: 牵头 signs off for all, 配合 support; each: every unit owes and signs off its own part. */
export const INDICATOR_KINDS = ['joint', 'each'] as const;
export type IndicatorKind = (typeof INDICATOR_KINDS)[number];

export const ALERT_KINDS = [
	'overdue',
	'due_soon',
	'reported_behind',
	'behind_schedule',
	'report_missing',
	// A handed-down part not signed for (签收) by its sign-by day.
	'unsigned',
	// A decomposed part lit by its children: the worst of them, named.
	'child_lagging'
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export const LIGHTS = ['red', 'yellow'] as const;
export type Light = (typeof LIGHTS)[number];

/** What a (indicator, unit) pair or an indicator shows: completed apart (on time / late), else its light. */
export const STATES = ['red', 'yellow', 'green', 'completed_on_time', 'completed_late'] as const;
export type SupervisionState = (typeof STATES)[number];

/** A report in one of these statuses counts as submitted (a returned one was sent, and counts on time or late). */
export const SUBMITTED_STATUSES = ['submitted', 'returned', 'accepted'] as const;
export const countsAsSubmitted = (status: string) =>
	(SUBMITTED_STATUSES as readonly string[]).includes(status);

/** The report status of one (unit, month) on a day. */
export const REPORT_STATES = ['on_time', 'late', 'missing', 'not_due'] as const;
export type ReportState = (typeof REPORT_STATES)[number];
