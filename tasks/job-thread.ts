/**
 * A scheduled job on a worker thread (startScheduler): the daily round evaluates every light and writes
 * the day's reminders — seconds of synchronous work at province scale — on its own SQLite connection,
 * so the request thread keeps serving meanwhile. Mail it queues is sent by the send-mail job.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { connectDatabase } from '../db/open.ts';
import type { Config } from '../api/config.ts';
import { fromWorkerContext, type WorkerContext } from '../api/lib/worker-context.ts';
import type { JobName } from '../web/src/lib/rules/jobs.ts';
import { runJob } from './index.ts';

export type JobThreadData = { job: JobName; context: WorkerContext };
export type JobThreadReply = { ok: true } | { ok: false; message: string };

const { job, context } = workerData as JobThreadData;
const { db, close } = await connectDatabase(context.dbAddress);
const { clock } = fromWorkerContext(context, db);
try {
	await runJob(job, { db, clock, mailer: null, config: context.config as Config });
	parentPort!.postMessage({ ok: true } satisfies JobThreadReply);
} catch (err) {
	parentPort!.postMessage({ ok: false, message: (err as Error).message } satisfies JobThreadReply);
} finally {
	await close();
}
