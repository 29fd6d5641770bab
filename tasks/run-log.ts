import { and, eq } from 'drizzle-orm';
import { jobRun } from '../db/schema/index.ts';
import type { Db } from '../db/client.ts';

/** Records a job run (start, end, outcome, counts); a failure is recorded and rethrown. */
export async function recordRun<T>(
	db: Db,
	job: string,
	scheduledAt: Date,
	day: string,
	run: () => T | Promise<T>
): Promise<T> {
	const id = db
		.insert(jobRun)
		.values({ job, day, scheduledAt, startedAt: new Date(), outcome: 'running' })
		.returning({ id: jobRun.id })
		.get().id;
	try {
		const result = await run();
		db.update(jobRun)
			.set({ finishedAt: new Date(), outcome: 'ok', counts: result })
			.where(eq(jobRun.id, id))
			.run();
		return result;
	} catch (err) {
		db.update(jobRun)
			.set({
				finishedAt: new Date(),
				outcome: 'failed',
				error: String((err as Error).stack ?? err).slice(0, 2000)
			})
			.where(eq(jobRun.id, id))
			.run();
		throw err;
	}
}

export function hasRun(db: Db, job: string, day: string): boolean {
	return !!db
		.select({ id: jobRun.id })
		.from(jobRun)
		.where(and(eq(jobRun.job, job), eq(jobRun.day, day), eq(jobRun.outcome, 'ok')))
		.get();
}
