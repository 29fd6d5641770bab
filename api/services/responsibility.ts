import { eq } from 'drizzle-orm';
import { indicator, type IndicatorKind } from '../../db/schema/index.ts';
import type { ServiceContext } from '../context.ts';
import { fail, notFound } from '../errors.ts';
import { assertOffice } from './access.ts';
import { audit } from './audit.ts';
import { refreshSupervision } from './alerts.ts';
import { getIndicator } from './indicators.ts';

/**
 * The office decides who owes an indicator: joint (the lead signs off for all, co-units support) or
 * each-owes (every unit signs off its own part). Lights and counts follow in the same transaction.
 */
export function setIndicatorKind(ctx: ServiceContext, indicatorId: number, kind: IndicatorKind) {
	assertOffice(ctx.actor);
	const row = ctx.db.select().from(indicator).where(eq(indicator.id, indicatorId)).get();
	if (!row) throw notFound('indicator');
	if (row.status === 'completed') throw fail('conflict', 'indicator.kind_completed');
	if (row.kind !== kind) {
		ctx.db.transaction((tx) => {
			tx.update(indicator).set({ kind }).where(eq(indicator.id, indicatorId)).run();
			refreshSupervision(tx, ctx.clock.today(), { indicatorIds: [indicatorId] }, 'kind_changed');
			audit(
				{ ...ctx, db: tx },
				{
					action: 'indicator.kind',
					objectType: 'indicator',
					objectId: indicatorId,
					before: { kind: row.kind },
					after: { kind }
				}
			);
		});
	}
	return getIndicator(ctx, indicatorId);
}
