import type { Db } from '../db/client.ts';
import type { Config } from './config.ts';
import type { Clock } from './lib/clock.ts';
import type { Role } from '../db/schema/index.ts';

export type Actor = {
	id: number;
	username: string;
	name: string;
	role: Role;
	unit: { id: number; name: string } | null;
};

export type Deps = { db: Db; clock: Clock; config: Config };

/** What every service verb receives: the dependencies plus who is asking and from where. */
export type ServiceContext = Deps & { actor: Actor | null; ip: string | null };

export type Env = {
	Variables: {
		deps: Deps;
		actor: Actor | null;
		sessionId: string | null;
		ip: string | null;
	};
};
