import cron from 'node-cron';
import { shanghaiDay, type Clock } from '../api/lib/clock.ts';
import type { Config } from '../api/config.ts';
import type { Db } from '../db/client.ts';
import type { Mailer } from '../api/lib/mailer.ts';
import { getSettings } from '../api/services/settings.ts';
import type { JobDeps } from './context.ts';
import { runDaily } from './daily.ts';
import { runEvaluate } from './evaluate.ts';
import { hasRun, recordRun } from './run-log.ts';
import { runSendMail } from './send-mail.ts';
import { runLeaderDigest } from './leader-digest.ts';
import { holdWriteGate, shareWriteGate } from '../api/lib/write-gate.ts';
import { startThread, toWorkerContext } from '../api/lib/worker-context.ts';
import type { JobThreadData, JobThreadReply } from './job-thread.ts';

/** Every job by name, for the schedule and for `duban tasks run NAME`. */
export const JOBS: Record<'daily' | 'evaluate' | 'send-mail' | 'leader-digest', (deps: JobDeps) => unknown> =
	{
		daily: (deps: JobDeps) => runDaily(deps),
		evaluate: async (deps: JobDeps) => {
			const { openedAlerts: _opened, ...counts } = await runEvaluate(deps);
			return counts;
		},
		'send-mail': (deps: JobDeps) => runSendMail(deps),
		'leader-digest': (deps: JobDeps) => runLeaderDigest(deps)
	};
export type JobName = keyof typeof JOBS;

/** The schedule, in Asia/Shanghai time: the daily round at 06:00, the leaders' digest Mondays 08:00, mail every minute. */
export const SCHEDULE: { job: JobName; cron: string }[] = [
	{ job: 'daily', cron: '0 6 * * *' },
	{ job: 'leader-digest', cron: '0 8 * * 1' },
	{ job: 'send-mail', cron: '* * * * *' }
];

export type SchedulerDeps = { db: Db; clock: Clock; mailer: Mailer | null; config: Config };

export async function runJob(job: JobName, deps: SchedulerDeps, now = deps.clock.now()) {
	const jobDeps: JobDeps = {
		db: deps.db,
		now,
		mailer: deps.mailer,
		settings: await getSettings(deps.db),
		config: deps.config
	};
	return recordRun(deps.db, job, now, shanghaiDay(now), () => JOBS[job](jobDeps));
}

/** Runs a job on a worker thread (job-thread.ts) with its own connection to the same database file. */
function jobInWorker(job: JobName, deps: SchedulerDeps): Promise<void> {
	const context = toWorkerContext({ ...deps, actor: null, ip: null });
	const worker = startThread(new URL('./job-thread.ts', import.meta.url), {
		workerData: { job, context } satisfies JobThreadData
	});
	return new Promise((resolve, reject) => {
		worker.once('message', (reply: JobThreadReply) =>
			reply.ok ? resolve() : reject(new Error(reply.message))
		);
		worker.once('error', reject);
		worker.once('exit', (code) => reject(new Error(`job thread exited with code ${code}`)));
	});
}

/**
 * Starts the node-cron tasks (no overlapping runs), and catches up: if today's daily round has not run
 * (the server was down at 06:00), it runs now. Returns a stop function.
 */
export async function startScheduler(deps: SchedulerDeps) {
	const log = (job: string, err: unknown) => console.error(`[duban] 定时任务 ${job} 失败:`, err);
	// The long jobs run on a worker thread with its own connection, the gate to themselves; the mail
	// sender (network, little CPU) stays here and takes its turn with imports written by a worker.
	const run = async (job: JobName) => {
		const offThread = job !== 'send-mail';
		const release = await (offThread ? holdWriteGate() : shareWriteGate());
		try {
			if (offThread) await jobInWorker(job, deps);
			else await runJob(job, deps);
		} catch (err) {
			log(job, err);
		} finally {
			release();
		}
	};
	const tasks = SCHEDULE.map(({ job, cron: expression }) =>
		cron.schedule(expression, () => run(job), {
			name: job,
			timezone: 'Asia/Shanghai',
			noOverlap: true
		})
	);
	if (!(await hasRun(deps.db, 'daily', deps.clock.today()))) await run('daily');
	return async () => {
		for (const task of tasks) await task.destroy();
	};
}
