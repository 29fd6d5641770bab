import { eq, inArray } from 'drizzle-orm';
import { assignment, unit, type indicatorTarget } from '../../db/schema/index.ts';
import type { Db } from '../../db/client.ts';
import { partGoal, partTarget, type PartShare } from '../../web/src/lib/rules/rollup.ts';

/**
 * A unit's own part of an indicator, for the targets it is held to: handed down from `parent` (with its
 * shares of the parent's targets), or a part of the plan itself (`parentId` null).
 */
export type OwnPart = {
	parentId: number | null;
	shares: PartShare[] | null;
	parent: { unit: string; shares: PartShare[] | null } | null;
};

/**
 * A numeric target as the pages show it and the report form asks for it: value, scale and meaning. With
 * the unit's own part, the target that part owes (rules/rollup.ts `partTarget`: a handed-down share), and
 * the share beside the whole it was divided from: its parent's goal, or the plan's where the parent has
 * none of its own (a summed target).
 */
export function targetView(t: typeof indicatorTarget.$inferSelect, part?: OwnPart) {
	const own = part ? partTarget(t, part) : t;
	const share = part?.parent && part.shares?.find((s) => s.targetId === t.id);
	const parentGoal = share ? partGoal(t, part!.parent!.shares) : null;
	return {
		label: t.label,
		op: t.op,
		value: own.value,
		scale: t.scale,
		valueMax: own.valueMax,
		unit: t.unit,
		relative: t.relative,
		baseline: t.baseline,
		aggregation: own.aggregation,
		share: share
			? {
					mode: share.mode,
					/** 杭州市政府's goal the share came from; null: the plan's (全省) target. */
					of: parentGoal !== null ? part!.parent!.unit : null,
					whole: parentGoal ?? t.value
				}
			: null
	};
}

/**
 * A unit's parts of some indicators as their targets read them, by indicator: handed down (with the
 * parent's unit and shares, one query for all) or the plan's own.
 */
export async function ownParts(
	db: Db,
	parts: { indicatorId: number; parentId: number | null; shares: PartShare[] | null }[]
): Promise<Map<number, OwnPart>> {
	const parentIds = parts.flatMap((p) => (p.parentId ? [p.parentId] : []));
	const parents = new Map(
		(parentIds.length
			? await db
					.select({ id: assignment.id, unit: unit.name, shares: assignment.shares })
					.from(assignment)
					.innerJoin(unit, eq(unit.id, assignment.unitId))
					.where(inArray(assignment.id, parentIds))
			: []
		).map((p) => [p.id, { unit: p.unit, shares: p.shares }])
	);
	return new Map(
		parts.map((p) => [
			p.indicatorId,
			{
				parentId: p.parentId,
				shares: p.shares,
				parent: p.parentId ? (parents.get(p.parentId) ?? null) : null
			}
		])
	);
}
