import { writeLeaderDigest } from '../api/services/leader-digest.ts';
import type { JobContext } from './context.ts';

/** The leaders' weekly digest of red items and the week's bulletins, for the day the job runs for. */
export function runLeaderDigest(ctx: JobContext) {
	return writeLeaderDigest(ctx);
}
