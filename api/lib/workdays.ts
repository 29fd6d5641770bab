import { addDays } from './dates.ts';

/** Which days are working days: the PRC calendar (holidays, 调休 make-up days) or a weekend-only stand-in. */
export type WorkCalendar = { isWorkingDay(day: string): boolean };

/** Monday–Friday; the base the holiday table amends. */
export const isWeekday = (day: string) => {
	const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
	return weekday !== 0 && weekday !== 6;
};

/**
 * The day `n` working days after `day` (n = 0: `day` itself). “2个工作日内” after an event on a Friday
 * before a holiday ends on the second working day after the holiday. Bounded: a calendar with no working
 * day for a year is an error, not an endless loop.
 */
export function addWorkingDays(day: string, n: number, cal: WorkCalendar): string {
	let current = day;
	let left = n;
	let idle = 0;
	while (left > 0) {
		current = addDays(current, 1);
		if (cal.isWorkingDay(current)) {
			left--;
			idle = 0;
		} else if (++idle > 366) throw new Error(`no working day within a year after ${current}`);
	}
	return current;
}
