/**
 * Sliding-window rate limits, kept in memory per database connection (so per server process and per
 * test database): a guard against bursts, not an invariant, so several web instances each allow the limit.
 */
const windows = new WeakMap<object, Map<string, number[]>>();

/**
 * Takes one of `limit` slots per `windowMs` for `key` at `now` (ms). Answers 0 when taken, else how many
 * ms until the oldest slot frees (nothing is taken then).
 */
export function takeSlot(owner: object, key: string, now: number, limit: number, windowMs: number): number {
	let byKey = windows.get(owner);
	if (!byKey) windows.set(owner, (byKey = new Map()));
	// A clock set back (a replay) forgets what lies ahead of it.
	const recent = (byKey.get(key) ?? []).filter((at) => at > now - windowMs && at <= now);
	if (recent.length >= limit) {
		byKey.set(key, recent);
		return recent[0]! + windowMs - now;
	}
	recent.push(now);
	byKey.set(key, recent);
	return 0;
}
