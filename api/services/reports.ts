import { and, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import {
	attachment,
	report,
	reportItem,
	reportItemValue,
	reportVersion,
	indicatorTarget,
	type ProgressStatus
} from '../../db/schema/index.ts';
import type { Db } from '../../db/client.ts';
import { refreshSupervision } from './alerts.ts';
import type { ServiceContext } from '../context.ts';
import { ApiError } from '../errors.ts';
import { shanghaiDay } from '../lib/clock.ts';
import { PERIOD_RE, reportDueOn } from '../lib/dates.ts';
import { audit } from './audit.ts';
import { getReportForm, ownUnitId, reportableAssignments } from './report-form.ts';
import { getSettings } from './settings.ts';

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

export type SaveInput = { period: string; version: number | null; items: ItemInput[] };

/** The report and its items as they are now: what a version keeps. */
export function snapshotReport(db: Db, reportId: number) {
	const row = db.select().from(report).where(eq(report.id, reportId)).get()!;
	const items = db.select().from(reportItem).where(eq(reportItem.reportId, reportId)).all();
	const values = items.length
		? db
				.select()
				.from(reportItemValue)
				.where(
					inArray(
						reportItemValue.itemId,
						items.map((i) => i.id)
					)
				)
				.all()
		: [];
	return {
		status: row.status,
		returnReason: row.returnReason,
		items: items.map((i) => ({
			indicatorId: i.indicatorId,
			progressStatus: i.progressStatus,
			percent: i.percent,
			progress: i.progress,
			problems: i.problems,
			nextSteps: i.nextSteps,
			returnReason: i.returnReason,
			values: Object.fromEntries(values.filter((v) => v.itemId === i.id).map((v) => [v.targetId, v.value]))
		}))
	};
}

export function recordVersion(
	ctx: ServiceContext,
	tx: Db,
	reportId: number,
	version: number,
	action: 'save' | 'submit' | 'return' | 'accept'
) {
	const snapshot = snapshotReport(tx, reportId);
	tx.insert(reportVersion)
		.values({
			reportId,
			version,
			action,
			status: snapshot.status,
			snapshot,
			at: ctx.clock.now(),
			by: ctx.actor?.id || null
		})
		.run();
	return snapshot;
}

function writeItems(tx: Db, reportId: number, unitId: number, period: string, items: ItemInput[]) {
	const allowed = new Map(reportableAssignments(tx, unitId, period).map((a) => [a.indicatorId, a.role]));
	// The last entry of an indicator wins, as when each was written in turn.
	const inputs = [...new Map(items.map((i) => [i.indicatorId, i])).values()];
	if (!inputs.length) return;
	for (const input of inputs) {
		if (!allowed.has(input.indicatorId))
			throw new ApiError('bad_request', `指标 ${input.indicatorId} 不在本单位本月的填报范围内`);
	}
	const targetsOf = new Map<number, Set<number>>();
	for (const t of tx
		.select({ id: indicatorTarget.id, indicatorId: indicatorTarget.indicatorId })
		.from(indicatorTarget)
		.where(
			inArray(
				indicatorTarget.indicatorId,
				inputs.map((i) => i.indicatorId)
			)
		)
		.all()) {
		targetsOf.set(t.indicatorId, (targetsOf.get(t.indicatorId) ?? new Set()).add(t.id));
	}
	for (const input of inputs) {
		for (const v of input.values) {
			if (!targetsOf.get(input.indicatorId)?.has(v.targetId))
				throw new ApiError('bad_request', `量化目标 ${v.targetId} 不属于该指标`);
		}
	}
	const rows = tx
		.insert(reportItem)
		.values(
			inputs.map((input) => ({
				reportId,
				indicatorId: input.indicatorId,
				role: allowed.get(input.indicatorId)!,
				progressStatus: input.progressStatus,
				percent: input.percent,
				progress: input.progress,
				problems: input.problems,
				nextSteps: input.nextSteps
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
		.all();
	const itemOf = new Map(rows.map((r) => [r.indicatorId, r.id]));
	const itemIds = rows.map((r) => r.id);
	tx.delete(reportItemValue).where(inArray(reportItemValue.itemId, itemIds)).run();
	const values = inputs.flatMap((input) =>
		[...new Map(input.values.map((v) => [v.targetId, v.value]))].map(([targetId, value]) => ({
			itemId: itemOf.get(input.indicatorId)!,
			targetId,
			value
		}))
	);
	if (values.length) tx.insert(reportItemValue).values(values).run();
	// Attachments: the unit's own uploads, either unlinked or already on this item.
	tx.update(attachment)
		.set({ ownerType: null, ownerId: null })
		.where(and(eq(attachment.ownerType, 'report_item'), inArray(attachment.ownerId, itemIds)))
		.run();
	for (const input of inputs) {
		if (!input.attachmentIds.length) continue;
		const itemId = itemOf.get(input.indicatorId)!;
		const linked = tx
			.update(attachment)
			.set({ ownerType: 'report_item', ownerId: itemId })
			.where(
				and(
					inArray(attachment.id, input.attachmentIds),
					eq(attachment.unitId, unitId),
					or(isNull(attachment.ownerId), eq(attachment.ownerId, itemId))
				)
			)
			.run();
		if (linked.changes !== new Set(input.attachmentIds).size) {
			throw new ApiError('bad_request', '附件不存在、不属于本单位或已用于其他事项');
		}
	}
}

/** What a submission still lacks, per item, in words for the unit. */
function missingFields(form: ReturnType<typeof getReportForm>) {
	const problems: { indicatorId: number; message: string }[] = [];
	form.items.forEach((item, i) => {
		const label = `第 ${i + 1} 项“${item.indicator.text.slice(0, 20)}${item.indicator.text.length > 20 ? '…' : ''}”`;
		if (!item.progressStatus)
			problems.push({ indicatorId: item.indicatorId, message: `${label}：请选择进展状态` });
		if (!item.progress.trim())
			problems.push({ indicatorId: item.indicatorId, message: `${label}：请填写当月进展` });
	});
	return problems;
}

/**
 * Saves the unit's draft (and, with `submit`, submits it) in one transaction. `version` is the one
 * the form was loaded with: saving over a newer version is refused with 409.
 */
export function writeReport(ctx: ServiceContext, input: SaveInput, submit: boolean): number {
	const unitId = ownUnitId(ctx);
	if (!PERIOD_RE.test(input.period)) throw new ApiError('bad_request', '月份格式应为 YYYY-MM');
	const now = ctx.clock.now();
	const dueOn = reportDueOn(input.period, getSettings(ctx.db).reportDueDay);
	return ctx.db.transaction((tx) => {
		const txCtx = { ...ctx, db: tx };
		let row = tx
			.select()
			.from(report)
			.where(and(eq(report.unitId, unitId), eq(report.period, input.period)))
			.get();
		if (row && (row.status === 'submitted' || row.status === 'accepted')) {
			throw new ApiError(
				'conflict',
				row.status === 'accepted' ? '该月报已审核通过，不能再修改' : '该月报已提交，待联席办审核，不能修改'
			);
		}
		if (row ? row.version !== input.version : input.version !== null) {
			throw new ApiError(
				'conflict',
				'该月报已被他人更新（版本已变化），请刷新页面后再编辑，以免覆盖他人的修改',
				{
					currentVersion: row?.version ?? null
				}
			);
		}
		const before = row ? snapshotReport(tx, row.id) : null;
		if (!row) {
			row = tx
				.insert(report)
				.values({ unitId, period: input.period, dueOn, updatedAt: now, updatedBy: ctx.actor!.id, version: 0 })
				.returning()
				.get();
		}
		writeItems(tx, row.id, unitId, input.period, input.items);
		const version = row.version + 1;
		if (submit) {
			const problems = missingFields(getReportForm(txCtx, unitId, input.period));
			if (problems.length) {
				throw new ApiError('unprocessable', `还有 ${problems.length} 处必填内容未完成，不能提交`, problems);
			}
		}
		const firstSubmittedAt = row.firstSubmittedAt ?? (submit ? now : null);
		tx.update(report)
			.set({
				version,
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
			})
			.where(eq(report.id, row.id))
			.run();
		if (submit) {
			tx.update(reportItem).set({ returnReason: null }).where(eq(reportItem.reportId, row.id)).run();
			refreshSupervision(tx, ctx.clock.today(), { unitIds: [unitId] }, 'report');
		}
		const after = recordVersion(txCtx, tx, row.id, version, submit ? 'submit' : 'save');
		audit(txCtx, {
			action: submit ? 'report.submit' : 'report.save',
			objectType: 'report',
			objectId: row.id,
			before,
			after: { period: input.period, version, ...after }
		});
		return row.id;
	});
}

/** Saves (or submits) and answers with the form as it now stands. */
export function saveReport(ctx: ServiceContext, input: SaveInput, submit: boolean) {
	writeReport(ctx, input, submit);
	return getReportForm(ctx, ownUnitId(ctx), input.period);
}
