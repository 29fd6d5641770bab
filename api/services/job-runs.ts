import { desc, sql } from 'drizzle-orm';
import { jobRun } from '../../db/schema/index.ts';
import type { ServiceContext } from '../context.ts';
import { assertRole } from './access.ts';

export async function listJobRuns(ctx: ServiceContext, f: { page: number; pageSize: number }) {
	assertRole(ctx.actor, ['admin'], 'role.job_runs');
	const items = (
		await ctx.db
			.select()
			.from(jobRun)
			.orderBy(desc(jobRun.id))
			.limit(f.pageSize)
			.offset((f.page - 1) * f.pageSize)
	).map((r) => ({
		...r,
		scheduledAt: r.scheduledAt.toISOString(),
		startedAt: r.startedAt.toISOString(),
		finishedAt: r.finishedAt?.toISOString() ?? null
	}));
	const total = (
		await ctx.db
			.select({ n: sql<number>`count(*)` })
			.from(jobRun)
			.limit(1)
	)[0]!.n;
	return { items, total, page: f.page, pageSize: f.pageSize };
}
