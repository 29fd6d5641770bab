import { sql } from 'drizzle-orm';
import { shanghaiDay } from '../api/lib/clock.ts';
import { writeReminders } from '../api/services/reminders.ts';
import type { JobDeps } from './context.ts';
import { runEvaluate } from './evaluate.ts';
import { isPostgres, query } from '../db/client.ts';

/** The daily round: evaluate the lights, then write the day's reminder digests and notifications. */
export async function runDaily(deps: JobDeps) {
	const { openedAlerts, ...evaluation } = await runEvaluate(deps);
	const reminders = await writeReminders(
		{
			db: deps.db,
			day: shanghaiDay(deps.now),
			now: deps.now,
			settings: deps.settings,
			publicUrl: deps.config.publicUrl
		},
		openedAlerts.filter((a) => a.light === 'red')
	);
	// Deleted rows (ended sessions, reset secrets) are zeroed by secure_delete in the database file; folding
	// the WAL back and truncating it removes the older copies of those pages as well. (PostgreSQL's own
	// vacuum reclaims dead rows there.)
	if (!isPostgres(deps.db)) await query(deps.db, sql`pragma wal_checkpoint(TRUNCATE)`);
	return { ...evaluation, ...reminders };
}
