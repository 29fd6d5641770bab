import { and, eq, inArray, sql } from 'drizzle-orm';
import { assignment, pendingGroup, unit, unitGroup } from '../../db/schema/index.ts';
import type { ServiceContext } from '../context.ts';
import { fail } from '../errors.ts';
import { assertProvincialOffice } from './access.ts';
import { audit } from './audit.ts';
import { refreshSupervision } from './alerts.ts';
import { getIndicator } from './indicators.ts';
import { notifyUnit } from './notifications.ts';
import { rowsAffected, withTransaction } from '../../db/client.ts';

/** Replaces a placeholder (省级有关单位) on one indicator by concrete units, keeping the placeholder's role. */
export async function resolvePendingGroup(
	ctx: ServiceContext,
	indicatorId: number,
	groupId: number,
	unitIds: number[],
	reason?: string
) {
	assertProvincialOffice(ctx.actor);
	const pending = (
		await ctx.db
			.select()
			.from(pendingGroup)
			.where(and(eq(pendingGroup.indicatorId, indicatorId), eq(pendingGroup.groupId, groupId)))
			.limit(1)
	)[0];
	if (!pending) throw fail('not_found', 'not_found.pending_group');
	const found = await ctx.db.select({ id: unit.id }).from(unit).where(inArray(unit.id, unitIds));
	if (found.length !== new Set(unitIds).size) throw fail('bad_request', 'pending_group.unknown_units');
	const before = await getIndicator(ctx, indicatorId);
	await withTransaction(ctx, async (tx) => {
		let position =
			(
				await tx.db
					.select({ n: sql<number>`coalesce(max(${assignment.position}), -1)` })
					.from(assignment)
					.where(eq(assignment.indicatorId, indicatorId))
					.limit(1)
			)[0]!.n + 1;
		for (const unitId of unitIds) {
			const added = await tx.db
				.insert(assignment)
				.values({ indicatorId, unitId, role: pending.role, viaGroupId: groupId, position: position++ })
				.onConflictDoNothing();
			if (rowsAffected(added))
				await notifyUnit(tx, {
					unitId,
					key: `plan.assign|${indicatorId}|${unitId}`,
					message: {
						code: 'plan.assigned',
						params: { role: pending.role, task: before.task.title, text: before.text, dueOn: before.dueOn }
					},
					link: `/indicators/${indicatorId}`,
					light: null
				});
		}
		await tx.db
			.update(pendingGroup)
			.set({ resolvedAt: ctx.clock.now(), resolvedBy: ctx.actor!.id || null })
			.where(eq(pendingGroup.id, pending.id));
		await refreshSupervision(
			tx.db,
			ctx.clock.today(),
			{ indicatorIds: [indicatorId] },
			'placeholder_resolved'
		);
		await refreshSupervision(tx.db, ctx.clock.today(), { unitIds }, 'placeholder_resolved');
		const groupName = (
			await tx.db.select({ name: unitGroup.name }).from(unitGroup).where(eq(unitGroup.id, groupId)).limit(1)
		)[0]?.name;
		await audit(tx, {
			action: 'indicator.resolve_group',
			objectType: 'indicator',
			objectId: indicatorId,
			before: { group: groupName, units: [...before.leadUnits, ...before.coUnits].map((u) => u.name) },
			after: { unitIds, reason }
		});
	});
	return getIndicator(ctx, indicatorId);
}
