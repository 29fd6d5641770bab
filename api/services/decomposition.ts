import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import {
	assignment,
	indicator,
	indicatorTarget,
	task,
	unit,
	type AssignmentRole
} from '../../db/schema/index.ts';
import { type Db, withTransaction } from '../../db/client.ts';
import type { Actor, ServiceContext } from '../context.ts';
import { fail, forbidden, notFound } from '../errors.ts';
import { assertMayDecideFor, assertOffice, assertRole, lineageOf, visibleUnits } from './access.ts';
import { audit } from './audit.ts';
import { openAlerts, refreshSupervision } from './alerts.ts';
import { latestReports } from './latest-reports.ts';
import { signOffPart } from './requests.ts';
import { notifyUnit } from './notifications.ts';
import { maySeeUnit, ownUnitOnly } from '../../web/src/lib/rules/access.ts';
import { partOriginalDueOn, stateOf } from '../../web/src/lib/rules/lights.ts';
import { actualUnit, targetUnit } from '../../web/src/lib/rules/targets.ts';
import {
	childrenDone,
	divisible,
	laggingChild,
	partGoal,
	rollUpFigures,
	shareProblem,
	type ChildPart,
	type PartShare
} from '../../web/src/lib/rules/rollup.ts';

export type NewChild = {
	unitId: number;
	role: AssignmentRole;
	dueOn: string;
	shares: PartShare[];
};
export type Decomposition = { signBy: string; children: NewChild[] };

type PartRow = typeof assignment.$inferSelect;
type Target = typeof indicatorTarget.$inferSelect;

const partById = async (db: Db, id: number) =>
	(await db.select().from(assignment).where(eq(assignment.id, id)).limit(1))[0];

/** The units below a unit, at any depth (its subtree without itself): a part is handed only down. */
async function unitsBelow(db: Db, unitId: number): Promise<Map<number, string>> {
	const all = await db.select({ id: unit.id, name: unit.name, parentId: unit.parentId }).from(unit);
	const below = new Map<number, string>();
	let level = [unitId];
	while (level.length) {
		const next = all.filter((u) => u.parentId !== null && level.includes(u.parentId) && !below.has(u.id));
		next.forEach((u) => below.set(u.id, u.name));
		level = next.map((u) => u.id);
	}
	return below;
}

/**
 * Whether an actor may read a part: the provincial office, leaders and machine clients all, a level's
 * supervisor those of its subtree; a unit the part's own and
 * those its unit handed down (at any depth), so a city follows its counties' parts.
 */
async function assertMaySee(ctx: ServiceContext, part: PartRow) {
	assertRole(ctx.actor, ['office', 'leader', 'service', 'unit'], 'role.admin_no_business');
	const own = ownUnitOnly(ctx.actor!);
	if (own === null) {
		// A level's supervisor reads the parts of its subtree (rules/access.ts), as if the rest did not exist.
		if (maySeeUnit(ctx.actor!, part.unitId, await lineageOf(ctx, part.unitId))) return;
		throw notFound('part');
	}
	for (let p: PartRow | undefined = part; p; p = p.parentId ? await partById(ctx.db, p.parentId) : undefined)
		if (p.unitId === own) return;
	throw notFound('part');
}

/**
 * 分解/交办: the unit owning a part hands shares of it to units below it, each with its own due date (not
 * later than the part's), its share of each divisible target and a role; they sign for it by `signBy`.
 * Refused with a stable code for each cause; lights, report months and the roll-up follow in the same
 * transaction, and it is audited.
 */
