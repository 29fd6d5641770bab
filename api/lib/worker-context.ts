/**
 * A service context that can cross to a worker thread: the database as its address (file or URL: the
 * worker opens its own connection), the application clock as its distance from the real one, the caller as data.
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { addressOf, type Db } from '../../db/client.ts';
import type { Config } from '../config.ts';
import type { Actor, ServiceContext } from '../context.ts';
import { shanghaiDay } from './clock.ts';

/**
 * Module loading allocates a burst of short-lived garbage (drizzle's 179 KB package.json is parsed again
 * for each of its files): left to itself V8 grows a thread's young generation to 128 MB for it and keeps
 * the pages. 48 MB (16 MB semi-spaces, V8's long-time default) holds a worker's RSS down.
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 48 };

const THREAD_START = new URL('./thread-start.ts', import.meta.url);

/** A worker thread running `entry`, started through thread-start.ts (the module hooks first). */
export function startThread(entry: URL, options: WorkerOptions = {}) {
	return new Worker(THREAD_START, { resourceLimits: WORKER_LIMITS, ...options, argv: [entry.href] });
}

export type WorkerContext = {
	dbAddress: string;
	clockOffsetMs: number;
	config: Config;
	actor: Actor | null;
	ip: string | null;
};

export function toWorkerContext(ctx: ServiceContext): WorkerContext {
	return {
		dbAddress: addressOf(ctx.db),
		clockOffsetMs: ctx.clock.now().getTime() - Date.now(),
		config: ctx.config,
		actor: ctx.actor,
		ip: ctx.ip
	};
}

/** The context again on the worker's side, on the worker's own connection. */
export function fromWorkerContext(wc: WorkerContext, db: Db): ServiceContext {
	const now = () => new Date(Date.now() + wc.clockOffsetMs);
	return {
		db,
		clock: { now, today: () => shanghaiDay(now()) },
		config: wc.config,
		actor: wc.actor,
		ip: wc.ip
	};
}
