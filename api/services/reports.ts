import { and, eq, inArray, isNotNull, isNull, or, sql } from 'drizzle-orm';
import {
	assignment,
	attachment,
	indicatorTarget,
	report,
	reportItem,
	reportItemValue,
	type ProgressStatus
} from '../../db/schema/index.ts';
import { type Db, prepared, preparedRows, rowPlaceholder, withTransaction } from '../../db/client.ts';
import { refreshSubmission } from './alerts.ts';
import type { ServiceContext } from '../context.ts';
import { fail, tooManyRequests, type ErrorKey, type FieldProblem } from '../errors.ts';
import { shanghaiDay } from '../lib/clock.ts';
import { reportDueOn } from '../lib/dates.ts';
import { takeSlot } from '../lib/rate-limit.ts';
import { audit } from './audit.ts';
import { owedAssignments, ownUnitId, reportInfo, reportOf, type ReportInfo } from './report-form.ts';
import {
	auditedChanges,
	recordVersion,
	snapshotChanges,
	snapshotItem,
	snapshotReport,
	type Snapshot
} from './report-versions.ts';
import { getSettings } from './settings.ts';
import { reminderTopic, withdrawReminders } from './notifications.ts';

const { placeholder } = sql;

export type ItemInput = {
	indicatorId: number;
	progressStatus: ProgressStatus | null;
	percent: number | null;
	progress: string;
	problems: string;
	nextSteps: string;
	values: { targetId: number; value: number }[];
	attachmentIds: number[];
};

/** `revision` is the one the form was loaded with (null: no report yet). */
export type SaveInput = { period: string; revision: number | null; items: ItemInput[] };

/** An item's values as sent, by target (the last entry of a target wins), as JSON to compare with those stored. */
const valuesJson = (values: ItemInput['values']) =>
	JSON.stringify(Object.fromEntries(values.map((v) => [v.targetId, v.value])));

/** Whether an item as sent is what is stored already (`revalued`: its values differ from those stored). */
function unchanged(input: ItemInput, stored: Snapshot['items'][number] | undefined, revalued: boolean) {
	const ids = (list: number[]) => JSON.stringify([...new Set(list)].sort((a, b) => a - b));
	return (
		!!stored &&
		input.progressStatus === stored.progressStatus &&
		input.percent === stored.percent &&
		input.progress === stored.progress &&
		input.problems === stored.problems &&
		input.nextSteps === stored.nextSteps &&
		!revalued &&
		ids(input.attachmentIds) === ids(stored.attachments.map((a) => a.id))
	);
}

/** Far beyond any count or amount a plan sets; beyond it a figure is a typo (or an attack on the charts). */
const ACTUAL_VALUE_MAX = 1e12;

/** What is wrong with an actual value: negative only where the target itself is negative, and bounded. */
function actualValueProblem(value: number, targetValue: number): ErrorKey | null {
	if (value < 0 && targetValue >= 0) return 'report.actual_negative';
	if (Math.abs(value) > ACTUAL_VALUE_MAX) return 'report.actual_out_of_range';
	return null;
}

/**
 * Writes the items that differ from what is stored (`stored`: the report's items now; `assignments`:
 * those the unit reports on that month); returns the report's items as now stored (built from what
 * was written: the report is not read again).
 */
