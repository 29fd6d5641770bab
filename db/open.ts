import { closeDb, connect, openDb, type Db } from './client.ts';

/**
 * Where the database is: `DATABASE_URL` (PostgreSQL) when set, else the SQLite file in the data folder;
 * `siblingWriters`: a web process of several (api/processes.ts), which take turns at the file's write lock.
 */
export type DatabaseTarget = { databaseUrl: string | undefined; dbFile: string; siblingWriters?: boolean };

export type OpenDatabase = { dialect: 'sqlite' | 'postgres'; db: Db; close(): Promise<void> };

const isUrl = (address: string) => /^postgres(ql)?:\/\//.test(address);

/** Opens and migrates the configured database (PostgreSQL's driver is loaded only when it is the one). */
export async function openDatabase(target: DatabaseTarget): Promise<OpenDatabase> {
	if (target.databaseUrl) {
		const { openPg, pgAsDb } = await import('./pg/client.ts');
		const pg = await openPg(target.databaseUrl, { readOnly: true });
		return { dialect: 'postgres', db: pgAsDb(pg, target.databaseUrl), close: () => pg.$client.end() };
	}
	const db = openDb(target.dbFile, { siblingWriters: target.siblingWriters });
	return { dialect: 'sqlite', db, close: async () => closeDb(db) };
}

/**
 * Connects a worker thread to an already migrated database at `address` (db/client.ts addressOf): a
 * small pool of its own on PostgreSQL, its own connections on the SQLite file.
 */
export async function connectDatabase(address: string): Promise<{ db: Db; close(): Promise<void> }> {
	if (isUrl(address)) {
		const { connectPg, pgAsDb } = await import('./pg/client.ts');
		const pg = connectPg(address, { max: 2, readOnly: true });
		return { db: pgAsDb(pg, address), close: () => pg.$client.end() };
	}
	const db = connect(address);
	return { db, close: async () => closeDb(db) };
}
