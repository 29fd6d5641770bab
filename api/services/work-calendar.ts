import { asc, eq, like } from 'drizzle-orm';
import { holiday } from '../../db/schema/index.ts';
import type { Db } from '../../db/client.ts';
import type { ServiceContext } from '../context.ts';
import { fail } from '../errors.ts';
import { isWeekday, type WorkCalendar } from '../lib/workdays.ts';
import { assertOffice } from './access.ts';
import { audit } from './audit.ts';

/** The PRC working-day calendar: Monday–Friday, amended by the holiday table (holidays and 调休 days). */
export function workCalendar(db: Db): WorkCalendar {
	const exceptions = new Map(
		db
			.select({ day: holiday.day, kind: holiday.kind })
			.from(holiday)
			.all()
			.map((h) => [h.day, h.kind])
	);
	return {
		isWorkingDay(day: string) {
			const kind = exceptions.get(day);
			return kind ? kind === 'workday' : isWeekday(day);
		}
	};
}

export function listCalendarYear(db: Db, year: number) {
	return db
		.select({ day: holiday.day, kind: holiday.kind, name: holiday.name })
		.from(holiday)
		.where(like(holiday.day, `${year}-%`))
		.orderBy(asc(holiday.day))
		.all();
}

export type CalendarDay = { day: string; kind: 'holiday' | 'workday'; name: string };

/** The office adds or corrects a day (a new year's State Council notice); `kind: null` removes the exception. */
export function setCalendarDay(ctx: ServiceContext, day: string, change: Omit<CalendarDay, 'day'> | null) {
	assertOffice(ctx.actor);
	const before = ctx.db.select().from(holiday).where(eq(holiday.day, day)).get() ?? null;
	if (!change && !before) throw fail('not_found', 'not_found.holiday', { day });
	ctx.db.transaction((tx) => {
		if (change) {
			tx.insert(holiday)
				.values({ day, ...change, updatedBy: ctx.actor!.id || null })
				.onConflictDoUpdate({ target: holiday.day, set: { ...change, updatedBy: ctx.actor!.id || null } })
				.run();
		} else tx.delete(holiday).where(eq(holiday.day, day)).run();
		audit(
			{ ...ctx, db: tx },
			{
				action: 'calendar.set_day',
				objectType: 'holiday',
				objectId: day,
				before: before && { kind: before.kind, name: before.name },
				after: change
			}
		);
	});
	return listCalendarYear(ctx.db, Number(day.slice(0, 4)));
}