async function writeItems(
	tx: Db,
	reportId: number,
	unitId: number,
	assignments: { indicatorId: number; role: 'lead' | 'co' }[],
	items: ItemInput[],
	stored: Snapshot['items']
) {
	const allowed = new Map(assignments.map((a) => [a.indicatorId, a.role]));
	// The last entry of an indicator wins, as when each was written in turn.
	const sent = [...new Map(items.map((i) => [i.indicatorId, i])).values()];
	for (const input of sent) {
		if (!allowed.has(input.indicatorId))
			throw fail('bad_request', 'report.not_in_scope', { indicatorId: input.indicatorId });
	}
	const storedOf = new Map(stored.map((i) => [i.indicatorId, i]));
	// The items whose values differ from those stored (none stored: as if empty), compared once for both uses.
	const revalued = new Set(
		sent.filter(
			(input) => valuesJson(input.values) !== JSON.stringify(storedOf.get(input.indicatorId)?.values ?? {})
		)
	);
	const inputs = sent.filter(
		(input) => !unchanged(input, storedOf.get(input.indicatorId), revalued.has(input))
	);
	if (!inputs.length) return stored;
	const targetsOf = new Map<number, Map<number, { label: string; value: number }>>();
	for (const t of await targetBounds(tx).execute({ unitId })) {
		targetsOf.set(t.indicatorId, (targetsOf.get(t.indicatorId) ?? new Map()).set(t.id, t));
	}
	for (const input of inputs) {
		for (const v of input.values) {
			const target = targetsOf.get(input.indicatorId)?.get(v.targetId);
			if (!target) throw fail('bad_request', 'report.target_not_of_indicator', { targetId: v.targetId });
			const problem = actualValueProblem(v.value, target.value);
			if (problem) throw fail('bad_request', problem, { label: target.label });
		}
	}
	const rows = (
		await upsertItems(
			tx,
			inputs.map((input) => ({
				indicatorId: input.indicatorId,
				role: allowed.get(input.indicatorId)!,
				progressStatus: input.progressStatus,
				percent: input.percent,
				progress: input.progress,
				problems: input.problems,
				nextSteps: input.nextSteps
			})),
			{ reportId }
		)
	).flat();
	const itemOf = new Map(rows.map((r) => [r.indicatorId, r.id]));
	// The values and attachments of the items written are replaced: only those of items that had some to drop.
	const itemIdsHolding = (of: ItemInput[], has: (item: Snapshot['items'][number]) => boolean) =>
		of.flatMap((input) => {
			const item = storedOf.get(input.indicatorId);
			return item && has(item) ? [itemOf.get(input.indicatorId)!] : [];
		});
	// Values as stored are kept (most saves change text only): rewritten, they dirtied as many pages again.
	const rewritten = inputs.filter((input) => revalued.has(input));
	const withValues = itemIdsHolding(rewritten, (item) => Object.keys(item.values).length > 0);
	if (withValues.length) await tx.delete(reportItemValue).where(inArray(reportItemValue.itemId, withValues));
	const valuesOf = new Map(
		inputs.map((input) => [
			input.indicatorId,
			// The last entry of a target wins.
			[...new Map(input.values.map((v) => [v.targetId, v.value]))].map(([targetId, value]) => ({
				targetId,
				value
			}))
		])
	);
	const values = rewritten.flatMap((input) =>
		valuesOf.get(input.indicatorId)!.map((v) => ({ itemId: itemOf.get(input.indicatorId)!, ...v }))
	);
	if (values.length) await insertValues(tx, values);
	// Attachments: the unit's own uploads, either unlinked or already on this item.
	const withFiles = itemIdsHolding(inputs, (item) => item.attachments.length > 0);
	if (withFiles.length)
		await tx
			.update(attachment)
			.set({ ownerType: null, ownerId: null })
			.where(and(eq(attachment.ownerType, 'report_item'), inArray(attachment.ownerId, withFiles)));
	const filesOf = new Map<number, { id: number; name: string }[]>();
	for (const input of inputs) {
		if (!input.attachmentIds.length) continue;
		const itemId = itemOf.get(input.indicatorId)!;
		const linked = await tx
			.update(attachment)
			.set({ ownerType: 'report_item', ownerId: itemId })
			.where(
				and(
					inArray(attachment.id, input.attachmentIds),
					eq(attachment.unitId, unitId),
					or(isNull(attachment.ownerId), eq(attachment.ownerId, itemId))
				)
			)
			.returning({ id: attachment.id, name: attachment.originalName });
		if (linked.length !== new Set(input.attachmentIds).size) {
			throw fail('bad_request', 'attachment.not_linkable');
		}
		filesOf.set(
			input.indicatorId,
			linked.sort((a, b) => a.id - b.id)
		);
	}
	// The items as now stored: those written as sent (their return reasons kept), the others as they were.
	const now = new Map(stored.map((i) => [i.indicatorId, i]));
	for (const input of inputs)
		now.set(
			input.indicatorId,
			snapshotItem(
				{ ...input, returnReason: storedOf.get(input.indicatorId)?.returnReason ?? null },
				valuesOf.get(input.indicatorId)!,
				filesOf.get(input.indicatorId) ?? []
			)
		);
	return [...now.values()].sort((a, b) => a.indicatorId - b.indicatorId);
}

