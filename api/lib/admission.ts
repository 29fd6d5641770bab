/**
 * A bounded line in front of expensive work: at most `running` at a time, at most `waiting` in line in
 * arrival order; anyone beyond that is turned away at once (the caller answers 503 with Retry-After)
 * instead of waiting without end.
 */
export type Admission = {
	/** Resolves with the release once admitted; null when the line is full. */
	enter(): Promise<(() => void) | null>;
	/** Seconds a new arrival would likely wait: the line ahead of it times the recent duration of one job. */
	retryAfterSeconds(): number;
	readonly state: { running: number; waiting: number };
};

export function admission(limits: { running: number; waiting: number }): Admission {
	let running = 0;
	const line: (() => void)[] = [];
	// Recent job duration (exponentially weighted), for Retry-After.
	let typicalMs = 2_000;

	const start = (): (() => void) => {
		running++;
		const began = performance.now();
		let done = false;
		return () => {
			if (done) return;
			done = true;
			typicalMs = typicalMs * 0.7 + (performance.now() - began) * 0.3;
			running--;
			line.shift()?.();
		};
	};

	return {
		async enter() {
			if (running < limits.running && line.length === 0) return start();
			if (line.length >= limits.waiting) return null;
			return new Promise((resolve) => line.push(() => resolve(start())));
		},
		retryAfterSeconds() {
			const ahead = running + line.length;
			return Math.min(120, Math.max(1, Math.ceil((ahead / limits.running) * (typicalMs / 1000))));
		},
		get state() {
			return { running, waiting: line.length };
		}
	};
}
