/** Calendar arithmetic on ISO dates (YYYY-MM-DD) and periods (YYYY-MM), free of time zones. */

export const PERIOD_RE = /^\d{4}-(0[1-9]|1[0-2])$/;

const toUtc = (date: string) => Date.UTC(+date.slice(0, 4), +date.slice(5, 7) - 1, +date.slice(8, 10));
const fromUtc = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function addDays(date: string, days: number): string {
	return fromUtc(toUtc(date) + days * 86_400_000);
}

export function daysBetween(from: string, to: string): number {
	return Math.round((toUtc(to) - toUtc(from)) / 86_400_000);
}

export const periodOf = (date: string) => date.slice(0, 7);
export const periodStart = (period: string) => `${period}-01`;

export function periodEnd(period: string): string {
	const [y, m] = period.split('-').map(Number) as [number, number];
	return fromUtc(Date.UTC(y, m, 0));
}

export function addMonths(period: string, months: number): string {
	const [y, m] = period.split('-').map(Number) as [number, number];
	return new Date(Date.UTC(y, m - 1 + months, 1)).toISOString().slice(0, 7);
}

/** The reporting due date of a month: its last day (dueDay 0) or day N, capped at the month's end. */
export function reportDueOn(period: string, dueDay: number): string {
	const end = periodEnd(period);
	if (dueDay <= 0 || dueDay >= +end.slice(8)) return end;
	return `${period}-${String(dueDay).padStart(2, '0')}`;
}
