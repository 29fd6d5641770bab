import type { Db } from '../db/client.ts';
import type { Config } from '../api/config.ts';
import type { Mailer } from '../api/lib/mailer.ts';
import type { Settings } from '../api/services/settings.ts';

/** What every job gets: the database, the instant it runs for, the mailer (null: keep mail queued), settings. */
export type JobDeps = {
	db: Db;
	now: Date;
	mailer: Mailer | null;
	settings: Settings;
	config: Pick<Config, 'publicUrl' | 'mailFrom'>;
};
