import { and, eq } from 'drizzle-orm';
import { jobRun } from '../db/schema/index.ts';
import { type Db, withTransaction } from '../db/client.ts';
import type { JobContext } from './context.ts';

/** Records a job run (start, end, outcome, counts); a failure is recorded and rethrown. */
export async function recordRun<T>(ctx: JobContext, run: () => T | Promise<T>): Promise<T> {
	const { db } = ctx;
	const job = ctx.actor.job;
	const scheduledAt = ctx.clock.now();
	const day = ctx.clock.today();
	const id = await withTransaction({ db }, async ({ db }) => {
		const [row] = await db
			.insert(jobRun)
			.values({ job, day, scheduledAt, startedAt: new Date(), outcome: 'running' })
			.returning({ id: jobRun.id });
		return row!.id;
	});
	try {
		const result = await run();
		await withTransaction({ db }, ({ db }) =>
			db
				.update(jobRun)
				.set({ finishedAt: new Date(), outcome: 'ok', counts: result })
				.where(eq(jobRun.id, id))
		);
		return result;
	} catch (err) {
		await withTransaction({ db }, ({ db }) =>
			db
				.update(jobRun)
				.set({
					finishedAt: new Date(),
					outcome: 'failed',
					error: String((err as Error).stack ?? err).slice(0, 2000)
				})
				.where(eq(jobRun.id, id))
		);
		throw err;
	}
}

export async function hasRun(db: Db, job: string, day: string): Promise<boolean> {
	return !!(
		await db
			.select({ id: jobRun.id })
			.from(jobRun)
			.where(and(eq(jobRun.job, job), eq(jobRun.day, day), eq(jobRun.outcome, 'ok')))
			.limit(1)
	)[0];
}
