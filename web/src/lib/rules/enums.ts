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
	'behind_milestone',
	'milestone_missed',
	// A handed-down part not signed for (签收) by its sign-by day.
	'unsigned',
	// A decomposed part lit by its children: the worst of them, named.
	'child_lagging'
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** Lights that say progress lags (scored as 推进进度): reported 滞后, behind 序时进度, or behind / missed milestones. */
export const LAG_KINDS = [
	'reported_behind',
	'behind_schedule',
	'behind_milestone',
	'milestone_missed'
] as const satisfies readonly AlertKind[];
/** The milestone lights (挂图作战), which take the place of 序时进度 where a plan is approved. */
export const MILESTONE_KINDS = [
	'behind_milestone',
	'milestone_missed'
] as const satisfies readonly AlertKind[];

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

/** A (unit, month) of a report matrix: its report state, or none (not expected that month). */
export type ReportCell = ReportState | 'none';
/**
 * A matrix row's months travel as one letter each ("ooolm-"): thousands of units × twelve months as
 * words were most of the office dashboard's answer.
 */
export const REPORT_CELL_CODES = {
	on_time: 'o',
	late: 'l',
	missing: 'm',
	not_due: 'n',
	none: '-'
} as const satisfies Record<ReportCell, string>;
const CELL_OF_CODE = new Map<string, ReportCell>(
	Object.entries(REPORT_CELL_CODES).map(([cell, code]) => [code, cell as ReportCell])
);
/** The cell a matrix row's letter stands for. */
export const reportCellOf = (code: string): ReportCell => CELL_OF_CODE.get(code) ?? 'none';

/** Kinds of unit in the directory: provincial departments, city governments, county-level governments, others. */
export const UNIT_KINDS = ['provincial', 'city', 'county', 'other'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

/**
 * 三员分立: the system admin (accounts, units, settings), the security admin (roles, policies, locks,
 * sessions) and the audit admin (the audit log, nothing else) are separate roles; a user has exactly one
 * role, so no account holds two of them, and none of them has a business role.
 */
/** `service`: a machine client (a service account with bearer tokens, no password sign-in); reads only. */
export const ROLES = ['admin', 'security', 'auditor', 'office', 'leader', 'unit', 'service'] as const;
export type Role = (typeof ROLES)[number];
/** The roles a person's account may have (a service account is made on its own page, with a token). */
export const PERSON_ROLES = ROLES.filter((r): r is Exclude<Role, 'service'> => r !== 'service');
export const ADMIN_ROLES = ['admin', 'security', 'auditor'] as const satisfies readonly Role[];
export const BUSINESS_ROLES = ['office', 'leader', 'unit'] as const satisfies readonly Role[];

/**
 * An account's kind is fixed at creation: a role change stays within it (the database refuses anything
 * else), so who looks after an account (its password, its disabling) cannot be changed by changing roles.
 */
export const ACCOUNT_KINDS = ['business', 'administrator'] as const;
export type AccountKind = (typeof ACCOUNT_KINDS)[number];
export const ROLES_OF_KIND = {
	business: BUSINESS_ROLES,
	administrator: ADMIN_ROLES
} as const satisfies Record<AccountKind, readonly Role[]>;
export const kindOfRole = (role: Role): AccountKind =>
	(ADMIN_ROLES as readonly Role[]).includes(role) ? 'administrator' : 'business';

export const ASSIGNMENT_ROLES = ['lead', 'co'] as const;
export type AssignmentRole = (typeof ASSIGNMENT_ROLES)[number];

export const INDICATOR_STATUSES = ['open', 'completed'] as const;

export const TARGET_OPS = ['>=', '>', '=', '<=', '<'] as const;

/** A group either expands to fixed members or is a placeholder the office resolves per indicator. */
export const GROUP_KINDS = ['members', 'placeholder'] as const;

export const PROGRESS_STATUSES = ['not_started', 'on_track', 'behind', 'done'] as const;
export type ProgressStatus = (typeof PROGRESS_STATUSES)[number];

/** draft → submitted → accepted, or → returned → (edited) → submitted again. */
export const REPORT_STATUSES = ['draft', 'submitted', 'returned', 'accepted'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

export const REQUEST_KINDS = ['completion', 'extension'] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];
export const REQUEST_STATUSES = ['pending', 'approved', 'rejected'] as const;

/**
 * A unit's monthly milestone plan (挂图作战), one row per version: draft → submitted → approved (in force
 * until a later version is approved: superseded) or → returned (the next change is a new version).
 */
export const MILESTONE_PLAN_STATUSES = ['draft', 'submitted', 'approved', 'returned', 'superseded'] as const;
export type MilestonePlanStatus = (typeof MILESTONE_PLAN_STATUSES)[number];

export const NOTICE_LEVELS = ['blue', 'yellow', 'red'] as const;
export type NoticeLevel = (typeof NOTICE_LEVELS)[number];
/** An answer waits for the office, which accepts it or asks again (the unit then answers anew). */
export const NOTICE_ANSWER_STATUSES = ['pending', 'accepted', 'returned'] as const;
/** Where a notice stands: 待签收 / 待反馈 / 已反馈 / 逾期未反馈 / 已办结. */
export const NOTICE_STATES = ['unacknowledged', 'awaiting', 'answered', 'overdue', 'closed'] as const;
export type NoticeState = (typeof NOTICE_STATES)[number];
