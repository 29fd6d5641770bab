import { and, eq, isNull, sql } from 'drizzle-orm';
import {
	assignment,
	indicator,
	indicatorTarget,
	pendingGroup,
	plan,
	section,
	task,
	unit,
	unitGroup,
	unitGroupMember,
	type AssignmentRole,
	type UnitKind
} from '../../db/schema/index.ts';
import type { Db } from '../../db/client.ts';
import { analyseTable, type ImportRow, type Issue } from '../../db/import/analyse.ts';
import { readTable, TableReadError } from '../../db/import/read-table.ts';
import type { ServiceContext } from '../context.ts';
import { ApiError } from '../errors.ts';
import { refreshSupervision } from './alerts.ts';
import { assertOffice } from './access.ts';
import { audit } from './audit.ts';

export type PlanInput = {
	planId?: number;
	title?: string;
	year?: number;
	docNumber?: string;
	issuer?: string;
	issuedOn?: string;
};

export type ImportInput = {
	data: Uint8Array;
	fileName: string;
	plan: PlanInput;
	createUnits: boolean;
	dryRun: boolean;
};

type Counts = { sections: number; tasks: number; indicators: number; assignments: number; targets: number };

export type ImportReport = Counts & {
	planId: number | null;
	committed: boolean;
	/** What a commit adds to the database (the rest is already there). */
	created: Counts & { units: number };
	errors: Issue[];
	warnings: Issue[];
	newUnits: string[];
	rows: ImportRow[];
};

class DryRunRollback extends Error {}

export function inferUnitKind(name: string): UnitKind {
	if (/^(?:浙江)?省/.test(name)) return 'provincial';
	if (/市(?:人民)?政府$/.test(name)) return 'city';
	if (/[县区](?:人民)?政府$/.test(name)) return 'county';
	return 'other';
}

export async function importTable(ctx: ServiceContext, input: ImportInput): Promise<ImportReport> {
	assertOffice(ctx.actor);
	const year = input.plan.year ?? planYear(ctx.db, input.plan.planId);
	let table;
	try {
		table = await readTable(input.data, input.fileName);
	} catch (err) {
		if (err instanceof TableReadError) throw new ApiError('bad_request', err.message);
		throw err;
	}
	const directory = {
		units: new Set(
			ctx.db
				.select({ name: unit.name })
				.from(unit)
				.all()
				.map((u) => u.name)
		),
		groups: new Set(
			ctx.db
				.select({ name: unitGroup.name })
				.from(unitGroup)
				.all()
				.map((g) => g.name)
		)
	};
	const analysis = analyseTable(table, { planYear: year, directory, createUnits: input.createUnits });
	let report!: ImportReport;
	try {
		ctx.db.transaction((tx) => {
			const planId = ensurePlan(tx, input.plan, year);
			const created = writeRows(tx, planId, analysis.rows, analysis.newUnits);
			report = {
				...tableCounts(analysis.rows, created.assignmentsTotal),
				planId,
				committed: false,
				created: created.counts,
				errors: analysis.errors,
				warnings: analysis.warnings,
				newUnits: analysis.newUnits,
				rows: analysis.rows
			};
			// A dry run and a file with errors go through the very same writes, then roll back.
			if (input.dryRun || analysis.errors.length) throw new DryRunRollback();
			// New indicators may already be due or overdue: lit in the import's own transaction.
			refreshSupervision(tx, ctx.clock.today(), {}, 'import');
			audit(
				{ ...ctx, db: tx },
				{
					action: 'plan.import',
					objectType: 'plan',
					objectId: planId,
					after: { file: input.fileName, ...report.created, warnings: report.warnings.length }
				}
			);
			report.committed = true;
		});
	} catch (err) {
		if (!(err instanceof DryRunRollback)) throw err;
		// A plan row created by the rolled-back pass is gone again.
		report.planId = existingPlanId(ctx.db, input.plan, year);
	}
	if (!input.dryRun && analysis.errors.length) {
		throw new ApiError('unprocessable', `导入文件有 ${analysis.errors.length} 处错误，未导入任何数据`, {
			...report,
			rows: undefined
		});
	}
	return report;
}