/** The bounds an actual value is checked against: the targets of the unit's indicators (in no order). */
const targetBounds = prepared((db) =>
	db
		.select({
			id: indicatorTarget.id,
			indicatorId: indicatorTarget.indicatorId,
			label: indicatorTarget.label,
			value: indicatorTarget.value
		})
		.from(indicatorTarget)
		.innerJoin(assignment, eq(assignment.indicatorId, indicatorTarget.indicatorId))
		.where(eq(assignment.unitId, placeholder('unitId')))
		.prepare()
);

// A save writes its items and their values in statements built once per row count (see preparedRows).
const upsertItems = preparedRows((db, n) =>
	db
		.insert(reportItem)
		.values(
			Array.from({ length: n }, (_, r) => ({
				reportId: placeholder('reportId'),
				indicatorId: rowPlaceholder('indicatorId', r),
				role: rowPlaceholder('role', r),
				progressStatus: rowPlaceholder('progressStatus', r),
				percent: rowPlaceholder('percent', r),
				progress: rowPlaceholder('progress', r),
				problems: rowPlaceholder('problems', r),
				nextSteps: rowPlaceholder('nextSteps', r)
			}))
		)
		.onConflictDoUpdate({
			target: [reportItem.reportId, reportItem.indicatorId],
			set: {
				progressStatus: sql`excluded.progress_status`,
				percent: sql`excluded.percent`,
				progress: sql`excluded.progress`,
				problems: sql`excluded.problems`,
				nextSteps: sql`excluded.next_steps`
			}
		})
		.returning({ id: reportItem.id, indicatorId: reportItem.indicatorId })
		.prepare()
);
const insertValues = preparedRows((db, n) =>
	db
		.insert(reportItemValue)
		.values(
			Array.from({ length: n }, (_, r) => ({
				itemId: rowPlaceholder('itemId', r),
				targetId: rowPlaceholder('targetId', r),
				value: rowPlaceholder('value', r)
			}))
		)
		.prepare()
);

/**
 * What a submission still lacks: per item, the field (`progressStatus`, `progress`) with the code
 * `required`, for the form to mark, and the Chinese words for other clients.
 */
function missingFields(
	items: { indicatorId: number; text: string; progressStatus: string | null; progress: string }[]
) {
	const problems: (FieldProblem & { indicatorId: number; field: 'progressStatus' | 'progress' })[] = [];
	items.forEach((item, i) => {
		const label = `第 ${i + 1} 项“${item.text.slice(0, 20)}${item.text.length > 20 ? '…' : ''}”`;
		const missing = (field: 'progressStatus' | 'progress', words: string) =>
			problems.push({
				indicatorId: item.indicatorId,
				field,
				path: `items.${i}.${field}`,
				code: 'required',
				message: `${label}：${words}`
			});
		if (!item.progressStatus) missing('progressStatus', '请选择进展状态');
		if (!item.progress.trim()) missing('progress', '请填写当月进展');
	});
	return problems;
}

/**
 * Saves the unit's draft (and, with `submit`, submits it) in one transaction. `revision` is the one the
 * form was loaded with: saving over a newer revision is refused with 409. A submission is the next
 * version (v1, v2 …); a draft save changes no version number, keeps one draft, and is audited as the
 * fields it changed. A draft save that changes nothing writes nothing. Returns the report as now stored.
 */
