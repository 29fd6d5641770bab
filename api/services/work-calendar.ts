import { asc, eq, like } from 'drizzle-orm';
import { holiday } from '../../db/schema/index.ts';
import { type Db, withTransaction } from '../../db/client.ts';
import type { ServiceContext } from '../context.ts';
import { fail } from '../errors.ts';
import { isWeekday, type WorkCalendar } from '../lib/workdays.ts';
import { assertProvincialOffice } from './access.ts';
import { audit } from './audit.ts';

/** The PRC working-day calendar: Monday–Friday, amended by the holiday table (holidays and 调休 days). */
export async function workCalendar(db: Db): Promise<WorkCalendar> {
	const exceptions = new Map(
		(await db.select({ day: holiday.day, kind: holiday.kind }).from(holiday)).map((h) => [h.day, h.kind])
	);
	return {
		isWorkingDay(day: string) {
			const kind = exceptions.get(day);
			return kind ? kind === 'workday' : isWeekday(day);
		}
	};
}

export async function listCalendarYear(db: Db, year: number) {
	return await db
		.select({ day: holiday.day, kind: holiday.kind, name: holiday.name })
		.from(holiday)
		.where(like(holiday.day, `${year}-%`))
		.orderBy(asc(holiday.day));
}

export type CalendarDay = { day: string; kind: 'holiday' | 'workday'; name: string };

/** The office adds or corrects a day (a new year's State Council notice); `kind: null` removes the exception. */
export async function setCalendarDay(
	ctx: ServiceContext,
	day: string,
	change: Omit<CalendarDay, 'day'> | null
) {
	assertProvincialOffice(ctx.actor);
	const before = (await ctx.db.select().from(holiday).where(eq(holiday.day, day)).limit(1))[0] ?? null;
	if (!change && !before) throw fail('not_found', 'not_found.holiday', { day });
	await withTransaction(ctx, async (tx) => {
		if (change) {
			await tx.db
				.insert(holiday)
				.values({ day, ...change, updatedBy: ctx.actor!.id || null })
				.onConflictDoUpdate({ target: holiday.day, set: { ...change, updatedBy: ctx.actor!.id || null } });
		} else await tx.db.delete(holiday).where(eq(holiday.day, day));
		await audit(tx, {
			action: 'calendar.set_day',
			objectType: 'holiday',
			objectId: day,
			before: before && { kind: before.kind, name: before.name },
			after: change
		});
	});
	return listCalendarYear(ctx.db, Number(day.slice(0, 4)));
}
