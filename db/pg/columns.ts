import { customType } from 'drizzle-orm/pg-core';

/**
 * An instant as epoch milliseconds in a bigint, read and written as a Date: the same values and the same
 * JavaScript type as SQLite's `integer({ mode: 'timestamp_ms' })`, so raw comparisons with `Date.now()`
 * and the audit hash (which covers the number) hold on both databases.
 */
export const timestampMs = customType<{ data: Date; driverData: string | number }>({
	dataType: () => 'bigint',
	toDriver: (value) => value.getTime(),
	fromDriver: (value) => new Date(Number(value))
});
