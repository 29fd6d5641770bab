import { loadConfig, type Config } from '../config.ts';
import { openDatabase } from '../../db/open.ts';
import { appClock } from '../lib/app-clock.ts';
import type { ServiceContext } from '../context.ts';

export type CliContext = ServiceContext & { config: Config; close(): Promise<void> };

/** Opens the configured database (DATABASE_URL, else the data folder's; migrated) for one command-line run. */
export async function cliContext(): Promise<CliContext> {
	const config = loadConfig();
	const { db, close } = await openDatabase(config);
	return {
		db,
		config,
		clock: await appClock(config, db),
		actor: null,
		ip: 'cli',
		close
	};
}

export class UsageError extends Error {}
