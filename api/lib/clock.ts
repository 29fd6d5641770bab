/** The one source of time: `now` for instants, `today` for the business calendar date (Asia/Shanghai). */
export type Clock = { now(): Date; today(): string };

const shanghaiDate = new Intl.DateTimeFormat('en-CA', {
	timeZone: 'Asia/Shanghai',
	year: 'numeric',
	month: '2-digit',
	day: '2-digit'
});

/** The calendar date of an instant in Asia/Shanghai, whatever the server's time zone. */
export function shanghaiDay(at: Date): string {
	return shanghaiDate.format(at);
}

const DAY_MS = 86_400_000;

/**
 * The real clock, or — given a start day (replaying 2020, or the demo date) — the real clock shifted
 * by whole days so that it starts on that day in Shanghai and runs on from there.
 */
export function systemClock(startDay?: string): Clock {
	let offset = 0;
	if (startDay) {
		const realDay = shanghaiDay(new Date());
		offset =
			Math.round((Date.parse(`${startDay}T00:00:00Z`) - Date.parse(`${realDay}T00:00:00Z`)) / DAY_MS) *
			DAY_MS;
	}
	const now = () => new Date(Date.now() + offset);
	return { now, today: () => shanghaiDay(now()) };
}

/** A clock for tests and replays that only moves when told to. */
export function manualClock(start: Date) {
	let current = start.getTime();
	return {
		now: () => new Date(current),
		today: () => shanghaiDay(new Date(current)),
		advance(ms: number) {
			current += ms;
		},
		set(at: Date) {
			current = at.getTime();
		}
	};
}
