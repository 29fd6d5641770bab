import { and, eq, inArray, sql } from 'drizzle-orm';
import { assignment, pendingGroup, unit, unitGroup } from '../../db/schema/index.ts';
import type { ServiceContext } from '../context.ts';
import { fail } from '../errors.ts';
import { assertOffice } from './access.ts';
import { audit } from './audit.ts';
import { refreshSupervision } from './alerts.ts';
import { getIndicator } from './indicators.ts';
import { notifyUnit } from './notifications.ts';

/** Replaces a placeholder (省级有关单位) on one indicator by concrete units, keeping the placeholder's role. */
export function resolvePendingGroup(
	ctx: ServiceContext,
	indicatorId: number,
	groupId: number,
	unitIds: number[],
	reason?: string
) {
	assertOffice(ctx.actor);
	const pending = ctx.db
		.select()
		.from(pendingGroup)
		.where(and(eq(pendingGroup.indicatorId, indicatorId), eq(pendingGroup.groupId, groupId)))
		.get();
	if (!pending) throw fail('not_found', 'not_found.pending_group');
	const found = ctx.db.select({ id: unit.id }).from(unit).where(inArray(unit.id, unitIds)).all();
	if (found.length !== new Set(unitIds).size) throw fail('bad_request', 'pending_group.unknown_units');
	const before = getIndicator(ctx, indicatorId);
	ctx.db.transaction((tx) => {
		let position =
			tx
				.select({ n: sql<number>`coalesce(max(${assignment.position}), -1)` })
				.from(assignment)
				.where(eq(assignment.indicatorId, indicatorId))
				.get()!.n + 1;
		for (const unitId of unitIds) {
			const added = tx
				.insert(assignment)
				.values({ indicatorId, unitId, role: pending.role, viaGroupId: groupId, position: position++ })
				.onConflictDoNothing()
				.run();
			if (added.changes)
				notifyUnit(
					{ ...ctx, db: tx },
					{
						unitId,
						key: `plan.assign|${indicatorId}|${unitId}`,
						message: {
							code: 'plan.assigned',
							params: { role: pending.role, task: before.task.title, text: before.text, dueOn: before.dueOn }
						},
						link: `/indicators/${indicatorId}`,
						light: null
					}
				);
		}
		tx.update(pendingGroup)
			.set({ resolvedAt: ctx.clock.now(), resolvedBy: ctx.actor!.id || null })
			.where(eq(pendingGroup.id, pending.id))
			.run();
		refreshSupervision(tx, ctx.clock.today(), { indicatorIds: [indicatorId] }, 'placeholder_resolved');
		refreshSupervision(tx, ctx.clock.today(), { unitIds }, 'placeholder_resolved');
		const groupName = tx
			.select({ name: unitGroup.name })
			.from(unitGroup)
			.where(eq(unitGroup.id, groupId))
			.get()?.name;
		audit(
			{ ...ctx, db: tx },
			{
				action: 'indicator.resolve_group',
				objectType: 'indicator',
				objectId: indicatorId,
				before: { group: groupName, units: [...before.leadUnits, ...before.coUnits].map((u) => u.name) },
				after: { unitIds, reason }
			}
		);
	});
	return getIndicator(ctx, indicatorId);
}
