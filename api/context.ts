import type { Db } from '../db/client.ts';
import type { Config } from './config.ts';
import type { Clock } from './lib/clock.ts';
import type { Mailer } from './lib/mailer.ts';
import type { Role } from '../db/schema/index.ts';
import type { JobName } from '../web/src/lib/rules/jobs.ts';

/** A signed-in user (or a service account's token) acting through a route, or the CLI acting as one. */
export type Actor = {
	kind: 'user';
	id: number;
	username: string;
	name: string;
	role: Role;
	unit: { id: number; name: string } | null;
};

/** The system running a scheduled job (tasks/): its mutations are audited as `system:<job>`. */
export type SystemActor = { kind: 'system'; job: JobName };

/** `mailer` is null when no SMTP is configured: mail then waits in the outbox. */
export type Deps = { db: Db; clock: Clock; config: Config; mailer: Mailer | null };

/**
 * What every service verb receives: the dependencies plus who is asking and from where. Who is asking is
 * a user (or nobody yet: a sign-in, the console's first accounts) by default; a service the scheduled
 * jobs call too takes `ServiceContext<Caller>`, so the system reaches only the services written for it.
 */
export type ServiceContext<A extends Caller | null = Actor | null> = Omit<Deps, 'mailer'> & {
	actor: A;
	ip: string | null;
	/** The X-Request-Id when the verb serves an HTTP request, so its log lines name the request the error body names. */
	requestId?: string;
};

/** Who a mutation is audited as: a user, or the system running a job. */
export type Caller = Actor | SystemActor;

export type Env = {
	Variables: {
		deps: Deps;
		actor: Actor | null;
		sessionId: string | null;
		/** What the signed-in user must do first (change the password, enrol TOTP) before anything else. */
		pending: 'password' | 'totp' | null;
		ip: string | null;
		/** The request's id (`X-Request-Id`), in every error body and log line. */
		requestId: string;
	};
};
