import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeDb, openDb, type Db } from '../../db/client.ts';

/** A fresh, migrated database for a test that works on the data layer itself; `close` removes it. */
export function freshDb(): { db: Db; close(): void } {
	const dir = mkdtempSync(join(tmpdir(), 'duban-db-'));
	const db = openDb(join(dir, 'duban.db'));
	return {
		db,
		close() {
			closeDb(db);
			rmSync(dir, { recursive: true, force: true });
		}
	};
}
