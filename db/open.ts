import { closeDb, openDb } from './client.ts';
import { openPg, type PgDb } from './pg/client.ts';

/** Where the database is: `DATABASE_URL` (PostgreSQL) when set, else the SQLite file in the data folder. */
export type DatabaseTarget = { databaseUrl: string | undefined; dbFile: string };

export type OpenDatabase =
	| { dialect: 'sqlite'; db: ReturnType<typeof openDb>; close(): Promise<void> }
	| { dialect: 'postgres'; db: PgDb; close(): Promise<void> };

/** Opens and migrates the configured database. */
export async function openDatabase(target: DatabaseTarget): Promise<OpenDatabase> {
	if (target.databaseUrl) {
		const db = await openPg(target.databaseUrl);
		return { dialect: 'postgres', db, close: () => db.$client.end() };
	}
	const db = openDb(target.dbFile);
	return {
		dialect: 'sqlite',
		db,
		close: async () => closeDb(db)
	};
}
