import { and, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import { alert, alertEvent, assignment, unit } from '../../db/schema/index.ts';
import { inJsonIds, query, type Db } from '../../db/client.ts';
import type { AlertKind, Light } from '../../web/src/lib/rules/enums.ts';
import type { ChildReason, OwnReason, ReasonParams } from '../../web/src/lib/rules/reasons.ts';
import { laggingChild } from '../../web/src/lib/rules/rollup.ts';
import { alertKey, type Scope } from './lights.ts';

type Part = {
	id: number;
	indicatorId: number;
	unitId: number;
	parentId: number | null;
	completedOn: string | null;
	name: string;
};
type Lit = { id: number; kind: AlertKind; light: Light; since: string; params: ReasonParams };

const pairKey = (p: { indicatorId: number; unitId: number }) => `${p.indicatorId}|${p.unitId}`;

/** The worst open light of a part: red over yellow, then the one lit longest. */
const worstOf = (lit: Lit[]) =>
	[...lit].sort((a, b) =>
		a.light === b.light ? a.since.localeCompare(b.since) : a.light === 'red' ? -1 : 1
	)[0];

/**
 * Decomposed parts whose roll-up light a write may have changed: those of the indicators in scope, or the
 * ancestors of the scoped units' parts (a county's report moves its city's light), or all.
 */
export async function decomposedParts(tx: Db, scope: Scope): Promise<number[]> {
	if (!scope.unitIds) {
		return (
			await tx
				.selectDistinct({ id: assignment.parentId })
				.from(assignment)
				.where(
					and(
						isNotNull(assignment.parentId),
						scope.indicatorIds ? inArray(assignment.indicatorId, scope.indicatorIds) : undefined
					)
				)
		).map((r) => r.id!);
	}
	const out = new Set<number>();
	let level = await tx
		.select({ id: assignment.id, parentId: assignment.parentId })
		.from(assignment)
		.where(
			and(
				inArray(assignment.unitId, scope.unitIds),
				scope.indicatorIds ? inArray(assignment.indicatorId, scope.indicatorIds) : undefined
			)
		);
	// The scoped parts themselves when they have children, then every ancestor up to the plan's parts.
	const own = level.map((p) => p.id);
	for (let i = 0; i < own.length; i += 500)
		for (const r of await tx
			.selectDistinct({ id: assignment.parentId })
			.from(assignment)
			.where(inArray(assignment.parentId, own.slice(i, i + 500))))
			out.add(r.id!);
	while (level.length) {
		const up = [...new Set(level.map((p) => p.parentId).filter((id): id is number => id !== null))].filter(
			(id) => !out.has(id)
		);
		up.forEach((id) => out.add(id));
		level = up.length
			? await tx
					.select({ id: assignment.id, parentId: assignment.parentId })
					.from(assignment)
					.where(inArray(assignment.id, up))
			: [];
	}
	return [...out];
}

/**
 * `decomposedParts` for what a unit's submission moves (`submissionAlerts`): the unit's parts that have
 * children and every ancestor of its parts, and the parents on the indicators whose summed target its
 * report shares (`shared`: `submissionReach`). One query.
 */
export async function submissionParts(tx: Db, unitId: number, shared: number[]): Promise<number[]> {
	return (
		await query<{ id: number }>(
			tx,
			sql`with recursive up(id) as (
				select parent_id from assignment where unit_id = ${unitId} and parent_id is not null
				union select a.parent_id from assignment a join up on a.id = up.id where a.parent_id is not null)
			select id from up
			union select c.parent_id from assignment c where c.parent_id in (select id from assignment where unit_id = ${unitId})
			union select c.parent_id from assignment c
				where c.parent_id is not null and ${inJsonIds(tx, sql`c.indicator_id`, JSON.stringify(shared))}`
		)
	).map((r) => r.id);
}

/**
 * The roll-up share of `refreshSupervision`, after the parts' own lights are current: each decomposed part
 * the write may have moved (`decomposedParts`), deepest first, takes the worst light of its open children
 * as a `child_lagging` light whose reason names the child (and carries the child's own reason); it goes
 * out when no child is lit or the part is signed off. Each change is an event, like any light.
 */
export async function refreshRollup(tx: Db, day: string, parentIds: number[], cause: string) {
	if (!parentIds.length) return;
	const parts = new Map<number, Part>();
	const columns = {
		id: assignment.id,
		indicatorId: assignment.indicatorId,
		unitId: assignment.unitId,
		parentId: assignment.parentId,
		completedOn: assignment.completedOn,
		name: unit.name
	};
	for (let i = 0; i < parentIds.length; i += 500) {
		const ids = parentIds.slice(i, i + 500);
		for (const p of await tx
			.select(columns)
			.from(assignment)
			.innerJoin(unit, eq(unit.id, assignment.unitId))
			.where(sql`${inArray(assignment.id, ids)} or ${inArray(assignment.parentId, ids)}`))
			parts.set(p.id, p);
	}
	const indicatorIds = [...new Set([...parts.values()].map((p) => p.indicatorId))];
	const unitIds = [...new Set([...parts.values()].map((p) => p.unitId))];
	const lit = new Map<string, Lit[]>();
	for (const a of await tx
		.select({
			id: alert.id,
			kind: alert.kind,
			light: alert.light,
			since: alert.since,
			params: alert.params,
			indicatorId: alert.indicatorId,
			unitId: alert.unitId
		})
		.from(alert)
		.where(
			and(isNotNull(alert.openKey), inArray(alert.indicatorId, indicatorIds), inArray(alert.unitId, unitIds))
		)) {
		const key = pairKey({ indicatorId: a.indicatorId!, unitId: a.unitId! });
		lit.set(key, [...(lit.get(key) ?? []), a]);
	}
	const children = new Map<number, Part[]>();
	for (const p of parts.values())
		if (p.parentId !== null) children.set(p.parentId, [...(children.get(p.parentId) ?? []), p]);
	const childrenOf = (id: number) => children.get(id) ?? [];
	// Deepest first: a parent is taken once none of its children waits for its own roll-up.
	const waiting = new Set(parentIds);
	while (waiting.size) {
		const ready = [...waiting].filter((id) => !childrenOf(id).some((c) => waiting.has(c.id)));
		for (const id of ready.length ? ready : [...waiting]) {
			waiting.delete(id);
			const parent = parts.get(id);
			if (parent) await relight(tx, day, parent, childrenOf(id), lit, cause);
		}
	}
}

async function relight(
	tx: Db,
	day: string,
	parent: Part,
	children: Part[],
	lit: Map<string, Lit[]>,
	cause: string
) {
	const key = pairKey(parent);
	const mine = lit.get(key) ?? [];
	const current = mine.find((a) => a.kind === 'child_lagging');
	const open = !(parent.completedOn && parent.completedOn <= day);
	const lag = open
		? laggingChild(
				children.map((c) => {
					const worst = worstOf(lit.get(pairKey(c)) ?? []);
					return {
						unitName: c.name,
						completedOn: c.completedOn && c.completedOn <= day ? c.completedOn : null,
						light: worst?.light ?? null,
						since: worst?.since ?? null,
						actuals: new Map(),
						worst
					};
				})
			)
		: null;
	const openKey = alertKey({
		kind: 'child_lagging',
		indicatorId: parent.indicatorId,
		unitId: parent.unitId,
		period: null
	});
	// A light that goes out, or turns from yellow to red (or back), ends this alert: an earlier day's state
	// reads the light an alert had, so a light is never changed in place.
	const worst = lag?.child.worst;
	if (current && (!worst || worst.light !== current.light)) {
		await tx.update(alert).set({ openKey: null, resolvedOn: day }).where(eq(alert.id, current.id));
		await tx.insert(alertEvent).values({ alertId: current.id, on: day, event: 'resolved', cause: { cause } });
		lit.set(
			key,
			mine.filter((a) => a !== current)
		);
	}
	if (!lag || !worst) return;
	// A child lit by its own child: the reason goes down to the unit whose own light it is.
	const root = worst.kind === 'child_lagging' ? (worst.params as ChildReason) : null;
	const params: ChildReason = {
		child: root ? `${lag.child.unitName} › ${root.child}` : lag.child.unitName,
		childLight: worst.light,
		childKind: root ? root.childKind : (worst.kind as ChildReason['childKind']),
		childParams: root ? root.childParams : (worst.params as OwnReason),
		others: lag.others
	};
	if (current && current.light === worst.light) {
		if (JSON.stringify(current.params) === JSON.stringify(params)) return;
		await tx.update(alert).set({ params }).where(eq(alert.id, current.id));
		await tx
			.insert(alertEvent)
			.values({ alertId: current.id, on: day, event: 'changed', cause: { cause, ...params } });
		lit.set(key, [...mine.filter((a) => a !== current), { ...current, params }]);
		return;
	}
	// On since the child's light came on, but not before the same light last went out, nor after today.
	const lastOut = (
		await tx
			.select({ on: sql<string | null>`max(${alert.resolvedOn})` })
			.from(alert)
			.where(
				and(
					eq(alert.kind, 'child_lagging'),
					eq(alert.indicatorId, parent.indicatorId),
					eq(alert.unitId, parent.unitId),
					isNull(alert.openKey)
				)
			)
	)[0]?.on;
	const onset = worst.since < day ? worst.since : day;
	const since = lastOut && lastOut > onset ? lastOut : onset;
	const row = (
		await tx
			.insert(alert)
			.values({
				kind: 'child_lagging',
				light: worst.light,
				indicatorId: parent.indicatorId,
				unitId: parent.unitId,
				period: null,
				openKey,
				since,
				params
			})
			.returning({ id: alert.id })
	)[0]!;
	await tx
		.insert(alertEvent)
		.values({ alertId: row.id, on: since, event: 'opened', cause: { cause, ...params } });
	lit.set(key, [
		...(lit.get(key) ?? []),
		{ id: row.id, kind: 'child_lagging', light: worst.light, since, params }
	]);
}
