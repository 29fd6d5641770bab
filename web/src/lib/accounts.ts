import { formatDateTime } from './format.ts';
import type { Role, UserRow } from './types.ts';

/** 三员分立: the three administrator roles, and the business roles the system administrator creates. */
export const ADMIN_ROLES: readonly Role[] = ['admin', 'security', 'auditor'];
export const BUSINESS_ROLES: readonly Role[] = ['office', 'leader', 'unit'];
export const ALL_ROLES: readonly Role[] = [...ADMIN_ROLES, ...BUSINESS_ROLES];

export const isAdminRole = (role: Role) => ADMIN_ROLES.includes(role);

/** “10:30” when the lock ends today (on the application's calendar), else “2020-10-16 10:30”. */
export function lockEnd(lockedUntil: string, today: string | null): string {
	const text = formatDateTime(lockedUntil);
	return today && text.startsWith(today) ? text.slice(11) : text;
}

/** Free-text search over username, name and unit. */
export function matchesSearch(user: Pick<UserRow, 'username' | 'name' | 'unitName'>, q: string): boolean {
	const needle = q.trim().toLowerCase();
	if (!needle) return true;
	return [user.username, user.name, user.unitName ?? ''].some((v) => v.toLowerCase().includes(needle));
}
