export const UNIT_KINDS = ['provincial', 'city', 'county', 'other'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

export const ROLES = ['admin', 'office', 'leader', 'unit'] as const;
export type Role = (typeof ROLES)[number];

export const ASSIGNMENT_ROLES = ['lead', 'co'] as const;
export type AssignmentRole = (typeof ASSIGNMENT_ROLES)[number];

export const INDICATOR_STATUSES = ['open', 'completed'] as const;
export type IndicatorStatus = (typeof INDICATOR_STATUSES)[number];

export const TARGET_OPS = ['>=', '>', '=', '<=', '<'] as const;

/** A group either expands to fixed members or is a placeholder the office resolves per indicator. */
export const GROUP_KINDS = ['members', 'placeholder'] as const;