export async function writeReport(
	ctx: ServiceContext,
	input: SaveInput,
	submit: boolean
): Promise<ReportInfo> {
	const unitId = ownUnitId(ctx);
	const now = ctx.clock.now();
	return await withTransaction(ctx, async (tx) => {
		const txCtx = tx;
		// Read in the transaction, where the pages are cached (the read connection drops them at each
		// commit): the set the items are checked against (and a submission names).
		const assignments = await owedAssignments(txCtx, unitId, input.period);
		let row = await reportOf(tx.db, unitId, input.period);
		if (row && (row.status === 'submitted' || row.status === 'accepted')) {
			throw fail(
				'conflict',
				row.status === 'accepted' ? 'report.locked_accepted' : 'report.locked_submitted'
			);
		}
		if (row ? row.revision !== input.revision : input.revision !== null) {
			throw fail('conflict', 'report.stale', undefined, { currentRevision: row?.revision ?? null });
		}
		const before = row ? await snapshotReport(tx.db, row.id, row) : null;
		if (!row) {
			row = (
				await tx.db
					.insert(report)
					.values({
						unitId,
						period: input.period,
						dueOn: reportDueOn(input.period, (await getSettings(tx.db)).reportDueDay),
						updatedAt: now,
						updatedBy: ctx.actor!.id,
						version: 0,
						revision: 0
					})
					.returning()
			)[0]!;
		}
		const items = await writeItems(tx.db, row.id, unitId, assignments, input.items, before?.items ?? []);
		// The report as now stored (its state before the numbering below).
		const current: Snapshot = { status: row.status, returnReason: row.returnReason, items };
		// A draft save's changes (a draft keeps the report as stored); one that changed nothing is kept as it is.
		const saved = submit ? null : snapshotChanges(before, current);
		if (saved && before && !saved.length) return reportInfo(row);
		if (submit) {
			// Every item of the form, in its order, as now stored.
			const stored = new Map(current.items.map((i) => [i.indicatorId, i]));
			const problems = missingFields(
				assignments.map((a) => ({
					indicatorId: a.indicatorId,
					text: a.text,
					progressStatus: stored.get(a.indicatorId)?.progressStatus ?? null,
					progress: stored.get(a.indicatorId)?.progress ?? ''
				}))
			);
			if (problems.length) {
				throw fail('unprocessable', 'report.incomplete', { n: problems.length }, problems);
			}
			if (current.items.some((i) => i.returnReason !== null))
				await tx.db
					.update(reportItem)
					.set({ returnReason: null })
					.where(and(eq(reportItem.reportId, row.id), isNotNull(reportItem.returnReason)));
		}
		const version = row.version + (submit ? 1 : 0);
		const revision = row.revision + 1;
		const firstSubmittedAt = row.firstSubmittedAt ?? (submit ? now : null);
		const changes = {
			version,
			revision,
			updatedAt: now,
			updatedBy: ctx.actor!.id,
			...(submit
				? {
						status: 'submitted' as const,
						submittedAt: now,
						firstSubmittedAt,
						late: shanghaiDay(firstSubmittedAt!) > row.dueOn
					}
				: {})
		};
		await tx.db.update(report).set(changes).where(eq(report.id, row.id));
		if (submit) {
			await withdrawReminders(tx.db, reminderTopic.report(unitId, input.period), now);
			await refreshSubmission(
				tx.db,
				ctx.clock.today(),
				unitId,
				current.items.map((i) => i.indicatorId)
			);
		}
		// A submission's state: the items as stored, their return reasons cleared, the status submitted.
		const after = submit
			? await recordVersion(txCtx, tx.db, row.id, version, 'submit', {
					...current,
					status: 'submitted',
					items: current.items.map((i) => ({ ...i, returnReason: null }))
				})
			: await recordVersion(txCtx, tx.db, row.id, version + 1, 'save', current);
		await audit(txCtx, {
			action: submit ? 'report.submit' : 'report.save',
			objectType: 'report',
			objectId: row.id,
			before: before && { status: before.status, revision: row.revision },
			after: {
				period: input.period,
				status: after.status,
				version,
				revision,
				changes: auditedChanges(saved ?? snapshotChanges(before, after))
			}
		});
		return reportInfo({ ...row, ...changes });
	});
}

/** The window of the draft-save limit: `REPORT_SAVE_LIMIT` saves in any minute. */
const SAVE_WINDOW_MS = 60_000;

/**
 * Saves (or submits) and answers with the report's state (its new revision, status, version): the form
 * in the browser holds the items already, and answering with the whole form cost as much as the write.
 * Draft saves are limited per user
 * (`REPORT_SAVE_LIMIT`), so no one can fill the audit log with saves; a submission is not.
 */
export async function saveReport(ctx: ServiceContext, input: SaveInput, submit: boolean) {
	ownUnitId(ctx);
	if (!submit) {
		const waitMs = takeSlot(
			ctx.db,
			`report.save:${ctx.actor!.id}`,
			ctx.clock.now().getTime(),
			ctx.config.reportSaveLimit,
			SAVE_WINDOW_MS
		);
		if (waitMs) {
			const seconds = Math.ceil(waitMs / 1000);
			throw tooManyRequests('report.save_limit', { seconds, limit: ctx.config.reportSaveLimit }, seconds);
		}
	}
	return { period: input.period, report: await writeReport(ctx, input, submit) };
}
