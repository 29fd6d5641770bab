/**
 * Calendar arithmetic on ISO dates (YYYY-MM-DD) and periods (YYYY-MM), free of time zones. Pure
 * integer arithmetic (days since 1970-01-01, months since year 0): `Date.UTC` maps the years 0–99 to
 * 1900–1999, which made month walks over such years cycle forever.
 */
import { fail } from '../errors.ts';

export const PERIOD_RE = /^\d{4}-(0[1-9]|1[0-2])$/;

/** The dates the system accepts from anyone: plan years are 2000 … 2099. */
export const DATE_MIN = '2000-01-01';
export const DATE_MAX = '2099-12-31';
export const DATE_WINDOW_MESSAGE = `日期应在 ${DATE_MIN} 至 ${DATE_MAX} 之间`;
export const PERIOD_WINDOW_MESSAGE = `月份应在 ${DATE_MIN.slice(0, 7)} 至 ${DATE_MAX.slice(0, 7)} 之间`;
export const inDateWindow = (date: string) => date >= DATE_MIN && date <= DATE_MAX;
export const inPeriodWindow = (period: string) => inDateWindow(periodStart(period));

/** A period from outside (a job's argument, a service's caller): well-formed and inside the window. */
export function assertPeriod(period: string): void {
	if (!PERIOD_RE.test(period)) throw fail('bad_request', 'period.format');
	if (!inPeriodWindow(period))
		throw fail('bad_request', 'period.window', { min: DATE_MIN.slice(0, 7), max: DATE_MAX.slice(0, 7) });
}

const pad = (n: number, width: number) => {
	// Outside 0000–9999 the strings would no longer sort as dates; nothing should get there.
	if (n < 0 || n > 9999) throw new RangeError(`date out of range: year ${n}`);
	return String(n).padStart(width, '0');
};

/** Days since 1970-01-01 of a civil date (H. Hinnant's days_from_civil). */
function toDays(date: string): number {
	const y0 = +date.slice(0, 4);
	const m = +date.slice(5, 7);
	const d = +date.slice(8, 10);
	const y = m <= 2 ? y0 - 1 : y0;
	const era = Math.floor(y / 400);
	const yoe = y - era * 400;
	const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
	const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
	return era * 146_097 + doe - 719_468;
}

function fromDays(days: number): string {
	const z = days + 719_468;
	const era = Math.floor(z / 146_097);
	const doe = z - era * 146_097;
	const yoe = Math.floor(
		(doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365
	);
	const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
	const mp = Math.floor((5 * doy + 2) / 153);
	const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
	const m = mp < 10 ? mp + 3 : mp - 9;
	const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
	return `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
}

export function addDays(date: string, days: number): string {
	return fromDays(toDays(date) + days);
}

export function daysBetween(from: string, to: string): number {
	return toDays(to) - toDays(from);
}

export const periodOf = (date: string) => date.slice(0, 7);

/** The instant a Shanghai calendar day ends: what happened before it counts for that day. */
export const endOfDay = (day: string) => new Date(Date.parse(`${addDays(day, 1)}T00:00:00+08:00`));
export const periodStart = (period: string) => `${period}-01`;

const monthIndex = (period: string) => +period.slice(0, 4) * 12 + +period.slice(5, 7) - 1;
const fromMonthIndex = (i: number) => `${pad(Math.floor(i / 12), 4)}-${pad((i % 12) + 1, 2)}`;

export function addMonths(period: string, months: number): string {
	return fromMonthIndex(monthIndex(period) + months);
}

export function periodEnd(period: string): string {
	return addDays(periodStart(addMonths(period, 1)), -1);
}

/** Longest walk any caller makes: the whole date window. A longer one is a bug, not a workload. */
const MAX_STEPS = daysBetween(DATE_MIN, DATE_MAX) + 1;

function bounded(count: number, what: string): number {
	if (count > MAX_STEPS) throw new RangeError(`${what}: ${count} steps exceed the date window`);
	return Math.max(0, count);
}

/** The months from `from` to `to`, both included (none when `to` is earlier), counted, not converged on. */
export function periodsBetween(from: string, to: string): string[] {
	const first = monthIndex(from);
	return Array.from({ length: bounded(monthIndex(to) - first + 1, 'periodsBetween') }, (_, i) =>
		fromMonthIndex(first + i)
	);
}

/** The days from `from` to `to`, both included (none when `to` is earlier). */
export function daysFromTo(from: string, to: string): string[] {
	const first = toDays(from);
	return Array.from({ length: bounded(toDays(to) - first + 1, 'daysFromTo') }, (_, i) => fromDays(first + i));
}

/** The reporting due date of a month: its last day (dueDay 0) or day N, capped at the month's end. */
export function reportDueOn(period: string, dueDay: number): string {
	const end = periodEnd(period);
	if (dueDay <= 0 || dueDay >= +end.slice(8)) return end;
	return `${period}-${String(dueDay).padStart(2, '0')}`;
}

/**
 * The latest month whose report falls due before `day` (or on it, with `onDay`). The current month's
 * or, failing that, the previous one: the previous month's due date always lies in that month.
 */
export function lastPeriodDue(day: string, dueDay: number, onDay: boolean): string {
	const period = periodOf(day);
	const due = reportDueOn(period, dueDay);
	return due < day || (onDay && due === day) ? period : addMonths(period, -1);
}