export async function decompose(ctx: ServiceContext, partId: number, input: Decomposition) {
	const part = await partById(ctx.db, partId);
	if (!part) throw notFound('part');
	await assertMaySee(ctx, part);
	if (ownUnitOnly(ctx.actor!) !== part.unitId) throw forbidden('decompose.not_owner');
	if (part.completedOn) throw fail('conflict', 'decompose.part_completed');
	const ind = (await ctx.db.select().from(indicator).where(eq(indicator.id, part.indicatorId)).limit(1))[0]!;
	const today = ctx.clock.today();
	const parentDueOn = part.dueOn ?? ind.dueOn;
	const below = await unitsBelow(ctx.db, part.unitId);
	const taken = new Map(
		(
			await ctx.db
				.select({ unitId: assignment.unitId, parentId: assignment.parentId, shares: assignment.shares })
				.from(assignment)
				.where(eq(assignment.indicatorId, ind.id))
		).map((a) => [a.unitId, a])
	);
	if (input.signBy < today) throw fail('bad_request', 'decompose.sign_by_past', { signBy: input.signBy });
	const seen = new Set<number>();
	for (const c of input.children) {
		const name = below.get(c.unitId);
		if (!name) {
			const other = (await ctx.db.select({ name: unit.name }).from(unit).where(eq(unit.id, c.unitId)))[0];
			throw fail('bad_request', 'decompose.unit_not_below', { unit: other?.name ?? String(c.unitId) });
		}
		if (seen.has(c.unitId)) throw fail('bad_request', 'decompose.duplicate_unit', { unit: name });
		seen.add(c.unitId);
		if (taken.has(c.unitId)) throw fail('conflict', 'decompose.already_decomposed', { unit: name });
		if (parentDueOn && c.dueOn > parentDueOn)
			throw fail('bad_request', 'decompose.due_after_parent', { unit: name, dueOn: c.dueOn, parentDueOn });
		if (input.signBy > c.dueOn)
			throw fail('bad_request', 'decompose.sign_by_after_due', {
				unit: name,
				signBy: input.signBy,
				dueOn: c.dueOn
			});
	}
	const targets = await ctx.db.select().from(indicatorTarget).where(eq(indicatorTarget.indicatorId, ind.id));
	const ids = new Set(targets.filter(divisible).map((t) => t.id));
	if (input.children.some((c) => c.shares.some((s) => !ids.has(s.targetId))))
		throw fail('bad_request', 'decompose.share_unknown_target');
	const siblings = [...taken.values()].filter((a) => a.parentId === part.id);
	const problem = shareProblem(targets, part.shares, [...siblings, ...input.children]);
	if (problem) {
		const label = targets.find((t) => t.id === problem.targetId)!.label;
		throw fail('bad_request', `decompose.${problem.code}`, {
			target: label,
			...(problem.goal !== undefined ? { goal: problem.goal, sum: problem.sum! } : {})
		});
	}
	const from = (await ctx.db.select({ name: unit.name }).from(unit).where(eq(unit.id, part.unitId)))[0]!.name;
	const taskTitle = (await ctx.db.select({ title: task.title }).from(task).where(eq(task.id, ind.taskId)))[0]!
		.title;
	await withTransaction(ctx, async (tx) => {
		const position = (
			await tx.db
				.select({ n: sql<number>`coalesce(max(${assignment.position}), 0)` })
				.from(assignment)
				.where(eq(assignment.indicatorId, ind.id))
		)[0]!.n;
		const rows = await tx.db
			.insert(assignment)
			.values(
				input.children.map((c, k) => ({
					indicatorId: ind.id,
					unitId: c.unitId,
					role: c.role,
					dueOn: c.dueOn,
					originalDueOn: c.dueOn,
					position: position + k + 1,
					parentId: part.id,
					handedOn: today,
					signBy: input.signBy,
					shares: c.shares.length ? c.shares : null
				}))
			)
			.returning();
		await refreshSupervision(tx.db, today, { unitIds: input.children.map((c) => c.unitId) }, 'decomposed');
		// Each receiving unit hears who handed it what, by when to sign (its digest mails it, like a new assignment).
		for (const c of input.children) {
			const row = rows.find((r) => r.unitId === c.unitId)!;
			await notifyUnit(tx, {
				unitId: c.unitId,
				key: `part.handed|${row.id}`,
				message: {
					code: 'part.handed',
					params: {
						from,
						task: taskTitle,
						text: ind.text,
						role: c.role,
						dueOn: c.dueOn,
						signBy: input.signBy,
						shares: c.shares.map((s) => {
							const t = targets.find((x) => x.id === s.targetId)!;
							return {
								label: t.label,
								value: s.value,
								unit: targetUnit(actualUnit(t)),
								atLeast: s.mode === 'at_least'
							};
						})
					}
				},
				link: `/parts/${row.id}`,
				light: null
			});
		}
		await audit(tx, {
			action: 'part.decompose',
			objectType: 'assignment',
			objectId: part.id,
			after: { indicatorId: ind.id, signBy: input.signBy, children: rows }
		});
	});
	return await getPart(ctx, partId);
}

