import { describe, expect, it } from 'vitest';
import {
	addDays,
	addMonths,
	daysBetween,
	daysFromTo,
	lastPeriodDue,
	periodEnd,
	periodsBetween
} from './dates.ts';

const viaDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

describe('calendar arithmetic', () => {
	it('agrees with the Date object day by day from 1999 to 2101', () => {
		const start = Date.UTC(1999, 0, 1);
		for (let i = 0; i < 103 * 366; i++) {
			const day = viaDate(start + i * 86_400_000);
			expect(addDays('1999-01-01', i)).toBe(day);
			expect(daysBetween('1999-01-01', day)).toBe(i);
		}
		expect(periodEnd('2020-02')).toBe('2020-02-29');
		expect(periodEnd('2100-02')).toBe('2100-02-28');
		expect(periodEnd('2000-02')).toBe('2000-02-29');
	});

	it('does not map the years 0–99 onto the 1900s, so walks over them end', () => {
		expect(addMonths('0050-01', -1)).toBe('0049-12');
		expect(addMonths('0099-12', 1)).toBe('0100-01');
		expect(periodEnd('0050-01')).toBe('0050-01-31');
		expect(addDays('0001-01-01', -1)).toBe('0000-12-31');
		expect(lastPeriodDue('0050-01-01', 0, true)).toBe('0049-12');
		expect(() => addDays('0000-01-01', -1)).toThrow(RangeError);
		expect(() => addMonths('9999-12', 1)).toThrow(RangeError);
	});

	it('walks by count, bounded by the date window', () => {
		expect(periodsBetween('2020-11', '2021-02')).toEqual(['2020-11', '2020-12', '2021-01', '2021-02']);
		expect(periodsBetween('2021-02', '2020-11')).toEqual([]);
		expect(daysFromTo('2020-02-28', '2020-03-01')).toEqual(['2020-02-28', '2020-02-29', '2020-03-01']);
		expect(() => daysFromTo('0001-01-01', '9999-12-31')).toThrow(RangeError);
	});

	it('finds the last month due before a day, or on it', () => {
		expect(lastPeriodDue('2020-03-31', 0, true)).toBe('2020-03');
		expect(lastPeriodDue('2020-03-31', 0, false)).toBe('2020-02');
		expect(lastPeriodDue('2020-03-06', 5, false)).toBe('2020-03');
		expect(lastPeriodDue('2020-03-05', 5, false)).toBe('2020-02');
	});
});
