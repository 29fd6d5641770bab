import { and, asc, desc, eq, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import { alias, type SQLiteSelect } from 'drizzle-orm/sqlite-core';
import {
	alert,
	assignment,
	indicator,
	indicatorTarget,
	pendingGroup,
	section,
	task,
	unit,
	unitGroup
} from '../../db/schema/index.ts';
import type { Db } from '../../db/client.ts';
import type { ServiceContext } from '../context.ts';
import { notFound } from '../errors.ts';
import { subtreeOnly, visibleIndicators } from './access.ts';
import { openAlerts } from './alerts.ts';
import { ownParts, targetView, type OwnPart } from './target-view.ts';
import { ownUnitOnly } from '../../web/src/lib/rules/access.ts';
import { targetsProgress } from './latest-reports.ts';
import {
	accountable,
	completionOf,
	partOriginalDueOn,
	partsDone,
	stateOf
} from '../../web/src/lib/rules/lights.ts';

export type IndicatorFilter = {
	planId?: number;
	sectionId?: number;
	unitId?: number;
	role?: 'lead' | 'co';
	dueFrom?: string;
	dueTo?: string;
	status?: 'open' | 'completed';
	unresolved?: boolean;
	q?: string;
	sort?: 'position' | 'due' | '-due';
	page: number;
	pageSize: number;
};

const section2 = alias(section, 'section2');
const section1 = alias(section, 'section1');

function conditions(ctx: ServiceContext, f: IndicatorFilter): SQL | undefined {
	const where: (SQL | undefined)[] = [visibleIndicators(ctx.actor!)];
	if (f.planId) where.push(eq(indicator.planId, f.planId));
	if (f.sectionId) where.push(or(eq(section1.id, f.sectionId), eq(section2.id, f.sectionId)));
	if (f.unitId) {
		const roleCond = f.role ? sql` and role = ${f.role}` : sql``;
		where.push(
			sql`${indicator.id} in (select indicator_id from assignment where unit_id = ${f.unitId}${roleCond})`
		);
	} else if (f.role && ctx.actor!.unit) {
		where.push(
			sql`${indicator.id} in (select indicator_id from assignment where unit_id = ${ctx.actor!.unit.id} and role = ${f.role})`
		);
	}
	if (f.dueFrom) where.push(sql`${indicator.dueOn} >= ${f.dueFrom}`);
	if (f.dueTo) where.push(sql`${indicator.dueOn} <= ${f.dueTo}`);
	if (f.status) where.push(eq(indicator.status, f.status));
	if (f.unresolved) {
		where.push(sql`${indicator.id} in (select indicator_id from pending_group where resolved_at is null)`);
	}
	if (f.q) {
		const pattern = `%${f.q.replace(/[%_\\]/g, (m) => `\\${m}`)}%`;
		where.push(
			or(
				sql`${indicator.text} like ${pattern} escape '\\'`,
				sql`${task.title} like ${pattern} escape '\\'`,
				sql`${indicator.unitsText} like ${pattern} escape '\\'`
			)
		);
	}
	return and(...where);
}

const baseColumns = {
	id: indicator.id,
	planId: indicator.planId,
	position: indicator.position,
	text: indicator.text,
	deadlineText: indicator.deadlineText,
	dueOn: indicator.dueOn,
	originalDueOn: indicator.originalDueOn,
	recurrence: indicator.recurrence,
	status: indicator.status,
	completedOn: indicator.completedOn,
	kind: indicator.kind,
	unitsText: indicator.unitsText,
	taskId: task.id,
	taskTitle: task.title,
	section2Id: section2.id,
	section2Name: section2.name,
	section1Id: section1.id,
	section1Name: section1.name
};

/** Joins an indicator query to its task and sections (a task hangs under a level-2 section, or
 * directly under a level-1 section when the table has no second level). */
function withSections<T extends SQLiteSelect>(qb: T) {
	return qb
		.innerJoin(task, eq(task.id, indicator.taskId))
		.leftJoin(section2, and(eq(section2.id, task.sectionId), eq(section2.level, 2)))
		.leftJoin(
			section1,
			or(eq(section1.id, section2.parentId), and(eq(section1.id, task.sectionId), eq(section1.level, 1)))
		);
}

const baseQuery = (db: Db) => withSections(db.select(baseColumns).from(indicator).$dynamic());

type BaseRow = Awaited<ReturnType<ReturnType<typeof baseQuery>['all']>>[number];

/**
 * Units, placeholders and targets for a page of indicators, in three queries. A level's supervisor sees
 * the units of its subtree only (a 各设区市政府 indicator names eleven cities; 杭州's sees 杭州's part).
 */
async function attachDetails(ctx: ServiceContext, rows: BaseRow[]) {
	const db = ctx.db;
	const day = ctx.clock.today();
	const within = subtreeOnly(ctx.actor!, sql`${assignment.unitId}`);
	const ids = rows.map((r) => r.id);
	const units = ids.length
		? await db
				.select({
					indicatorId: assignment.indicatorId,
					unitId: unit.id,
					name: unit.name,
					kind: unit.kind,
					role: assignment.role,
					via: unitGroup.name,
					dueOn: assignment.dueOn,
					originalDueOn: assignment.originalDueOn,
					completedOn: assignment.completedOn
				})
				.from(assignment)
				.innerJoin(unit, eq(unit.id, assignment.unitId))
				.leftJoin(unitGroup, eq(unitGroup.id, assignment.viaGroupId))
				// The plan's own parts: handed-down ones are in their parents' roll-up (decomposition.ts).
				.where(and(inArray(assignment.indicatorId, ids), isNull(assignment.parentId), within))
				.orderBy(asc(assignment.position))
		: [];
	const pending = ids.length
		? await db
				.select({
					indicatorId: pendingGroup.indicatorId,
					groupId: unitGroup.id,
					name: unitGroup.name,
					role: pendingGroup.role,
					resolvedAt: pendingGroup.resolvedAt
				})
				.from(pendingGroup)
				.innerJoin(unitGroup, eq(unitGroup.id, pendingGroup.groupId))
				.where(inArray(pendingGroup.indicatorId, ids))
		: [];
	const targets = ids.length
		? await db
				.select()
				.from(indicatorTarget)
				.where(inArray(indicatorTarget.indicatorId, ids))
				.orderBy(asc(indicatorTarget.position))
		: [];
	const alerts = ids.length
		? await openAlerts(db, day, {
				indicatorIds: ids,
				within: subtreeOnly(ctx.actor!, sql`${alert.unitId}`)
			})
		: [];
	// A unit's own list holds it to its own parts: a handed-down part's share, its own figures alone.
	const own = ownUnitOnly(ctx.actor!);
	const ownOf =
		own !== null && ids.length
			? await ownParts(
					db,
					await db
						.select({
							indicatorId: assignment.indicatorId,
							parentId: assignment.parentId,
							shares: assignment.shares
						})
						.from(assignment)
						.where(and(eq(assignment.unitId, own), inArray(assignment.indicatorId, ids)))
				)
			: new Map<number, OwnPart>();
	const progress = await targetsProgress(db, day, targets, (id) =>
		ownOf.has(id) ? { unitId: own!, ...ownOf.get(id)! } : undefined
	);
	return rows.map((r) => {
		const mine = units.filter((u) => u.indicatorId === r.id);
		const lit = alerts.filter((a) => a.indicator?.id === r.id);
		const unitOf = (u: (typeof mine)[number]) => ({
			id: u.unitId,
			name: u.name,
			kind: u.kind,
			via: u.via,
			/** This unit's part: accountable or supporting, its own due date, its state (the shared rule). */
			accountable: accountable(r.kind, u.role),
			dueOn: u.dueOn ?? r.dueOn,
			state: stateOf(
				{ completedOn: u.completedOn, originalDueOn: partOriginalDueOn(u, r) },
				lit.filter((a) => a.unit?.id === u.unitId).map((a) => a.light)
			)
		});
		const parts = mine.filter((u) => accountable(r.kind, u.role));
		return {
			id: r.id,
			planId: r.planId,
			position: r.position,
			text: r.text,
			deadlineText: r.deadlineText,
			dueOn: r.dueOn,
			originalDueOn: r.originalDueOn,
			recurrence: r.recurrence,
			status: r.status,
			completedOn: r.completedOn,
			kind: r.kind,
			/** On-time statistics use the original due date, whatever extensions were granted. */
			completion: completionOf(r.completedOn, r.originalDueOn),
			light: stateOf(
				r,
				lit.map((a) => a.light)
			),
			/** "7/11 已完成": the accountable parts signed off. */
			parts: partsDone(parts),
			alerts: lit.map((a) => ({
				unitId: a.unit?.id ?? null,
				unit: a.unit?.name ?? null,
				kind: a.kind,
				light: a.light,
				since: a.since,
				params: a.params,
				reason: a.reason
			})),
			unitsText: r.unitsText,
			task: { id: r.taskId, title: r.taskTitle },
			section1: r.section1Id !== null ? { id: r.section1Id, name: r.section1Name! } : null,
			section2: r.section2Id !== null ? { id: r.section2Id, name: r.section2Name! } : null,
			leadUnits: mine.filter((u) => u.role === 'lead').map(unitOf),
			coUnits: mine.filter((u) => u.role === 'co').map(unitOf),
			pendingGroups: pending
				.filter((p) => p.indicatorId === r.id)
				.map((p) => ({ groupId: p.groupId, name: p.name, role: p.role, resolved: p.resolvedAt !== null })),
			targets: targets
				.filter((t) => t.indicatorId === r.id)
				.map((t) => ({
					...targetView(t, ownOf.get(r.id)),
					text: t.sourceText,
					progress: progress.get(t.id)!
				}))
		};
	});
}

export type IndicatorView = Awaited<ReturnType<typeof attachDetails>>[number];

export async function listIndicators(ctx: ServiceContext, f: IndicatorFilter) {
	const where = conditions(ctx, f);
	const order =
		f.sort === 'due'
			? [sql`${indicator.dueOn} is null`, asc(indicator.dueOn), asc(indicator.position)]
			: f.sort === '-due'
				? [desc(indicator.dueOn), asc(indicator.position)]
				: [asc(indicator.planId), asc(indicator.position)];
	const rows = await baseQuery(ctx.db)
		.where(where)
		.orderBy(...order)
		.limit(f.pageSize)
		.offset((f.page - 1) * f.pageSize);
	const total =
		(
			await withSections(
				ctx.db
					.select({ n: sql<number>`count(*)` })
					.from(indicator)
					.$dynamic()
			).where(where)
		)[0]?.n ?? 0;
	return {
		items: await attachDetails(ctx, rows),
		total,
		page: f.page,
		pageSize: f.pageSize
	};
}

export async function getIndicator(ctx: ServiceContext, id: number): Promise<IndicatorView> {
	const [row] = await baseQuery(ctx.db)
		.where(and(eq(indicator.id, id), visibleIndicators(ctx.actor!)))
		.limit(1);
	if (!row) throw notFound('indicator');
	return (await attachDetails(ctx, [row]))[0]!;
}
