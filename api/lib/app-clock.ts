import type { Config } from '../config.ts';
import type { Db } from '../../db/client.ts';
import { getSettings } from '../services/settings.ts';
import { systemClock } from './clock.ts';

/** DUBAN_TODAY wins; a demo database starts on its demo date; otherwise the real calendar. */
export async function appClock(config: Config, db: Db) {
	return systemClock(config.today ?? (await getSettings(db)).demoDate ?? undefined);
}
