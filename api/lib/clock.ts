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

export function systemClock(fixedToday?: string): Clock {
	return {
		now: () => new Date(),
		today: () => fixedToday ?? shanghaiDay(new Date())
	};
}

/** A clock for tests and replays that only moves when told to. */
export function manualClock(start: Date, fixedToday?: string) {
	let current = start.getTime();
	return {
		now: () => new Date(current),
		today: () => fixedToday ?? shanghaiDay(new Date(current)),
		advance(ms: number) {
			current += ms;
		}
	};
}
