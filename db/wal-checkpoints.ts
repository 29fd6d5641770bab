import type Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { sqliteConnection } from './sqlite-connection.ts';

/**
 * The WAL's pages a web process lets grow before its own commit copies them back into the database file,
 * when the supervisor does that (`checkpointWal`): a backstop should the supervisor fall behind. SQLite's
 * default of 1,000 pages made about one save in thirty copy 4 MB and sync the file inside its COMMIT
 * (11–13 ms measured, with the file's write lock held and the process's event loop stopped meanwhile).
 */
export const SUPERVISED_AUTOCHECKPOINT_PAGES = 10_000;

/** How often the supervisor copies committed pages from the WAL into the database file. */
const CHECKPOINT_EVERY_MS = 200;

/**
 * Copies the WAL's committed pages into the SQLite file `file` every CHECKPOINT_EVERY_MS, on a
 * connection of this process (the supervisor of several web processes, which serves no requests): a
 * PASSIVE checkpoint waits for no reader or writer, and the web processes' commits no longer do this work.
 * Returns the stop.
 */
export function checkpointWal(file: string): () => void {
	let db: Database.Database | null = null;
	let failed = false;
	const timer = setInterval(() => {
		try {
			// The web processes create and migrate the file: until then there is nothing to copy.
			db ??= existsSync(file) ? sqliteConnection(file) : null;
			db?.pragma('wal_checkpoint(PASSIVE)');
			failed = false;
		} catch (err) {
			// Said once a run of failures: the web processes' own checkpoints (the backstop) go on meanwhile.
			if (!failed) console.error(`[duban] WAL 检查点失败：${String(err)}`);
			failed = true;
		}
	}, CHECKPOINT_EVERY_MS);
	timer.unref();
	return () => {
		clearInterval(timer);
		db?.close();
	};
}
