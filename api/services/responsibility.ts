import { eq } from 'drizzle-orm';
import { indicator, type IndicatorKind } from '../../db/schema/index.ts';
import type { ServiceContext } from '../context.ts';
import { fail, notFound } from '../errors.ts';
import { assertProvincialOffice } from './access.ts';
import { audit } from './audit.ts';
import { refreshSupervision } from './alerts.ts';
import { getIndicator } from './indicators.ts';
import { withTransaction } from '../../db/client.ts';

/**
 * The office decides who owes an indicator: joint (the lead signs off for all, co-units support) or
 * each-owes (every unit signs off its own part). Lights and counts follow in the same transaction.
 */
export async function setIndicatorKind(ctx: ServiceContext, indicatorId: number, kind: IndicatorKind) {
	assertProvincialOffice(ctx.actor);
	const row = (await ctx.db.select().from(indicator).where(eq(indicator.id, indicatorId)).limit(1))[0];
	if (!row) throw notFound('indicator');
	if (row.status === 'completed') throw fail('conflict', 'indicator.kind_completed');
	if (row.kind !== kind) {
		await withTransaction(ctx, async (tx) => {
			await tx.db.update(indicator).set({ kind }).where(eq(indicator.id, indicatorId));
			await refreshSupervision(tx.db, ctx.clock.today(), { indicatorIds: [indicatorId] }, 'kind_changed');
			await audit(tx, {
				action: 'indicator.kind',
				objectType: 'indicator',
				objectId: indicatorId,
				before: { kind: row.kind },
				after: { kind }
			});
		});
	}
	return getIndicator(ctx, indicatorId);
}