function planYear(db: Db, planId: number | undefined): number {
	if (planId === undefined) throw new ApiError('bad_request', '请指定计划年度');
	const row = db.select({ year: plan.year }).from(plan).where(eq(plan.id, planId)).get();
	if (!row) throw new ApiError('not_found', '计划不存在');
	return row.year;
}

function existingPlanId(db: Db, p: PlanInput, year: number): number | null {
	if (p.planId !== undefined) return p.planId;
	if (!p.title) return null;
	return (
		db
			.select({ id: plan.id })
			.from(plan)
			.where(and(eq(plan.title, p.title), eq(plan.year, year)))
			.get()?.id ?? null
	);
}

function ensurePlan(tx: Db, p: PlanInput, year: number): number {
	const existing = existingPlanId(tx, p, year);
	if (existing !== null) {
		if (!tx.select({ id: plan.id }).from(plan).where(eq(plan.id, existing)).get()) {
			throw new ApiError('not_found', '计划不存在');
		}
		return existing;
	}
	if (!p.title) throw new ApiError('bad_request', '请填写计划名称');
	return tx
		.insert(plan)
		.values({ title: p.title, year, docNumber: p.docNumber, issuer: p.issuer, issuedOn: p.issuedOn })
		.returning({ id: plan.id })
		.get().id;
}

function tableCounts(rows: ImportRow[], assignments: number): Counts {
	const key = (...parts: (string | null)[]) => parts.join('\u0000');
	const sections = new Set<string>();
	for (const r of rows) {
		if (r.section1) sections.add(key(r.section1));
		if (r.section2) sections.add(r.section1 ? key(r.section1, r.section2) : key(r.section2));
	}
	return {
		sections: sections.size,
		tasks: new Set(rows.map((r) => key(r.section1, r.section2, r.task))).size,
		indicators: new Set(rows.map((r) => key(r.section1, r.section2, r.task, r.indicator))).size,
		assignments,
		targets: rows.reduce((n, r) => n + r.targets.length, 0)
	};
}