/** 签收: the unit a part was handed to signs for it (late after its sign-by day, which lit it). */
export async function signPart(ctx: ServiceContext, partId: number) {
	const part = await partById(ctx.db, partId);
	if (!part) throw notFound('part');
	await assertMaySee(ctx, part);
	if (ownUnitOnly(ctx.actor!) !== part.unitId) throw forbidden('part.sign_not_own');
	if (!part.parentId) throw fail('conflict', 'part.not_handed_down');
	if (part.signedOn) throw fail('conflict', 'part.already_signed');
	const today = ctx.clock.today();
	await withTransaction(ctx, async (tx) => {
		await tx.db.update(assignment).set({ signedOn: today }).where(eq(assignment.id, part.id));
		await refreshSupervision(
			tx.db,
			today,
			{ unitIds: [part.unitId], indicatorIds: [part.indicatorId] },
			'signed'
		);
		await audit(tx, {
			action: 'part.sign',
			objectType: 'assignment',
			objectId: part.id,
			before: { signedOn: null },
			after: { signedOn: today, late: !!part.signBy && today > part.signBy }
		});
	});
	return await getPart(ctx, partId);
}

/**
 * The office signs off a decomposed part whose children are not all done (a unit cannot ask for it then):
 * recorded with its reason and the open children, audited.
 */
export async function overrideSignOff(ctx: ServiceContext, partId: number, reason: string) {
	assertOffice(ctx.actor);
	const part = await partById(ctx.db, partId);
	if (!part) throw notFound('part');
	await assertMayDecideFor(ctx, part.unitId);
	if (part.completedOn) throw fail('conflict', 'part.override_completed');
	const open = await ctx.db
		.select({ id: assignment.id, unit: unit.name })
		.from(assignment)
		.innerJoin(unit, eq(unit.id, assignment.unitId))
		.where(and(eq(assignment.parentId, part.id), isNull(assignment.completedOn)));
	if (!open.length) throw fail('conflict', 'part.override_children_done');
	const ind = (await ctx.db.select().from(indicator).where(eq(indicator.id, part.indicatorId)).limit(1))[0]!;
	const today = ctx.clock.today();
	await withTransaction(ctx, async (tx) => {
		await signOffPart(
			tx,
			ind.id,
			part.unitId,
			ind.kind === 'joint' && !part.parentId,
			today,
			ctx.clock.now()
		);
		await refreshSupervision(tx.db, today, { indicatorIds: [ind.id] }, 'signed_off');
		await refreshSupervision(tx.db, today, { unitIds: [part.unitId] }, 'signed_off');
		await audit(tx, {
			action: 'part.override_sign_off',
			objectType: 'assignment',
			objectId: part.id,
			before: { completedOn: null, openChildren: open },
			after: { completedOn: today, reason }
		});
	});
	return await getPart(ctx, partId);
}

type Latest = Awaited<ReturnType<typeof latestReports>>;

/** A part's figures, by target id: its own latest report's, or for a decomposed part its children's summed. */
function figuresOf(id: number, parts: PartRow[], targets: Target[], latest: Latest): Map<number, number> {
	const self = parts.find((p) => p.id === id)!;
	const children = parts.filter((p) => p.parentId === id);
	if (!children.length) return latest.get(self.indicatorId)?.get(self.unitId)?.values ?? new Map();
	const out = new Map<number, number>();
	for (const f of rollUpFigures(
		targets,
		self.shares,
		children.map((c) => childOf(c, parts, targets, latest))
	))
		if (f.actual !== null) out.set(f.targetId, f.actual);
	return out;
}

const childOf = (c: PartRow, parts: PartRow[], targets: Target[], latest: Latest): ChildPart => ({
	unitName: '',
	completedOn: c.completedOn,
	light: null,
	since: null,
	actuals: figuresOf(c.id, parts, targets, latest)
});

