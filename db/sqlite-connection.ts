import Database from 'better-sqlite3';

/** How long a writer waits for another connection's write lock before SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 60_000;

/** A connection to the SQLite file with the pragmas every connection of the app has. */
export function sqliteConnection(file: string) {
	const sqlite = new Database(file);
	sqlite.pragma('journal_mode = WAL');
	sqlite.pragma('foreign_keys = ON');
	// The WAL is not fsynced inside COMMIT (that held the write lock and the event loop for the disk):
	// withTransaction answers a transaction only once flushWal has, so what it confirms survives a power
	// cut as with FULL. NORMAL still syncs around checkpoints, which keeps the file consistent.
	sqlite.pragma('synchronous = NORMAL');
	// Another process's write transaction (a large import's, in a web process next to this one) holds the
	// file's one write lock for seconds: a writer here waits for it instead of failing.
	sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
	// Deleted rows (sessions, drafts) are overwritten, not left readable in free pages.
	sqlite.pragma('secure_delete = ON');
	return sqlite;
}
