/** Working-day arithmetic on ISO dates (YYYY-MM-DD), given a calendar that knows which days are worked. */
import { addDays } from './dates.ts';

export type WorkCalendar = { isWorkingDay(day: string): boolean };

/** The day n working days after `day` (n ≥ 0; 0 gives `day` itself). */
export function addWorkingDays(day: string, n: number, cal: WorkCalendar): string {
	let result = day;
	for (let left = n; left > 0;) {
		result = addDays(result, 1);
		if (cal.isWorkingDay(result)) left--;
	}
	return result;
}