/**
 * The views of the parts of some indicators, read in a fixed number of queries however many parts are
 * shown (the indicators, their parts with their units' names, targets, latest reports and open alerts):
 * `view` is one part's own state and lights, dates, 签收, worst reason, figures and how many children of
 * its own; `rollup` its children's figures summed against its goal, and the lagging child.
 */
async function partViews(db: Db, day: string, indicatorIds: number[]) {
	const indicators = new Map(
		(
			await db
				.select({
					id: indicator.id,
					text: indicator.text,
					task: task.title,
					kind: indicator.kind,
					dueOn: indicator.dueOn,
					originalDueOn: indicator.originalDueOn
				})
				.from(indicator)
				.innerJoin(task, eq(task.id, indicator.taskId))
				.where(inArray(indicator.id, indicatorIds))
		).map((i) => [i.id, i])
	);
	const rows = await db
		.select({ part: assignment, unitName: unit.name })
		.from(assignment)
		.innerJoin(unit, eq(unit.id, assignment.unitId))
		.where(inArray(assignment.indicatorId, indicatorIds));
	const names = new Map(rows.map((r) => [r.part.unitId, r.unitName]));
	const partsOf = new Map<number, PartRow[]>();
	for (const { part } of rows)
		(partsOf.get(part.indicatorId) ?? partsOf.set(part.indicatorId, []).get(part.indicatorId)!).push(part);
	const targetsOf = new Map<number, Target[]>();
	for (const t of await db
		.select()
		.from(indicatorTarget)
		.where(inArray(indicatorTarget.indicatorId, indicatorIds))
		.orderBy(asc(indicatorTarget.indicatorId), asc(indicatorTarget.position)))
		(targetsOf.get(t.indicatorId) ?? targetsOf.set(t.indicatorId, []).get(t.indicatorId)!).push(t);
	const latest = await latestReports(db, day, { indicatorIds });
	const alerts = await openAlerts(db, day, { indicatorIds });
	const context = (p: PartRow) => ({
		ind: indicators.get(p.indicatorId)!,
		parts: partsOf.get(p.indicatorId)!,
		targets: targetsOf.get(p.indicatorId) ?? []
	});
	const view = (p: PartRow) => {
		const { ind, parts, targets } = context(p);
		const worst = alerts.find((a) => a.indicator?.id === p.indicatorId && a.unit?.id === p.unitId);
		const kids = parts.filter((c) => c.parentId === p.id);
		const figures = figuresOf(p.id, parts, targets, latest);
		return {
			id: p.id,
			unit: { id: p.unitId, name: names.get(p.unitId)! },
			role: p.role,
			dueOn: p.dueOn ?? ind.dueOn,
			completedOn: p.completedOn,
			handedOn: p.handedOn,
			signBy: p.signBy,
			signedOn: p.signedOn,
			signLate: !!p.signBy && (p.signedOn ? p.signedOn > p.signBy : day > p.signBy),
			shares: p.shares ?? [],
			state: stateOf(
				{ completedOn: p.completedOn, originalDueOn: partOriginalDueOn(p, ind) },
				alerts
					.filter((a) => a.indicator?.id === p.indicatorId && a.unit?.id === p.unitId)
					.map((a) => a.light),
				day
			),
			reason: worst ? { kind: worst.kind, light: worst.light, since: worst.since, text: worst.reason } : null,
			actuals: [...figures].map(([targetId, value]) => ({ targetId, value })),
			children: { done: childrenDone(kids), of: kids.length }
		};
	};
	type View = ReturnType<typeof view>;
	/** A part's children's views, and its roll-up from them. */
	const rollup = (p: PartRow) => {
		const { parts, targets } = context(p);
		const kids = parts.filter((c) => c.parentId === p.id);
		const children: View[] = kids.map(view);
		const asChildren: ChildPart[] = kids.map((c, k) => ({
			unitName: children[k]!.unit.name,
			completedOn: c.completedOn,
			light: children[k]!.reason?.light ?? null,
			since: children[k]!.reason?.since ?? null,
			actuals: figuresOf(c.id, parts, targets, latest)
		}));
		const lag = laggingChild(asChildren);
		return {
			children,
			rollup: {
				figures: rollUpFigures(targets, p.shares, asChildren),
				lagging: lag ? { unit: lag.child.unitName, light: lag.child.light!, others: lag.others } : null
			}
		};
	};
	const parentOf = (p: PartRow) => {
		const parent = p.parentId ? context(p).parts.find((q) => q.id === p.parentId) : undefined;
		return parent ? { id: parent.id, unit: { id: parent.unitId, name: names.get(parent.unitId)! } } : null;
	};
	return { context, view, rollup, parentOf };
}

