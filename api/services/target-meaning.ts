import { and, eq } from 'drizzle-orm';
import { indicatorTarget } from '../../db/schema/index.ts';
import type { ServiceContext } from '../context.ts';
import { fail } from '../errors.ts';
import { assertOffice } from './access.ts';
import { audit } from './audit.ts';
import { refreshSupervision } from './alerts.ts';
import { getIndicator } from './indicators.ts';

export type TargetMeaning = { baseline?: number | null; aggregation?: 'each' | 'sum' };

/**
 * The office enters a relative target's baseline (翻一番 over 2019) and chooses whether the owners' reported
 * parts are summed against the target or each owner must reach it.
 */
export function setTargetMeaning(
	ctx: ServiceContext,
	indicatorId: number,
	targetId: number,
	change: TargetMeaning
) {
	assertOffice(ctx.actor);
	getIndicator(ctx, indicatorId);
	const where = and(eq(indicatorTarget.id, targetId), eq(indicatorTarget.indicatorId, indicatorId));
	const before = ctx.db.select().from(indicatorTarget).where(where).get();
	if (!before) throw fail('not_found', 'not_found.target');
	if (change.baseline !== undefined && change.baseline !== null && !before.relative)
		throw fail('bad_request', 'target.baseline_relative_only');
	ctx.db.transaction((tx) => {
		tx.update(indicatorTarget).set(change).where(where).run();
		// A baseline gives a relative target its goal; summing changes whose figures count: lights follow.
		refreshSupervision(tx, ctx.clock.today(), { indicatorIds: [indicatorId] }, 'target_meaning');
		audit(
			{ ...ctx, db: tx },
			{
				action: 'indicator.target_meaning',
				objectType: 'indicator',
				objectId: indicatorId,
				before: { targetId, baseline: before.baseline, aggregation: before.aggregation },
				after: { targetId, ...change }
			}
		);
	});
	return getIndicator(ctx, indicatorId);
}
