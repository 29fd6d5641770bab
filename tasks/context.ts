import type { Deps, ServiceContext, SystemActor } from '../api/context.ts';
import { manualClock } from '../api/lib/clock.ts';
import type { Mailer } from '../api/lib/mailer.ts';
import type { JobName } from '../web/src/lib/rules/jobs.ts';

/**
 * What every job gets: the service context of the system running it — the routes' services take it as
 * they take a user's, and audit its writes as `system:<job>` — with the clock stopped at the instant the
 * job runs for, and the mailer (null: mail stays queued).
 */
export type JobContext = ServiceContext<SystemActor> & { mailer: Mailer | null };

export function jobContext(deps: Deps, job: JobName, now: Date): JobContext {
	return {
		db: deps.db,
		clock: manualClock(now),
		config: deps.config,
		mailer: deps.mailer,
		actor: { kind: 'system', job },
		ip: null
	};
}