/**
 * One part with its roll-up: its own state and lights, its children (unit, role, dates, 签收, state, worst
 * reason, figures, how many children of their own), the targets summed from them against its goal,
 * "n/m 已完成", and the lagging child. For the owner of the part, the units it may still hand down to.
 */
export async function getPart(ctx: ServiceContext, partId: number) {
	const part = await partById(ctx.db, partId);
	if (!part) throw notFound('part');
	await assertMaySee(ctx, part);
	const views = await partViews(ctx.db, ctx.clock.today(), [part.indicatorId]);
	const { ind, parts, targets } = views.context(part);
	const { children, rollup } = views.rollup(part);
	const mayDecompose = ownUnitOnly(ctx.actor!) === part.unitId && !part.completedOn;
	const below = mayDecompose ? await unitsBelow(ctx.db, part.unitId) : new Map<number, string>();
	const takenUnits = new Set(parts.map((p) => p.unitId));
	return {
		...views.view(part),
		indicator: ind,
		parent: views.parentOf(part),
		targets: targets.filter(divisible).map((t) => ({
			id: t.id,
			label: t.label,
			...actualUnit(t),
			aggregation: t.aggregation,
			goal: partGoal(t, part.shares)
		})),
		rollup,
		children,
		mayDecompose,
		candidates: [...below].filter(([id]) => !takenUnits.has(id)).map(([id, name]) => ({ id, name }))
	};
}

/**
 * The first parts a supervisor's drill-down shows: the plan's own (the province), or the parts of its
 * subtree not handed down from within it (a city's supervisor: the city's parts).
 */
function topOfView(actor: Actor) {
	const visible = visibleUnits(actor, sql`${assignment.unitId}`);
	if (!visible) return isNull(assignment.parentId);
	return and(
		visible,
		sql`(${assignment.parentId} is null or not exists (select 1 from assignment pa where pa.id = ${assignment.parentId}
			and ${visibleUnits(actor, sql`pa.unit_id`)}))`
	);
}

/**
 * The parts to look at: a unit's own (optionally of one indicator), or, for supervisors, the plan's parts
 * of one indicator (the first step of the drill-down indicator → city → county).
 */
export async function listParts(ctx: ServiceContext, indicatorId: number | undefined) {
	assertRole(ctx.actor, ['office', 'leader', 'service', 'unit'], 'role.admin_no_business');
	const own = ownUnitOnly(ctx.actor!);
	if (own === null && !indicatorId) throw fail('bad_request', 'part.indicator_required');
	const rows = await ctx.db
		.select()
		.from(assignment)
		.where(
			and(
				own === null ? topOfView(ctx.actor!) : eq(assignment.unitId, own),
				indicatorId ? eq(assignment.indicatorId, indicatorId) : undefined
			)
		)
		.orderBy(asc(assignment.indicatorId), asc(assignment.position));
	if (!rows.length) return [];
	// Every row is the caller's own part or one of its view's top: seen without asking per row.
	const views = await partViews(ctx.db, ctx.clock.today(), [...new Set(rows.map((p) => p.indicatorId))]);
	return rows.map((p) => {
		const { ind } = views.context(p);
		const { state, reason, children, ...own } = views.view(p);
		return {
			id: p.id,
			indicator: { id: ind.id, text: ind.text, task: ind.task },
			unit: own.unit,
			role: own.role,
			dueOn: own.dueOn,
			completedOn: own.completedOn,
			signBy: own.signBy,
			signedOn: own.signedOn,
			signLate: own.signLate,
			state,
			reason,
			parent: views.parentOf(p),
			children: children.of ? children : null,
			rollup: views.rollup(p).rollup
		};
	});
}
