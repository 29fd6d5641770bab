import { eq, sql, type SQL } from 'drizzle-orm';
import { type Db, query } from '../../db/client.ts';
import { indicator, report, type Role } from '../../db/schema/index.ts';
import type { Actor, ServiceContext } from '../context.ts';
import { fail, forbidden, notFound, type ErrorKey } from '../errors.ts';
import { isProvincial, mayDecideFor, maySeeUnit, unitScope } from '../../web/src/lib/rules/access.ts';

/**
 * A unit and every unit under it, as a subquery for `column in …`. The one place the directory's tree is
 * walked downwards in SQL: a recursive query (SQLite and PostgreSQL alike) rather than a maintained path
 * column, since the directory has a few hundred units and moves need no rewriting of descendants.
 * `union`, not `union all`: a cycle (refused on every write) could never loop.
 */
export const unitsUnder = (rootId: number): SQL =>
	sql`(with recursive sub(id) as (select id from unit where id = ${rootId}
		union select u.id from unit u join sub on u.parent_id = sub.id) select id from sub)`;

/** A unit's id and its ancestors' ids, nearest first: the lineage the access rule reads. */
export async function lineageOf(ctx: Pick<ServiceContext, 'db'>, unitId: number): Promise<number[]> {
	const rows = await query<{ id: number; depth: number }>(
		ctx.db,
		sql`with recursive up(id, parent_id, depth) as (select id, parent_id, 0 from unit where id = ${unitId}
			union select u.id, u.parent_id, up.depth + 1 from unit u join up on u.id = up.parent_id)
			select id, depth from up order by depth`
	);
	return rows.map((r) => r.id);
}

/**
 * The units an actor may see, as a condition on a unit id column (undefined: every unit, and 待明确).
 * The SQL form of `unitScope` (rules/access.ts).
 */
export function visibleUnits(actor: Actor, column: SQL): SQL | undefined {
	const scope = unitScope(actor);
	if (scope.kind === 'all') return undefined;
	if (scope.kind === 'own') return sql`${column} = ${scope.unitId}`;
	return sql`${column} in ${unitsUnder(scope.rootId)}`;
}

/**
 * The same, for a level's supervisor only: where a unit reporter may see the other units of its indicators
 * (the lead, the co-units, their progress) but a city's supervisor must not see other cities'.
 */
export function subtreeOnly(actor: Actor, column: SQL): SQL | undefined {
	return unitScope(actor).kind === 'subtree' ? visibleUnits(actor, column) : undefined;
}

/** The ids of the units an actor may see, or null for every unit (a provincial supervisor). */
export async function visibleUnitIds(ctx: ServiceContext): Promise<Set<number> | null> {
	const units = visibleUnits(ctx.actor!, sql`id`);
	return units ? unitIdsWhere(ctx.db, units) : null;
}

/** The ids of a unit and every unit under it (a level's bulletin ranks these). */
export const unitIdsUnder = (db: Db, rootId: number) => unitIdsWhere(db, sql`id in ${unitsUnder(rootId)}`);

const unitIdsWhere = async (db: Db, where: SQL) =>
	new Set((await query<{ id: number }>(db, sql`select id from unit where ${where}`)).map((u) => u.id));

/** The indicators an actor may read: everything, or those assigned to a unit it may see. */
export function visibleIndicators(actor: Actor): SQL | undefined {
	const units = visibleUnits(actor, sql`unit_id`);
	if (!units) return undefined;
	return sql`${indicator.id} in (select indicator_id from assignment where ${units})`;
}

/** Drafts belong to their unit until submitted: supervisors see the rest, within their subtree. */
export function visibleReports(ctx: ServiceContext): SQL | undefined {
	const actor = ctx.actor!;
	const scope = unitScope(actor);
	if (scope.kind === 'own') return eq(report.unitId, scope.unitId);
	if (actor.role !== 'office' && actor.role !== 'leader') throw fail('forbidden', 'role.reports_read');
	const submitted = sql`${report.status} <> 'draft'`;
	return scope.kind === 'all'
		? submitted
		: sql`${submitted} and ${visibleUnits(actor, sql`${report.unitId}`)}`;
}

/**
 * Refuses a unit outside what the actor may see, as if it did not exist (a guessed id tells nothing).
 * Null (待明确) only provincial supervisors see.
 */
export async function assertUnitVisible(ctx: ServiceContext, unitId: number | null) {
	const actor = ctx.actor!;
	if (isProvincial(actor)) return;
	if (!maySeeUnit(actor, unitId, unitId === null ? [] : await lineageOf(ctx, unitId))) throw notFound('unit');
}

/**
 * Refuses a decision on a unit's work outside the actor's level (its own government's included): 404 when
 * the actor may not even see the unit, 403 when it sees it but the decision is the level above's.
 */
export async function assertMayDecideFor(ctx: ServiceContext, unitId: number) {
	const actor = ctx.actor!;
	if (isProvincial(actor)) return;
	const lineage = await lineageOf(ctx, unitId);
	if (!maySeeUnit(actor, unitId, lineage)) throw notFound('unit');
	if (!mayDecideFor(actor, unitId, lineage)) throw forbidden('role.level_above');
}

/** Services check the role as well as their route does (defence in depth); `key` names the refusal. */
export function assertRole(
	actor: Actor | null,
	roles: readonly Role[],
	key: ErrorKey
): asserts actor is Actor {
	if (!actor) throw fail('unauthorized', 'auth.login_required');
	if (!roles.includes(actor.role)) throw forbidden(key);
}

export function assertOffice(actor: Actor | null): asserts actor is Actor {
	assertRole(actor, ['office'], 'role.office_only');
}

/** The plan itself (imports, scoring rules, the calendar, 待明确 names) is the provincial office's. */
export function assertProvincialOffice(actor: Actor | null): asserts actor is Actor {
	assertOffice(actor);
	if (!isProvincial(actor)) throw forbidden('role.provincial_only');
}
