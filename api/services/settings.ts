import { z } from 'zod';
import { setting } from '../../db/schema/index.ts';
import type { Db } from '../../db/client.ts';

/** Every setting with its default; the stored value (if any) overrides it. */
export const SETTINGS = z.object({
	/** Day of the month monthly reports are due; 0 = the last day of the month. */
	reportDueDay: z.number().int().min(0).max(31).default(0),
	attachmentMaxMb: z.number().positive().max(200).default(20),
	/** Set when demo data was loaded: the simulated history runs up to this day, the demo's "today". */
	demoDate: z.iso.date().nullable().default(null)
});

export type Settings = z.infer<typeof SETTINGS>;

export function getSettings(db: Db): Settings {
	const stored = Object.fromEntries(
		db
			.select()
			.from(setting)
			.all()
			.map((s) => [s.key, s.value])
	);
	return SETTINGS.parse(stored);
}

export function putSetting<K extends keyof Settings>(db: Db, key: K, value: Settings[K], now: Date) {
	SETTINGS.shape[key].parse(value);
	db.insert(setting)
		.values({ key, value, updatedAt: now })
		.onConflictDoUpdate({ target: setting.key, set: { value, updatedAt: now } })
		.run();
}
