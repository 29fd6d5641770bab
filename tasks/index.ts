import cron from 'node-cron';
import type { Deps } from '../api/context.ts';
import type { JobName } from '../web/src/lib/rules/jobs.ts';
import { jobContext, type JobContext } from './context.ts';
import { runDaily } from './daily.ts';
import { runEvaluate } from './evaluate.ts';
import { hasRun, recordRun } from './run-log.ts';
import { runSendMail } from './send-mail.ts';
import { runLeaderDigest } from './leader-digest.ts';
import { startLeadership } from './leader.ts';
import { holdWriteGate, shareWriteGate } from '../api/lib/write-gate.ts';
import { startThread, toWorkerContext } from '../api/lib/worker-context.ts';
import type { JobThreadData, JobThreadReply } from './job-thread.ts';

/** Every job by name, for the schedule and for `duban tasks run NAME`. */
export const JOBS: Record<JobName, (ctx: JobContext) => unknown> = {
	daily: (ctx) => runDaily(ctx),
	evaluate: async (ctx) => {
		const { openedAlerts: _opened, ...counts } = await runEvaluate(ctx);
		return counts;
	},
	'send-mail': (ctx) => runSendMail(ctx),
	'leader-digest': (ctx) => runLeaderDigest(ctx)
};

/** The schedule, in Asia/Shanghai time: the daily round at 06:00, the leaders' digest Mondays 08:00, mail every minute. */
export const SCHEDULE: { job: JobName; cron: string }[] = [
	{ job: 'daily', cron: '0 6 * * *' },
	{ job: 'leader-digest', cron: '0 8 * * 1' },
	{ job: 'send-mail', cron: '* * * * *' }
];

/** Runs a job as the system, for the instant `now`, and records the run. */
export async function runJob(job: JobName, deps: Deps, now = deps.clock.now()) {
	const ctx = jobContext(deps, job, now);
	return recordRun(ctx, () => JOBS[job](ctx));
}

/** Runs a job on a worker thread (job-thread.ts) with its own connection to the same database file. */
function jobInWorker(job: JobName, deps: Deps): Promise<void> {
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
 * (the server was down at 06:00), it runs now; then the mail waiting in the outbox goes out at once (a
 * standby that just took over does not wait for the minute). Returns a stop function.
 */
export async function startScheduler(deps: Deps) {
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
	await run('send-mail');
	return async () => {
		for (const task of tasks) await task.destroy();
	};
}

/**
 * Runs the schedule while this process leads the job runners that share the database (leader.ts: a
 * PostgreSQL advisory lock, or SQLite's lease row). Any number of workers may run: one leads, the others
 * stand by and one of them takes over within the lease when the leader dies. A round in progress when the
 * leadership is lost finishes; the outbox's dedupe keys keep a second round of the day from mailing twice.
 */
export function startJobs(deps: Deps): () => Promise<void> {
	let started: Promise<(() => Promise<void>) | null> = Promise.resolve(null);
	const log = (text: string) => console.log(`[duban] ${text}（进程 ${process.pid}）`);
	const leadership = startLeadership(deps.config, {
		name: 'jobs',
		leaseMs: deps.config.jobLeaseMs,
		renewMs: Math.max(100, Math.round(deps.config.jobLeaseMs / 3)),
		onElected: () => {
			log('成为定时任务主进程，开始运行定时任务');
			// Not awaited: a catch-up round takes a while, and the lease must be renewed meanwhile.
			started = startScheduler(deps).catch((err: unknown) => {
				console.error('[duban] 定时任务启动失败:', err);
				return null;
			});
		},
		onLost: async () => {
			const stop = await started;
			started = Promise.resolve(null);
			await stop?.();
			log('不再是定时任务主进程，已停止定时任务');
		}
	});
	log('定时任务进程已就绪，正在竞选主进程');
	return () => leadership.stop();
}
