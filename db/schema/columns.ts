import { integer } from 'drizzle-orm/sqlite-core';
import { sql } from 'drizzle-orm';

/** UTC instant in epoch milliseconds, defaulting to the insert time; shown in +08:00 by the UI. */
export const insertedAt = (name = 'created_at') =>
	integer(name, { mode: 'timestamp_ms' })
		.notNull()
		.default(sql`(cast(unixepoch('subsec') * 1000 as integer))`);
