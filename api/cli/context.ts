import { loadConfig, type Config } from '../config.ts';
import { closeDb, openDb } from '../../db/client.ts';
import { appClock } from '../lib/app-clock.ts';
import type { ServiceContext } from '../context.ts';

export type CliContext = ServiceContext & { config: Config; close(): void };

/** Opens the data folder's database (creating and migrating it) for one command-line run. */
export async function cliContext(): Promise<CliContext> {
	const config = loadConfig();
	const db = openDb(config.dbFile);
	return {
		db,
		config,
		clock: await appClock(config, db),
		actor: null,
		ip: 'cli',
		close: () => closeDb(db)
	};
}

export class UsageError extends Error {}
