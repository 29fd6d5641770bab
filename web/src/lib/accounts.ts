import { formatDateTime } from './format.ts';
import type { Role, UserRow } from './replies.ts';

/**
 * Every role, administrators first (for the filters). Which roles an account may be given and what may
 * be done to it come from the server (`kind`, `roles`, `may` on each account), never from here.
 */
export const ALL_ROLES: readonly Role[] = ['admin', 'security', 'auditor', 'office', 'leader', 'unit'];

/** The accounts tables show this many rows to a page. */
export const ACCOUNTS_PAGE_SIZE = 50;

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
