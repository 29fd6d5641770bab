export { UNIT_KINDS, type UnitKind } from '../../web/src/lib/rules/enums.ts';

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

export {
	INDICATOR_KINDS,
	ALERT_KINDS,
	LIGHTS,
	type IndicatorKind,
	type AlertKind,
	type Light
} from '../../web/src/lib/rules/enums.ts';

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

export const NOTICE_LEVELS = ['blue', 'yellow', 'red'] as const;
export type NoticeLevel = (typeof NOTICE_LEVELS)[number];
/** An answer waits for the office, which accepts it or asks again (the unit then answers anew). */
export const NOTICE_ANSWER_STATUSES = ['pending', 'accepted', 'returned'] as const;
/** Where a notice stands: 待签收 / 待反馈 / 已反馈 / 逾期未反馈 / 已办结. */
export const NOTICE_STATES = ['unacknowledged', 'awaiting', 'answered', 'overdue', 'closed'] as const;
export type NoticeState = (typeof NOTICE_STATES)[number];
