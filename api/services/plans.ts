import { and, asc, eq, sql } from 'drizzle-orm';
import { indicator, plan, section, task } from '../../db/schema/index.ts';
import { prepared } from '../../db/client.ts';
import type { ServiceContext } from '../context.ts';
import { notFound } from '../errors.ts';
import { visibleIndicators } from './access.ts';

export async function listPlans(ctx: ServiceContext) {
	const counts = await ctx.db
		.select({ planId: indicator.planId, n: sql<number>`count(*)` })
		.from(indicator)
		.where(visibleIndicators(ctx.actor!))
		.groupBy(indicator.planId);
	return (
		await ctx.db
			.select({
				id: plan.id,
				title: plan.title,
				year: plan.year,
				docNumber: plan.docNumber,
				issuer: plan.issuer,
				issuedOn: plan.issuedOn
			})
			.from(plan)
			.orderBy(asc(plan.year), asc(plan.id))
	).map((p) => ({ ...p, indicators: counts.find((c) => c.planId === p.id)?.n ?? 0 }));
}

/**
 * The first month anything can be reported for: January of the earliest plan's year (no 2019 for a 2020
 * plan). Month pickers and the unit's 12-month strip start there; null while there is no plan.
 */
export async function firstPlanMonth(db: ServiceContext['db']): Promise<string | null> {
	return planMonthOf((await firstPlanYear(db).execute())[0]?.year ?? null);
}

/** `firstPlanMonth` of the earliest plan's year (read with something else: the report form). */
export const planMonthOf = (year: number | null) => (year ? `${year}-01` : null);

/** Prepared: every report form shows it. */
const firstPlanYear = prepared((db) =>
	db
		.select({ year: sql<number | null>`min(${plan.year})` })
		.from(plan)
		.limit(1)
		.prepare()
);

/** One plan with its section tree; counts are of the indicators the caller may see. */
export async function getPlan(ctx: ServiceContext, id: number) {
	const row = (await ctx.db.select().from(plan).where(eq(plan.id, id)).limit(1))[0];
	if (!row) throw notFound('plan');
	const visible = visibleIndicators(ctx.actor!);
	const counts = await ctx.db
		.select({
			sectionId: task.sectionId,
			tasks: sql<number>`count(distinct ${task.id})`,
			indicators: sql<number>`count(*)`
		})
		.from(indicator)
		.innerJoin(task, eq(task.id, indicator.taskId))
		.where(and(eq(indicator.planId, id), visible))
		.groupBy(task.sectionId);
	const countOf = (sectionId: number) => counts.find((c) => c.sectionId === sectionId);
	const sections = await ctx.db
		.select()
		.from(section)
		.where(eq(section.planId, id))
		.orderBy(asc(section.position));
	const tree = sections
		.filter((s) => s.level === 1)
		.map((s1) => {
			const children = sections
				.filter((s2) => s2.parentId === s1.id)
				.map((s2) => ({
					id: s2.id,
					name: s2.name,
					tasks: countOf(s2.id)?.tasks ?? 0,
					indicators: countOf(s2.id)?.indicators ?? 0
				}));
			const own = countOf(s1.id);
			return {
				id: s1.id,
				name: s1.name,
				tasks: children.reduce((n, c) => n + c.tasks, own?.tasks ?? 0),
				indicators: children.reduce((n, c) => n + c.indicators, own?.indicators ?? 0),
				children
			};
		});
	return { ...row, createdAt: row.createdAt.toISOString(), sections: tree };
}

/** Headline figures of a plan as of the application's today (the dashboards build on these). */
export async function planStats(ctx: ServiceContext, id: number) {
	await getPlan(ctx, id);
	const today = ctx.clock.today();
	const row = (
		await ctx.db
			.select({
				indicators: sql<number>`count(*)`,
				completedOnTime: sql<number>`count(*) filter (where ${indicator.status} = 'completed' and (${indicator.originalDueOn} is null or ${indicator.completedOn} <= ${indicator.originalDueOn}))`,
				completedLate: sql<number>`count(*) filter (where ${indicator.status} = 'completed' and ${indicator.completedOn} > ${indicator.originalDueOn})`,
				open: sql<number>`count(*) filter (where ${indicator.status} = 'open')`,
				overdue: sql<number>`count(*) filter (where ${indicator.status} = 'open' and ${indicator.dueOn} < ${today})`
			})
			.from(indicator)
			.where(and(eq(indicator.planId, id), visibleIndicators(ctx.actor!)))
			.limit(1)
	)[0]!;
	return { today, ...row };
}
