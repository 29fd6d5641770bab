export const UNIT_KINDS = ['provincial', 'city', 'county', 'other'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

/**
 * 三员分立: the system admin (accounts, units, settings), the security admin (roles, policies, locks,
 * sessions) and the audit admin (the audit log, nothing else) are separate roles; a user has exactly one
 * role, so no account holds two of them, and none of them has a business role.
 */
export const ROLES = ['admin', 'security', 'auditor', 'office', 'leader', 'unit'] as const;
export type Role = (typeof ROLES)[number];
export const ADMIN_ROLES = ['admin', 'security', 'auditor'] as const satisfies readonly Role[];
export const BUSINESS_ROLES = ['office', 'leader', 'unit'] as const satisfies readonly Role[];

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
