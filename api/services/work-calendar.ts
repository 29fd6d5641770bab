import type { Db } from '../../db/client.ts';
import type { WorkCalendar } from '../lib/workdays.ts';

/** The working calendar: Monday to Friday (public holidays and make-up days are not known yet). */
export function workCalendar(_db: Db): WorkCalendar {
	return {
		isWorkingDay(day: string) {
			const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
			return weekday !== 0 && weekday !== 6;
		}
	};
}
