import { and, eq } from 'drizzle-orm';
import { indicatorTarget } from '../../db/schema/index.ts';
import type { ServiceContext } from '../context.ts';
import { fail } from '../errors.ts';
import { assertProvincialOffice } from './access.ts';
import { audit } from './audit.ts';
import { refreshSupervision } from './alerts.ts';
import { getIndicator } from './indicators.ts';
import { withTransaction } from '../../db/client.ts';

export type TargetMeaning = { baseline?: number | null; aggregation?: 'each' | 'sum' };

/**
 * The office enters a relative target's baseline (翻一番 over 2019) and chooses whether the owners' reported
 * parts are summed against the target or each owner must reach it.
 */
export async function setTargetMeaning(
	ctx: ServiceContext,
	indicatorId: number,
	targetId: number,
	change: TargetMeaning
) {
	assertProvincialOffice(ctx.actor);
	await getIndicator(ctx, indicatorId);
	const where = and(eq(indicatorTarget.id, targetId), eq(indicatorTarget.indicatorId, indicatorId));
	const before = (await ctx.db.select().from(indicatorTarget).where(where).limit(1))[0];
	if (!before) throw fail('not_found', 'not_found.target');
	if (change.baseline !== undefined && change.baseline !== null && !before.relative)
		throw fail('bad_request', 'target.baseline_relative_only');
	await withTransaction(ctx, async (tx) => {
		await tx.db.update(indicatorTarget).set(change).where(where);
		// A baseline gives a relative target its goal; summing changes whose figures count: lights follow.
		await refreshSupervision(tx.db, ctx.clock.today(), { indicatorIds: [indicatorId] }, 'target_meaning');
		await audit(tx, {
			action: 'indicator.target_meaning',
			objectType: 'indicator',
			objectId: indicatorId,
			before: { targetId, baseline: before.baseline, aggregation: before.aggregation },
			after: { targetId, ...change }
		});
	});
	return getIndicator(ctx, indicatorId);
}
