import { and, asc, eq, sql } from 'drizzle-orm';
import { unit, unitGroup, type UnitKind } from '../../db/schema/index.ts';
import { withTransaction } from '../../db/client.ts';
import type { ServiceContext } from '../context.ts';
import { fail, notFound } from '../errors.ts';
import { isProvincial, moveRefusal, subtreeRoot } from '../../web/src/lib/rules/access.ts';
import {
	assertMayDecideFor,
	assertOffice,
	assertUnitVisible,
	lineageOf,
	subtreeOnly,
	unitsUnder
} from './access.ts';
import { audit } from './audit.ts';

export type UnitFilter = {
	/** A unit's subtree (a city: the city, its counties and their departments). */
	under?: number;
	/** The directory of a plan year: units retired by then left out. */
	year?: number;
};

/**
 * The unit directory with its tree (each unit's parent). Names and kinds are not secret: every signed-in
 * user may read them, except that a level's supervisor works within its subtree and sees that alone.
 */
export async function listUnits(ctx: ServiceContext, f: UnitFilter = {}) {
	return await ctx.db
		.select({
			id: unit.id,
			name: unit.name,
			kind: unit.kind,
			parentId: unit.parentId,
			retiredIn: unit.retiredIn,
			// Written out: drizzle drops the table prefix of outer columns inside a select-list subquery.
			assignments: sql<number>`(select count(*) from assignment a where a.unit_id = "unit"."id")`
		})
		.from(unit)
		.where(
			and(
				subtreeOnly(ctx.actor!, sql`${unit.id}`),
				f.under ? sql`${unit.id} in ${unitsUnder(f.under)}` : undefined,
				f.year ? sql`(${unit.retiredIn} is null or ${unit.retiredIn} > ${f.year})` : undefined
			)
		)
		.orderBy(asc(unit.position), asc(unit.id));
}

async function loadUnit(ctx: ServiceContext, id: number) {
	const row = (await ctx.db.select().from(unit).where(eq(unit.id, id)).limit(1))[0];
	if (!row) throw notFound('unit');
	return row;
}

/**
 * The parent a unit may hang under: one the actor supervises and still in the directory. A level's
 * supervisor adds below its own level only; the provincial office may also add at the top (null).
 */
async function assertParent(ctx: ServiceContext, parentId: number | null) {
	if (parentId === null) {
		if (!isProvincial(ctx.actor!)) throw fail('bad_request', 'unit.parent_required');
		return;
	}
	const parent = await loadUnit(ctx, parentId);
	await assertUnitVisible(ctx, parentId);
	if (parent.retiredIn !== null) throw fail('conflict', 'unit.parent_retired', { name: parent.name });
}

/** The office (provincial, or a level's for its subtree) adds a unit: a department, a township, a county. */
export async function createUnit(
	ctx: ServiceContext,
	input: { name: string; kind: UnitKind; parentId: number | null }
) {
	assertOffice(ctx.actor);
	// A level's supervisor without a parent given adds under its own unit.
	const parentId = input.parentId ?? subtreeRoot(ctx.actor);
	await assertParent(ctx, parentId);
	const name = input.name.trim();
	if ((await ctx.db.select({ id: unit.id }).from(unit).where(eq(unit.name, name)).limit(1))[0])
		throw fail('conflict', 'unit.name_taken', { name });
	return await withTransaction(ctx, async (tx) => {
		const position =
			((
				await tx.db
					.select({ n: sql<number>`coalesce(max(${unit.position}), 0)` })
					.from(unit)
					.limit(1)
			)[0]?.n ?? 0) + 1;
		const row = (
			await tx.db
				.insert(unit)
				.values({ name, kind: input.kind, parentId, position })
				.returning({ id: unit.id, name: unit.name, kind: unit.kind, parentId: unit.parentId })
		)[0]!;
		await audit(tx, { action: 'unit.create', objectType: 'unit', objectId: row.id, after: row });
		return { ...row, retiredIn: null, assignments: 0 };
	});
}

/**
 * Moves a unit under another parent, or retires it from a plan year on (null: current again). The unit must
 * lie below the actor's level; the new parent within it; and the directory stays a tree (no cycles).
 */
export async function updateUnit(
	ctx: ServiceContext,
	id: number,
	input: { parentId?: number | null; retiredIn?: number | null }
) {
	assertOffice(ctx.actor);
	const before = await loadUnit(ctx, id);
	await assertMayDecideFor(ctx, id);
	if (input.parentId !== undefined) {
		await assertParent(ctx, input.parentId);
		const refusal = input.parentId === null ? null : moveRefusal(id, await lineageOf(ctx, input.parentId));
		if (refusal) throw fail('conflict', refusal);
	}
	const patch = {
		...(input.parentId === undefined ? {} : { parentId: input.parentId }),
		...(input.retiredIn === undefined ? {} : { retiredIn: input.retiredIn })
	};
	await withTransaction(ctx, async (tx) => {
		await tx.db.update(unit).set(patch).where(eq(unit.id, id));
		await audit(tx, {
			action: 'unit.update',
			objectType: 'unit',
			objectId: id,
			before: { parentId: before.parentId, retiredIn: before.retiredIn },
			after: patch
		});
	});
	return (await listUnits(ctx)).find((u) => u.id === id)!;
}

export async function listGroups(ctx: ServiceContext) {
	return await ctx.db.select().from(unitGroup).orderBy(asc(unitGroup.id));
}
