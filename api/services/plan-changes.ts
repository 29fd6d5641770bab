import { createHash } from 'node:crypto';
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { assignment, indicator } from '../../db/schema/index.ts';
import type { Db } from '../../db/client.ts';
import type { MessageParams } from '../../web/src/lib/rules/messages.ts';
import type { ServiceContext } from '../context.ts';
import { notifyUnit } from './notifications.ts';

type Scope = { planId: number } | { indicatorIds: number[] };
type Row = { indicatorId: number; unitId: number; role: 'lead' | 'co'; dueOn: string | null; text: string };
type Change = MessageParams['plan.changed'];

/** Every assignment in scope with the date its unit owes it by (its own, else the indicator's). */
async function assignments(db: Db, scope: Scope): Promise<Row[]> {
	const where: SQL | undefined =
		'planId' in scope ? eq(indicator.planId, scope.planId) : inArray(indicator.id, scope.indicatorIds);
	return await db
		.select({
			indicatorId: assignment.indicatorId,
			unitId: assignment.unitId,
			role: assignment.role,
			dueOn: sql<string | null>`coalesce(${assignment.dueOn}, ${indicator.dueOn})`,
			text: indicator.text
		})
		.from(assignment)
		.innerJoin(indicator, eq(indicator.id, assignment.indicatorId))
		.where(and(where));
}

/** Per unit, what changed between two pictures of the assignments: added, removed, due date moved. */
export function planChanges(before: Row[], after: Row[]): Map<number, Change> {
	const key = (r: Row) => `${r.indicatorId}|${r.unitId}`;
	const old = new Map(before.map((r) => [key(r), r]));
	const now = new Map(after.map((r) => [key(r), r]));
	const changes = new Map<number, Change>();
	const of = (unitId: number) => {
		const c = changes.get(unitId) ?? { added: [], removed: [], moved: [] };
		changes.set(unitId, c);
		return c;
	};
	for (const [k, r] of now) {
		const was = old.get(k);
		if (!was || was.role !== r.role) of(r.unitId).added.push({ text: r.text, role: r.role });
		if (was && was.role !== r.role) of(r.unitId).removed.push({ text: was.text, role: was.role });
		if (was && was.dueOn !== r.dueOn) of(r.unitId).moved.push({ text: r.text, from: was.dueOn, to: r.dueOn });
	}
	for (const [k, r] of old) if (!now.has(k)) of(r.unitId).removed.push({ text: r.text, role: r.role });
	return changes;
}

/**
 * Runs a write that may change units' assignments (an import, a deadline set) and tells every unit
 * whose assignments it changed, in the write's own transaction (`ctx.db` is the transaction). A plan's
 * first import is no change to anyone's assignments; the acting unit does not hear of its own write.
 */
export async function notifyingPlanChanges<T>(
	ctx: ServiceContext,
	scope: Scope,
	write: () => Promise<T>
): Promise<T> {
	const before = await assignments(ctx.db, scope);
	const result = await write();
	if (!before.length && 'planId' in scope) return result;
	const at = ctx.clock.now().getTime();
	for (const [unitId, change] of planChanges(before, await assignments(ctx.db, scope))) {
		if (unitId === ctx.actor?.unit?.id) continue;
		const digest = createHash('sha256').update(JSON.stringify(change)).digest('hex').slice(0, 16);
		await notifyUnit(ctx, {
			unitId,
			key: `plan.change|${unitId}|${at}|${digest}`,
			message: { code: 'plan.changed', params: change },
			link: change.added[0] || change.moved[0] ? '/my' : '/workspace',
			light: null
		});
	}
	return result;
}
