// Runs one measured phase in its own process, so that peak memory (maxRSS) belongs to that phase alone.
// Usage: node test/bench/phase.ts PHASE DATA_DIR [ARG]  → prints {"ms":…, "peak_rss_mb":…, …}
// (on DATABASE_URL's database when set: test/bench/database.ts).
import { loadConfig } from '../../api/config.ts';
import { openDatabase } from '../../db/open.ts';
import { addDays } from '../../api/lib/dates.ts';
import { runJob } from '../../tasks/index.ts';
import { manualClock } from '../../api/lib/clock.ts';
import { benchDatabaseEnv } from './database.ts';

const [phase, dataDir, arg] = process.argv.slice(2);
const config = loadConfig({ DATA_DIR: dataDir, SECURE_COOKIES: '0', ...benchDatabaseEnv() });
const { db, close } = await openDatabase(config);
const morning = (day: string) => new Date(`${day}T06:00:00+08:00`);
const started = performance.now();
const extra: Record<string, unknown> = {};

if (phase === 'daily') {
	const day = arg ?? '2020-10-15';
	extra.result = await runJob(
		'daily',
		{ db, config, clock: manualClock(morning(day)), mailer: null },
		morning(day)
	);
} else if (phase === 'replay') {
	let days = 0;
	for (let day = '2020-01-01'; day <= '2020-12-31'; day = addDays(day, 1), days++) {
		await runJob('daily', { db, config, clock: manualClock(morning(day)), mailer: null }, morning(day));
	}
	extra.days = days;
} else {
	throw new Error(`unknown phase ${phase}`);
}
console.log(
	JSON.stringify({
		ms: Math.round(performance.now() - started),
		peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
		...extra
	})
);
await close();
