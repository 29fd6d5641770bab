import { shanghaiDay } from '../api/lib/clock.ts';
import { writeLeaderDigest } from '../api/services/leader-digest.ts';
import type { JobDeps } from './context.ts';

/** The leaders' weekly digest of red items and the week's bulletins, for the day of `now`. */
export function runLeaderDigest({ db, now, config }: JobDeps) {
	return writeLeaderDigest({ db, day: shanghaiDay(now), now, publicUrl: config.publicUrl });
}