/** Upserts sections, tasks, indicators, targets and assignments; returns what it created. */
function writeRows(tx: Db, planId: number, rows: ImportRow[], newUnits: string[]) {
	const counts = { sections: 0, tasks: 0, indicators: 0, assignments: 0, targets: 0, units: 0 };
	for (const name of newUnits) {
		tx.insert(unit)
			.values({ name, kind: inferUnitKind(name), position: 10_000 })
			.run();
		counts.units++;
	}
	const unitIds = new Map(
		tx
			.select({ id: unit.id, name: unit.name })
			.from(unit)
			.all()
			.map((u) => [u.name, u.id])
	);
	const groups = new Map(
		tx
			.select()
			.from(unitGroup)
			.all()
			.map((g) => [g.name, g])
	);
	const members = new Map<number, number[]>();
	for (const m of tx.select().from(unitGroupMember).all()) {
		members.set(m.groupId, [...(members.get(m.groupId) ?? []), m.unitId]);
	}
	const nextPosition = (table: typeof section | typeof task | typeof indicator) =>
		(tx
			.select({ n: sql<number>`coalesce(max(${table.position}), 0)` })
			.from(table)
			.where(eq(table.planId, planId))
			.get()?.n ?? 0) + 1;
	let sectionPos = nextPosition(section);
	let taskPos = nextPosition(task);
	let indicatorPos = nextPosition(indicator);

	const ensureSection = (level: 1 | 2, parentId: number | null, name: string) => {
		const found = tx
			.select({ id: section.id })
			.from(section)
			.where(
				and(
					eq(section.planId, planId),
					eq(section.level, level),
					eq(section.name, name),
					parentId === null ? isNull(section.parentId) : eq(section.parentId, parentId)
				)
			)
			.get();
		if (found) return found.id;
		counts.sections++;
		return tx
			.insert(section)
			.values({ planId, parentId, level, name, position: sectionPos++ })
			.returning({ id: section.id })
			.get().id;
	};
	const ensureTask = (sectionId: number | null, title: string) => {
		const found = tx
			.select({ id: task.id })
			.from(task)
			.where(
				and(
					eq(task.planId, planId),
					eq(task.title, title),
					sectionId === null ? isNull(task.sectionId) : eq(task.sectionId, sectionId)
				)
			)
			.get();
		if (found) return found.id;
		counts.tasks++;
		return tx
			.insert(task)
			.values({ planId, sectionId, title, position: taskPos++ })
			.returning({ id: task.id })
			.get().id;
	};

	let assignmentsTotal = 0;
	for (const row of rows) {
		const s1 = row.section1 ? ensureSection(1, null, row.section1) : null;
		const s2 = row.section2
			? s1 === null
				? ensureSection(1, null, row.section2)
				: ensureSection(2, s1, row.section2)
			: null;
		const taskId = ensureTask(s2 ?? s1, row.task);
		const indicatorId = ensureIndicator(tx, planId, taskId, row, () => indicatorPos++, counts);

		const seen = new Set<number>();
		let position = 0;
		const assign = (unitId: number, role: AssignmentRole, viaGroupId: number | null) => {
			if (seen.has(unitId)) return;
			seen.add(unitId);
			assignmentsTotal++;
			const inserted = tx
				.insert(assignment)
				.values({ indicatorId, unitId, role, viaGroupId, position: position++ })
				.onConflictDoNothing()
				.run();
			counts.assignments += inserted.changes;
			// A lead that is a group (各设区市政府) means every member owes its own part (the office may change it).
			if (inserted.changes && viaGroupId !== null && role === 'lead')
				tx.update(indicator).set({ kind: 'each' }).where(eq(indicator.id, indicatorId)).run();
		};
		for (const ref of row.units) {
			if (ref.type !== 'group') {
				assign(unitIds.get(ref.name)!, ref.role, null);
				continue;
			}
			const group = groups.get(ref.name)!;
			if (group.kind === 'placeholder') {
				tx.insert(pendingGroup)
					.values({ indicatorId, groupId: group.id, role: ref.role })
					.onConflictDoNothing()
					.run();
			} else {
				for (const unitId of members.get(group.id) ?? []) assign(unitId, ref.role, group.id);
			}
		}
	}
	return { counts, assignmentsTotal };
}

function ensureIndicator(
	tx: Db,
	planId: number,
	taskId: number,
	row: ImportRow,
	nextPosition: () => number,
	counts: { indicators: number; targets: number }
): number {
	const fields = {
		deadlineText: row.deadlineText,
		dueOn: row.dueOn,
		originalDueOn: row.dueOn,
		recurrence: row.recurrence,
		unitsText: row.unitsText
	};
	const found = tx
		.select({ id: indicator.id, dueOn: indicator.dueOn, originalDueOn: indicator.originalDueOn })
		.from(indicator)
		.where(and(eq(indicator.taskId, taskId), eq(indicator.text, row.indicator)))
		.get();
	let id: number;
	if (found) {
		id = found.id;
		// Re-importing corrects the planned deadline, but never undoes an approved extension.
		if (found.dueOn === found.originalDueOn)
			tx.update(indicator).set(fields).where(eq(indicator.id, id)).run();
	} else {
		counts.indicators++;
		id = tx
			.insert(indicator)
			.values({ planId, taskId, text: row.indicator, position: nextPosition(), ...fields })
			.returning({ id: indicator.id })
			.get().id;
	}
	const existing = tx.select().from(indicatorTarget).where(eq(indicatorTarget.indicatorId, id)).all();
	const same =
		existing.length === row.targets.length &&
		existing.every((t, i) => {
			const n = row.targets[i]!;
			return t.label === n.label && t.op === n.op && t.value === n.value && t.unit === n.unit;
		});
	if (!same) {
		tx.delete(indicatorTarget).where(eq(indicatorTarget.indicatorId, id)).run();
		row.targets.forEach((t, position) => {
			tx.insert(indicatorTarget)
				.values({
					indicatorId: id,
					label: t.label,
					op: t.op,
					value: t.value,
					unit: t.unit,
					sourceText: t.text,
					position
				})
				.run();
			counts.targets++;
		});
	}
	return id;
}
