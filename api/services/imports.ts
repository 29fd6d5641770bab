import { and, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import { createHash } from 'node:crypto';
import {
	assignment,
	importLayout,
	importRequest,
	indicator,
	indicatorTarget,
	pendingGroup,
	plan,
	reportItemValue,
	section,
	task,
	unit,
	unitGroup,
	unitGroupMember,
	type AssignmentRole,
	type UnitKind
} from '../../db/schema/index.ts';
import { type Db, rowsAffected, withTransaction } from '../../db/client.ts';
import { toWorkerContext } from '../lib/worker-context.ts';
import { type Analysis, type ImportRow, type Issue, type LayoutSummary } from '../../db/import/analyse.ts';
import type { DeadlineRule } from '../../db/import/parse/deadline.ts';
import type { Target } from '../../db/import/parse/targets.ts';
import type { ManualMapping } from '../../db/import/layout.ts';
import { importInWorker, type Progress } from './import-worker.ts';
import { setImportProgress } from './import-progress.ts';
import type { ServiceContext } from '../context.ts';
import { fail } from '../errors.ts';
import { refreshSupervision } from './alerts.ts';
import { notifyingPlanChanges } from './plan-changes.ts';
import { assertProvincialOffice } from './access.ts';
import { audit } from './audit.ts';

export type PlanInput = {
	planId?: number;
	title?: string;
	year?: number;
	docNumber?: string;
	issuer?: string;
	issuedOn?: string;
};

/** The columns a hand-made mapping may name (the route validates `mapping` against them). */
export { COLUMN_KEYS, type ColumnKey } from '../../db/import/columns.ts';

export type ImportInput = {
	data: Uint8Array;
	fileName: string;
	plan: PlanInput;
	createUnits: boolean;
	dryRun: boolean;
	/** Columns chosen by hand when the layout was not recognised; remembered for the same layout. */
	mapping?: ManualMapping;
};

type Counts = { sections: number; tasks: number; indicators: number; assignments: number; targets: number };

export type ImportReport = Counts & {
	planId: number | null;
	committed: boolean;
	/** What a commit adds to the database (the rest is already there). */
	created: Counts & { units: number };
	errors: Issue[];
	warnings: Issue[];
	notes: Issue[];
	newUnits: string[];
	dataRows: number;
	layout: LayoutSummary;
	rows: ImportRow[];
};

class DryRunRollback extends Error {}

export function inferUnitKind(name: string): UnitKind {
	if (/^(?:浙江)?省/.test(name)) return 'provincial';
	if (/市(?:人民)?政府$/.test(name)) return 'city';
	if (/[县区](?:人民)?政府$/.test(name)) return 'county';
	return 'other';
}

export type ImportOptions = {
	/** Idempotency-Key: a retried commit with the same key and file gets the first answer, no second import. */
	key?: string;
};

export async function importTable(
	ctx: ServiceContext,
	input: ImportInput,
	options: ImportOptions = {}
): Promise<ImportReport & { replayed?: boolean }> {
	const { json, replayed } = await importTableJson(ctx, input, options);
	return replayed ? { ...(JSON.parse(json) as ImportReport), replayed } : JSON.parse(json);
}

/**
 * The import as JSON text: read, analysed and written on a worker thread with its own connection
 * (import-job.ts), so the request thread serves others meanwhile; a 20,000-row preview is megabytes of
 * JSON, made there too.
 */
export async function importTableJson(
	ctx: ServiceContext,
	input: ImportInput,
	options: ImportOptions = {}
): Promise<{ json: string; replayed: boolean }> {
	assertProvincialOffice(ctx.actor);
	const year = input.plan.year ?? (await planYear(ctx.db, input.plan.planId));
	const digest = requestDigest(input);
	const replay = options.key && !input.dryRun ? await storedAnswer(ctx, options.key, digest) : null;
	if (replay) return { json: JSON.stringify(replay), replayed: true };
	const progress = (p: Progress) => setImportProgress(ctx, options.key, p);
	progress({ phase: 'reading', done: 0, total: 0 });
	try {
		const result = await importInWorker(
			{
				context: toWorkerContext(ctx),
				input,
				year,
				key: options.key,
				digest
			},
			progress
		);
		if (result.refused) {
			const { errors } = result.refused;
			throw fail('unprocessable', 'import.has_errors', { n: errors.length }, result.refused);
		}
		return { json: result.json, replayed: false };
	} finally {
		progress({ phase: 'done', done: 0, total: 0 });
	}
}

export type WriteJob = { input: ImportInput; year: number; key?: string; digest: string };

/**
 * The writes of an import in one transaction on the caller's connection (a worker's own): all or
 * nothing. A dry run and a file with errors go through the very same writes, then roll back.
 */
export async function writeImport(
	ctx: ServiceContext,
	analysis: Analysis,
	{ input, year, key, digest }: WriteJob,
	onProgress: (done: number, total: number) => void
): Promise<ImportReport> {
	let report!: ImportReport;
	try {
		// Immediate: the write lock from the start, so no other connection writes between its reads and writes.
		await withTransaction(ctx, async (tx) => {
			const planId = await ensurePlan(tx.db, input.plan, year);
			const created = await notifyingPlanChanges(tx, { planId }, () =>
				writeRows(tx.db, planId, analysis, onProgress)
			);
			report = {
				...tableCounts(analysis.rows, created.assignmentsTotal),
				planId,
				committed: false,
				created: created.counts,
				errors: analysis.errors,
				warnings: analysis.warnings,
				notes: analysis.notes,
				newUnits: analysis.newUnits,
				dataRows: analysis.dataRows,
				layout: analysis.layout,
				rows: analysis.rows
			};
			if (input.dryRun || analysis.errors.length) throw new DryRunRollback();
			// New indicators may already be due or overdue: lit in the import's own transaction.
			await refreshSupervision(tx.db, ctx.clock.today(), {}, 'import');
			await audit(tx, {
				action: 'plan.import',
				objectType: 'plan',
				objectId: planId,
				after: { file: input.fileName, ...report.created, warnings: report.warnings.length }
			});
			report.committed = true;
			if (input.mapping) await rememberMapping(tx.db, ctx, analysis.layout.signature, input.mapping);
			// In the same transaction as the import: after a crash there is either both or neither.
			if (key) await storeAnswer(tx.db, ctx, key, digest, report);
		});
	} catch (err) {
		if (!(err instanceof DryRunRollback)) throw err;
		// A plan row created by the rolled-back pass is gone again.
		report.planId = await existingPlanId(ctx.db, input.plan, year);
	}
	return report;
}

/** What the analysis needs to know of the directory and of earlier imports. */
export async function analysisContext(db: Db) {
	return {
		units: (await db.select({ name: unit.name }).from(unit)).map((u) => u.name),
		groups: await groupNames(db, 'members'),
		placeholders: await groupNames(db, 'placeholder'),
		retired: (
			await db
				.select({ name: unit.name, retiredIn: unit.retiredIn })
				.from(unit)
				.where(isNotNull(unit.retiredIn))
		).map((u): [string, number] => [u.name, u.retiredIn!]),
		remembered: await rememberedMappings(db)
	};
}

/** The file and everything that decides what it imports to. */
function requestDigest(input: ImportInput): string {
	const hash = createHash('sha256');
	hash.update(input.data);
	hash.update(JSON.stringify([input.fileName, input.plan, input.createUnits, input.mapping ?? null]));
	return hash.digest('hex');
}

async function storedAnswer(ctx: ServiceContext, key: string, digest: string): Promise<ImportReport | null> {
	const row = (
		await ctx.db
			.select()
			.from(importRequest)
			.where(and(eq(importRequest.userId, ctx.actor!.id), eq(importRequest.key, key)))
			.limit(1)
	)[0];
	if (!row) return null;
	if (row.digest !== digest) throw fail('conflict', 'import.key_reused');
	return row.response as ImportReport;
}

async function storeAnswer(tx: Db, ctx: ServiceContext, key: string, digest: string, report: ImportReport) {
	// The rows can be thousands: a replay answers whether and what was imported, not the preview again.
	await tx
		.insert(importRequest)
		.values({ userId: ctx.actor!.id, key, digest, response: { ...report, rows: [] } });
}

async function rememberedMappings(db: Db): Promise<Record<string, ManualMapping>> {
	return Object.fromEntries(
		(await db.select().from(importLayout)).map((l) => [l.signature, l.mapping as ManualMapping])
	);
}

async function rememberMapping(tx: Db, ctx: ServiceContext, signature: string, mapping: ManualMapping) {
	if (!signature) return;
	await tx
		.insert(importLayout)
		.values({ signature, mapping, updatedBy: ctx.actor!.id || null })
		.onConflictDoUpdate({
			target: importLayout.signature,
			set: { mapping, updatedBy: ctx.actor!.id || null }
		});
}

async function groupNames(db: Db, kind: 'members' | 'placeholder') {
	return (await db.select({ name: unitGroup.name }).from(unitGroup).where(eq(unitGroup.kind, kind))).map(
		(g) => g.name
	);
}

async function planYear(db: Db, planId: number | undefined): Promise<number> {
	if (planId === undefined) throw fail('bad_request', 'import.year_required');
	const row = (await db.select({ year: plan.year }).from(plan).where(eq(plan.id, planId)).limit(1))[0];
	if (!row) throw fail('not_found', 'not_found.plan');
	return row.year;
}

async function existingPlanId(db: Db, p: PlanInput, year: number): Promise<number | null> {
	if (p.planId !== undefined) return p.planId;
	if (!p.title) return null;
	return (
		(
			await db
				.select({ id: plan.id })
				.from(plan)
				.where(and(eq(plan.title, p.title), eq(plan.year, year)))
				.limit(1)
		)[0]?.id ?? null
	);
}

async function ensurePlan(tx: Db, p: PlanInput, year: number): Promise<number> {
	const existing = await existingPlanId(tx, p, year);
	if (existing !== null) {
		if (!(await tx.select({ id: plan.id }).from(plan).where(eq(plan.id, existing)).limit(1))[0]) {
			throw fail('not_found', 'not_found.plan');
		}
		return existing;
	}
	if (!p.title) throw fail('bad_request', 'import.title_required');
	return (
		await tx
			.insert(plan)
			.values({ title: p.title, year, docNumber: p.docNumber, issuer: p.issuer, issuedOn: p.issuedOn })
			.returning({ id: plan.id })
	)[0]!.id;
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
async function writeRows(
	tx: Db,
	planId: number,
	analysis: Analysis,
	onProgress: (done: number, total: number) => void
) {
	const { rows, newUnits, newPlaceholders } = analysis;
	const counts = { sections: 0, tasks: 0, indicators: 0, assignments: 0, targets: 0, units: 0 };
	for (const name of newPlaceholders) {
		await tx.insert(unitGroup).values({ name, kind: 'placeholder' }).onConflictDoNothing();
	}
	for (const name of newUnits) {
		await tx.insert(unit).values({ name, kind: inferUnitKind(name), position: 10_000 });
		counts.units++;
	}
	const units = new Map(
		(await tx.select({ id: unit.id, name: unit.name, kind: unit.kind }).from(unit)).map((u) => [u.name, u])
	);
	const unitById = new Map([...units.values()].map((u) => [u.id, u]));
	const groups = new Map((await tx.select().from(unitGroup)).map((g) => [g.name, g]));
	const members = new Map<number, number[]>();
	for (const m of await tx.select().from(unitGroupMember)) {
		members.set(m.groupId, [...(members.get(m.groupId) ?? []), m.unitId]);
	}
	const nextPosition = async (table: typeof section | typeof task | typeof indicator) =>
		((
			await tx
				.select({ n: sql<number>`coalesce(max(${table.position}), 0)` })
				.from(table)
				.where(eq(table.planId, planId))
				.limit(1)
		)[0]?.n ?? 0) + 1;
	let sectionPos = await nextPosition(section);
	let taskPos = await nextPosition(task);
	let indicatorPos = await nextPosition(indicator);

	// Rows share sections and tasks: each is looked up once per import, not once per row.
	const known = new Map<string, number>();
	const once = async (key: string, find: () => Promise<number>) => {
		let id = known.get(key);
		if (id === undefined) known.set(key, (id = await find()));
		return id;
	};
	const ensureSection = (level: 1 | 2, parentId: number | null, name: string) =>
		once(`s\u0000${level}\u0000${parentId}\u0000${name}`, () => findOrAddSection(level, parentId, name));
	const ensureTask = (sectionId: number | null, title: string) =>
		once(`t\u0000${sectionId}\u0000${title}`, () => findOrAddTask(sectionId, title));
	const findOrAddSection = async (level: 1 | 2, parentId: number | null, name: string) => {
		const found = (
			await tx
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
				.limit(1)
		)[0];
		if (found) return found.id;
		counts.sections++;
		return (
			await tx
				.insert(section)
				.values({ planId, parentId, level, name, position: sectionPos++ })
				.returning({ id: section.id })
		)[0]!.id;
	};
	const findOrAddTask = async (sectionId: number | null, title: string) => {
		const found = (
			await tx
				.select({ id: task.id })
				.from(task)
				.where(
					and(
						eq(task.planId, planId),
						eq(task.title, title),
						sectionId === null ? isNull(task.sectionId) : eq(task.sectionId, sectionId)
					)
				)
				.limit(1)
		)[0];
		if (found) return found.id;
		counts.tasks++;
		return (
			await tx
				.insert(task)
				.values({ planId, sectionId, title, position: taskPos++ })
				.returning({ id: task.id })
		)[0]!.id;
	};

	let assignmentsTotal = 0;
	for (const [i, row] of rows.entries()) {
		if (i % 200 === 0) onProgress(i, rows.length);
		const s1 = row.section1 ? await ensureSection(1, null, row.section1) : null;
		const s2 = row.section2
			? s1 === null
				? await ensureSection(1, null, row.section2)
				: await ensureSection(2, s1, row.section2)
			: null;
		const taskId = await ensureTask(s2 ?? s1, row.task);
		const indicatorId = await ensureIndicator(tx, planId, taskId, row, () => indicatorPos++, counts);

		const seen = new Set<number>();
		const assignments: (typeof assignment.$inferInsert)[] = [];
		const assign = (unitId: number, role: AssignmentRole, viaGroupId: number | null) => {
			if (seen.has(unitId)) return;
			seen.add(unitId);
			const dueOn = levelDueOn(row.rule, unitById.get(unitId)!.kind);
			assignments.push({
				indicatorId,
				unitId,
				role,
				viaGroupId,
				dueOn,
				originalDueOn: dueOn,
				position: assignments.length
			});
		};
		for (const ref of row.units) {
			if (ref.type === 'unit' || ref.type === 'new') {
				assign(units.get(ref.name)!.id, ref.role, null);
				continue;
			}
			const group = groups.get(ref.name)!;
			if (group.kind === 'placeholder') {
				await tx
					.insert(pendingGroup)
					.values({ indicatorId, groupId: group.id, role: ref.role })
					.onConflictDoNothing();
			} else {
				for (const unitId of members.get(group.id) ?? []) assign(unitId, ref.role, group.id);
			}
		}
		assignmentsTotal += assignments.length;
		// A lead that is a group (各设区市政府) means every member owes its own part; only when that lead is
		// new, so a re-import keeps what the office has set since.
		const groupLeads = assignments.filter((a) => a.role === 'lead' && a.viaGroupId !== null);
		const known = new Set(
			groupLeads.length
				? (
						await tx
							.select({ unitId: assignment.unitId })
							.from(assignment)
							.where(eq(assignment.indicatorId, indicatorId))
					).map((a) => a.unitId)
				: []
		);
		if (groupLeads.some((a) => !known.has(a.unitId)))
			await tx.update(indicator).set({ kind: 'each' }).where(eq(indicator.id, indicatorId));
		// One statement per row (a 各设区市政府 row is eleven assignments).
		if (assignments.length)
			counts.assignments += rowsAffected(
				await tx.insert(assignment).values(assignments).onConflictDoNothing()
			);
	}
	onProgress(rows.length, rows.length);
	return { counts, assignmentsTotal };
}

async function ensureIndicator(
	tx: Db,
	planId: number,
	taskId: number,
	row: ImportRow,
	nextPosition: () => number,
	counts: { indicators: number; targets: number }
): Promise<number> {
	const fields = {
		deadlineText: row.deadlineText,
		dueOn: row.dueOn,
		originalDueOn: row.dueOn,
		recurrence: row.recurrence,
		deadlineRule: row.rule,
		unitsText: row.unitsText
	};
	const found = (
		await tx
			.select({ id: indicator.id, dueOn: indicator.dueOn, originalDueOn: indicator.originalDueOn })
			.from(indicator)
			.where(and(eq(indicator.taskId, taskId), eq(indicator.text, row.indicator)))
			.limit(1)
	)[0];
	let id: number;
	if (found) {
		id = found.id;
		// Re-importing corrects the planned deadline, but never undoes an approved extension.
		if (found.dueOn === found.originalDueOn)
			await tx.update(indicator).set(fields).where(eq(indicator.id, id));
	} else {
		counts.indicators++;
		id = (
			await tx
				.insert(indicator)
				.values({ planId, taskId, text: row.indicator, position: nextPosition(), ...fields })
				.returning({ id: indicator.id })
		)[0]!.id;
	}
	const existing = await tx
		.select()
		.from(indicatorTarget)
		.where(eq(indicatorTarget.indicatorId, id))
		.orderBy(indicatorTarget.position);
	const meaning = (t: Target) => ({
		label: t.label,
		op: t.op,
		value: t.value,
		scale: t.scale,
		valueMax: t.valueMax,
		unit: t.unit,
		relative: t.relative,
		aggregation: t.aggregation
	});
	const same = (i: number) => {
		const stored = existing[i]!;
		return Object.entries(meaning(row.targets[i]!)).every(([k, v]) => stored[k as keyof typeof stored] === v);
	};
	if (existing.length === row.targets.length) {
		// Same number of targets: corrected in place, so the actuals already reported stay attached.
		for (const [i, t] of row.targets.entries()) {
			if (same(i)) continue;
			const shift = existing[i]!.scale - t.scale;
			// Actuals are kept in the target's scale: 950000 reported against 1200000 is 95 against 120万.
			if (shift)
				await tx
					.update(reportItemValue)
					.set({ value: sql`${reportItemValue.value} * ${10 ** shift}` })
					.where(eq(reportItemValue.targetId, existing[i]!.id));
			await tx
				.update(indicatorTarget)
				.set({ ...meaning(t), sourceText: t.text })
				.where(eq(indicatorTarget.id, existing[i]!.id));
			counts.targets++;
		}
	} else {
		await tx.delete(indicatorTarget).where(eq(indicatorTarget.indicatorId, id));
		for (const [position, t] of row.targets.entries()) {
			await tx
				.insert(indicatorTarget)
				.values({ indicatorId: id, ...meaning(t), sourceText: t.text, position });
			counts.targets++;
		}
	}
	return id;
}

/** A unit's own due date under a per-level deadline (市级 / 区、县（市）); null: the indicator's date applies. */
function levelDueOn(rule: DeadlineRule | null, kind: UnitKind): string | null {
	if (rule?.kind !== 'perLevel') return null;
	return rule.levels.find((l) => l.level === kind)?.dueOn ?? null;
}
