import { createMiddleware } from 'hono/factory';
import type { Config } from '../config.ts';
import type { Env } from '../context.ts';
import { fail } from '../errors.ts';
import { admission } from '../lib/admission.ts';
import { shareWriteGate } from '../lib/write-gate.ts';
import { routeKey } from './route-key.ts';

/** Imports, exports and documents: the routes that wait in the bounded line (keyed like the router). */
export const HEAVY_ROUTES = new Set([
	'POST /api/v1/imports',
	'GET /api/v1/imports/template',
	'POST /api/v1/bulletins',
	'GET /api/v1/plans/:id/export',
	'GET /api/v1/indicators/export',
	'GET /api/v1/reports/export',
	'GET /api/v1/audit/export',
	'GET /api/v1/bulletins/:id/export'
]);

/** These take the write gate themselves, for their worker's writes (import-worker.ts, writeInWorker). */
const OWN_WRITE_TURN = new Set(['POST /api/v1/imports', 'POST /api/v1/bulletins']);

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A request that may write takes its turn at the write gate for as long as it runs, so that it never
 * meets a worker's write transaction inside SQLite (write-gate.ts). Reads go straight through.
 */
export const writeTurns = createMiddleware<Env>(async (c, next) => {
	if (SAFE_METHODS.has(c.req.method) || OWN_WRITE_TURN.has(routeKey(c) ?? '')) return next();
	const release = await shareWriteGate();
	try {
		await next();
	} finally {
		release();
	}
});

/**
 * Not in the line: liveness (a supervisor or proxy asking must not wait), and uploads, whose bodies arrive
 * at the client's pace and would hold a place in the line meanwhile.
 */
const UNQUEUED = new Set(['GET /api/v1/health', 'POST /api/v1/attachments']);

/**
 * Every other request waits its turn in arrival order: at most `REQUESTS_AT_ONCE` are worked on at once
 * (their awaits interleave), the rest wait, holding only their connection and headers, until one ends.
 * Without it a rush has every request in progress at once: each holds its body, queries and answer in
 * memory, and one that awaits a write turn falls behind those that arrived after it. Heavy work has its
 * own line below.
 */
export function arrivalOrder(config: Pick<Config, 'requestsAtOnce'>) {
	const line = admission({ running: config.requestsAtOnce, waiting: Infinity });
	return createMiddleware<Env>(async (c, next) => {
		const key = routeKey(c) ?? '';
		if (UNQUEUED.has(key) || HEAVY_ROUTES.has(key)) return next();
		const release = (await line.enter())!;
		try {
			await next();
		} finally {
			release();
		}
	});
}

/**
 * At most `HEAVY_JOBS` imports, exports and documents at once and `HEAVY_QUEUE` more waiting, served in
 * arrival order; beyond that a clear 503 with Retry-After instead of waiting without end.
 */
export function heavyWork(config: Pick<Config, 'heavyJobs' | 'heavyQueue'>) {
	const line = admission({ running: config.heavyJobs, waiting: config.heavyQueue });
	return createMiddleware<Env>(async (c, next) => {
		if (!HEAVY_ROUTES.has(routeKey(c) ?? '')) return next();
		const release = await line.enter();
		if (!release) {
			const seconds = line.retryAfterSeconds();
			throw fail(
				'service_unavailable',
				'heavy_work.queue_full',
				{ seconds },
				{ reason: 'heavy_work_queue_full', retryAfterSeconds: seconds }
			);
		}
		try {
			await next();
		} finally {
			release();
		}
	});
}
