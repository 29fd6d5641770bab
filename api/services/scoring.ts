import { and, desc, eq, sql } from 'drizzle-orm';
import { scoreAdjustment, unit } from '../../db/schema/index.ts';
import type { ServiceContext } from '../context.ts';
import { fail, notFound } from '../errors.ts';
import { assertPeriod } from '../lib/dates.ts';
import { assertProvincialOffice, assertRole, visibleUnits } from './access.ts';
import { audit } from './audit.ts';
import { getSettings, putSetting, SETTINGS } from './settings.ts';
import { withTransaction } from '../../db/client.ts';

/** The settings the office weighs units by (ranking.ts): weights, categories, the rectification time. */
export const SCORING_KEYS = [
	'scoreMissingReport',
	'scoreLateReport',
	'scoreBehind',
	'scoreRedLead',
	'scoreRedCo',
	'scoreReturned',
	'rankingCategories',
	'rectificationDays'
] as const;
export const SCORING = SETTINGS.pick(
	Object.fromEntries(SCORING_KEYS.map((k) => [k, true])) as { [K in (typeof SCORING_KEYS)[number]]: true }
);

export async function getScoring(ctx: ServiceContext) {
	assertRole(ctx.actor, ['office', 'leader'], 'role.scoring');
	return SCORING.parse(await getSettings(ctx.db));
}

export async function updateScoring(
	ctx: ServiceContext,
	patch: Partial<Awaited<ReturnType<typeof getScoring>>>
) {
	assertProvincialOffice(ctx.actor);
	const before = SCORING.parse(await getSettings(ctx.db));
	const now = ctx.clock.now();
	await withTransaction(ctx, async (tx) => {
		for (const key of SCORING_KEYS)
			if (patch[key] !== undefined) await putSetting(tx.db, key, patch[key] as never, now);
		await audit(tx, {
			action: 'scoring.update',
			objectType: 'setting',
			before,
			after: { ...before, ...patch }
		});
	});
	return SCORING.parse(await getSettings(ctx.db));
}

export async function listAdjustments(ctx: ServiceContext, period: string) {
	assertRole(ctx.actor, ['office', 'leader'], 'role.scoring');
	assertPeriod(period);
	return (
		await ctx.db
			.select({
				id: scoreAdjustment.id,
				period: scoreAdjustment.period,
				unitId: scoreAdjustment.unitId,
				unitName: unit.name,
				points: scoreAdjustment.points,
				reason: scoreAdjustment.reason,
				createdAt: scoreAdjustment.createdAt
			})
			.from(scoreAdjustment)
			.innerJoin(unit, eq(unit.id, scoreAdjustment.unitId))
			.where(and(eq(scoreAdjustment.period, period), visibleUnits(ctx.actor, sql`${scoreAdjustment.unitId}`)))
			.orderBy(desc(scoreAdjustment.id))
	).map((a) => ({ ...a, createdAt: a.createdAt.toISOString() }));
}

/** The office records a 加分 (positive) or 减分 (negative) for a unit in a month, with its reason. */
export async function addAdjustment(
	ctx: ServiceContext,
	input: { period: string; unitId: number; points: number; reason: string }
) {
	assertProvincialOffice(ctx.actor);
	assertPeriod(input.period);
	if (!(await ctx.db.select({ id: unit.id }).from(unit).where(eq(unit.id, input.unitId)).limit(1))[0])
		throw fail('bad_request', 'unit.unknown');
	return await withTransaction(ctx, async (tx) => {
		const row = (
			await tx.db
				.insert(scoreAdjustment)
				.values({
					...input,
					reason: input.reason.trim(),
					createdAt: ctx.clock.now(),
					createdBy: ctx.actor!.id || null
				})
				.returning()
		)[0]!;
		await audit(tx, { action: 'score.adjust', objectType: 'score_adjustment', objectId: row.id, after: row });
		return { ...row, createdAt: row.createdAt.toISOString() };
	});
}

export async function removeAdjustment(ctx: ServiceContext, id: number) {
	assertProvincialOffice(ctx.actor);
	const row = (
		await ctx.db
			.select()
			.from(scoreAdjustment)
			.where(and(eq(scoreAdjustment.id, id)))
			.limit(1)
	)[0];
	if (!row) throw notFound('adjustment');
	await withTransaction(ctx, async (tx) => {
		await tx.db.delete(scoreAdjustment).where(eq(scoreAdjustment.id, id));
		await audit(tx, {
			action: 'score.adjust.remove',
			objectType: 'score_adjustment',
			objectId: id,
			before: row
		});
	});
}
