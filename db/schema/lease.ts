import { sqliteTable, integer, text } from 'drizzle-orm/sqlite-core';

/**
 * Who runs the scheduled jobs (on SQLite; PostgreSQL uses an advisory lock instead): one row per role,
 * held by one process until `expires_at`; the holder renews it, a standby takes it once it has expired.
 */
export const jobLease = sqliteTable('job_lease', {
	name: text('name').primaryKey(),
	holder: text('holder').notNull(),
	expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
	acquiredAt: integer('acquired_at', { mode: 'timestamp_ms' }).notNull()
});
