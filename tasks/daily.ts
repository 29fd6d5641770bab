import { sql } from 'drizzle-orm';
import { writeReminders } from '../api/services/reminders.ts';
import type { JobContext } from './context.ts';
import { runEvaluate } from './evaluate.ts';
import { isPostgres, query } from '../db/client.ts';

/** The daily round: evaluate the lights, then write the day's reminder digests and notifications. */
export async function runDaily(ctx: JobContext) {
	const { openedAlerts, ...evaluation } = await runEvaluate(ctx);
	const reminders = await writeReminders(
		ctx,
		openedAlerts.filter((a) => a.light === 'red')
	);
	// Deleted rows (ended sessions, reset secrets) are zeroed by secure_delete in the database file; folding
	// the WAL back and truncating it removes the older copies of those pages as well. (PostgreSQL's own
	// vacuum reclaims dead rows there.)
	if (!isPostgres(ctx.db)) await query(ctx.db, sql`pragma wal_checkpoint(TRUNCATE)`);
	return { ...evaluation, ...reminders };
}
