import type { Db } from '../db/client.ts';
import type { Config } from './config.ts';
import type { Clock } from './lib/clock.ts';
import type { Mailer } from './lib/mailer.ts';
import type { Role } from '../db/schema/index.ts';

export type Actor = {
	id: number;
	username: string;
	name: string;
	role: Role;
	unit: { id: number; name: string } | null;
};

/** `mailer` is null when no SMTP is configured: mail then waits in the outbox. */
export type Deps = { db: Db; clock: Clock; config: Config; mailer: Mailer | null };

/**
 * What every service verb receives: the dependencies plus who is asking and from where; `requestId` (the
 * X-Request-Id) when the verb serves an HTTP request, so its log lines name the request the error body names.
 */
export type ServiceContext = Omit<Deps, 'mailer'> & {
	actor: Actor | null;
	ip: string | null;
	requestId?: string;
};

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
