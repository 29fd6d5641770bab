import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import {
	indicator,
	report,
	reportItem,
	reportVersion,
	unit,
	user,
	type ReportStatus,
	type UnitKind
} from '../../db/schema/index.ts';
import type { ServiceContext } from '../context.ts';
import { fail, notFound } from '../errors.ts';
import { assertMayDecideFor, assertOffice, visibleReports } from './access.ts';
import { audit } from './audit.ts';
import { getReportForm } from './report-form.ts';
import {
	auditedChanges,
	recordVersion,
	snapshotChanges,
	snapshotReport,
	type KeptSnapshot
} from './report-versions.ts';
import type { ExportLang } from '../lib/export-headers.ts';
import type { tableFile } from '../lib/table-file.ts';
import { runInWorker } from '../lib/worker-pool.ts';
import { daysBetween } from '../lib/dates.ts';
import { notifyUnit } from './notifications.ts';
import { getSettings } from './settings.ts';
import { rowsAffected, withTransaction, query } from '../../db/client.ts';

export type ReportFilter = {
	period?: string;
	status?: ReportStatus;
	late?: boolean;
	unitKind?: UnitKind;
	unitId?: number;
	page: number;
	pageSize: number;
};

export async function listReports(ctx: ServiceContext, f: ReportFilter) {
	const where = and(
		visibleReports(ctx),
		f.period ? eq(report.period, f.period) : undefined,
		f.status ? eq(report.status, f.status) : undefined,
		f.late === undefined ? undefined : eq(report.late, f.late),
		f.unitKind ? eq(unit.kind, f.unitKind) : undefined,
		f.unitId ? eq(report.unitId, f.unitId) : undefined
	);
	const rows = await ctx.db
		.select({
			id: report.id,
			period: report.period,
			status: report.status,
			late: report.late,
			dueOn: report.dueOn,
			submittedAt: report.submittedAt,
			version: report.version,
			unitId: unit.id,
			unitName: unit.name,
			unitKind: unit.kind,
			// Written out: drizzle drops the table prefix of outer columns inside a select-list subquery.
			items: sql<number>`(select count(*) from report_item ri where ri.report_id = "report"."id")`,
			returnedItems: sql<number>`(select count(*) from report_item ri where ri.report_id = "report"."id" and ri.return_reason is not null)`
		})
		.from(report)
		.innerJoin(unit, eq(unit.id, report.unitId))
		.where(where)
		.orderBy(desc(report.period), asc(unit.position), asc(unit.id))
		.limit(f.pageSize)
		.offset((f.page - 1) * f.pageSize);
	const total = (
		await ctx.db
			.select({ n: sql<number>`count(*)` })
			.from(report)
			.innerJoin(unit, eq(unit.id, report.unitId))
			.where(where)
			.limit(1)
	)[0]!.n;
	return {
		items: rows.map(({ unitId, unitName, unitKind, submittedAt, ...r }) => ({
			...r,
			submittedAt: submittedAt?.toISOString() ?? null,
			unit: { id: unitId, name: unitName, kind: unitKind }
		})),
		total,
		page: f.page,
		pageSize: f.pageSize
	};
}

async function loadVisible(ctx: ServiceContext, id: number) {
	const row = (
		await ctx.db
			.select()
			.from(report)
			.where(and(eq(report.id, id), visibleReports(ctx)))
			.limit(1)
	)[0];
	if (!row) throw notFound('report');
	return row;
}

/** One report as the office reviews it: the unit's form for that month, read-only. */
export async function getReport(ctx: ServiceContext, id: number) {
	const row = await loadVisible(ctx, id);
	const form = await getReportForm(ctx, row.unitId, row.period);
	// A report that reached the office shows what was sent, not indicators assigned since.
	if (row.status === 'draft') return form;
	const sent = new Set(
		(
			await ctx.db.select({ id: reportItem.indicatorId }).from(reportItem).where(eq(reportItem.reportId, id))
		).map((i) => i.id)
	);
	return { ...form, items: form.items.filter((i) => sent.has(i.indicatorId)) };
}

/** Accepts a submitted report, with the office's comment on the whole and on items if it writes one. */
export function acceptReport(
	ctx: ServiceContext,
	id: number,
	comment: string | null = null,
	items: { indicatorId: number; comment: string }[] = []
) {
	assertOffice(ctx.actor);
	return review(
		ctx,
		id,
		'accept',
		comment || null,
		items.map((i) => ({ indicatorId: i.indicatorId, reason: i.comment }))
	);
}

export function returnReport(
	ctx: ServiceContext,
	id: number,
	reason: string,
	items: { indicatorId: number; reason: string }[]
) {
	assertOffice(ctx.actor);
	if (!reason.trim()) throw fail('bad_request', 'report.return_reason_required');
	return review(ctx, id, 'return', reason, items);
}

/**
 * `reason` and the items' texts are the return's reasons, or the acceptance's comments.
 * Accepting or returning changes no light: a returned report still counts as submitted (on time or late
 * by its first submission), so the supervision state stays as the submission left it.
 */
async function review(
	ctx: ServiceContext,
	id: number,
	action: 'accept' | 'return',
	reason: string | null,
	items: { indicatorId: number; reason: string }[]
) {
	const row = await loadVisible(ctx, id);
	await assertMayDecideFor(ctx, row.unitId);
	if (row.status !== 'submitted') {
		throw fail('conflict', row.status === 'accepted' ? 'report.already_accepted' : 'report.not_submitted');
	}
	await withTransaction(ctx, async (tx) => {
		const txCtx = tx;
		const before = await snapshotReport(tx.db, id);
		for (const item of items) {
			const updated = await tx.db
				.update(reportItem)
				.set(action === 'accept' ? { acceptComment: item.reason } : { returnReason: item.reason })
				.where(and(eq(reportItem.reportId, id), eq(reportItem.indicatorId, item.indicatorId)));
			if (!rowsAffected(updated))
				throw fail('bad_request', 'report.item_not_in_report', { indicatorId: item.indicatorId });
		}
		const revision = row.revision + 1;
		await tx.db
			.update(report)
			.set({
				status: action === 'accept' ? 'accepted' : 'returned',
				...(action === 'accept' ? { acceptComment: reason } : { returnReason: reason }),
				reviewedAt: ctx.clock.now(),
				reviewedBy: ctx.actor!.id || null,
				revision
			})
			.where(eq(report.id, id));
		// The review belongs to the submission it decides on: it keeps that version number.
		const after = await recordVersion(txCtx, tx.db, id, row.version, action);
		await notifyReview(txCtx, row, action, reason, items);
		await audit(txCtx, {
			action: `report.${action}`,
			objectType: 'report',
			objectId: id,
			before: { status: before.status, revision: row.revision },
			after: {
				period: row.period,
				status: after.status,
				version: row.version,
				revision,
				...(action === 'accept' ? { comment: reason, itemComments: items } : { reason }),
				changes: auditedChanges(snapshotChanges(before, after))
			}
		});
	});
	return getReport(ctx, id);
}

/**
 * The unit hears of the review: a return with its reasons, overall and per item (mailed at once when
 * the reporting due day is near or past), an acceptance with the office's comments if there are any.
 */
async function notifyReview(
	ctx: ServiceContext,
	row: typeof report.$inferSelect,
	action: 'accept' | 'return',
	text: string | null,
	items: { indicatorId: number; reason: string }[]
) {
	const texts = new Map(
		items.length
			? (
					await ctx.db
						.select({ id: indicator.id, text: indicator.text })
						.from(indicator)
						.where(
							inArray(
								indicator.id,
								items.map((i) => i.indicatorId)
							)
						)
				).map((i) => [i.id, i.text])
			: []
	);
	const notes = items.map((i) => ({
		text: texts.get(i.indicatorId) ?? String(i.indicatorId),
		note: i.reason
	}));
	const accepted = action === 'accept';
	await notifyUnit(ctx, {
		unitId: row.unitId,
		key: `report.${action}|${row.id}|${row.version}`,
		message: accepted
			? { code: 'report.accepted', params: { period: row.period, comment: text, items: notes } }
			: { code: 'report.returned', params: { period: row.period, reason: text ?? '', items: notes } },
		link: `/workspace?period=${row.period}`,
		light: accepted ? null : 'red',
		urgent:
			!accepted && daysBetween(ctx.clock.today(), row.dueOn) <= (await getSettings(ctx.db)).urgentReturnDays
	});
}

/** The kept versions, oldest first; `id` names one for comparison (a return shares its submission's number). */
export async function listVersions(ctx: ServiceContext, id: number) {
	await loadVisible(ctx, id);
	return (
		await ctx.db
			.select({
				id: reportVersion.id,
				version: reportVersion.version,
				action: reportVersion.action,
				status: reportVersion.status,
				at: reportVersion.at,
				by: user.name
			})
			.from(reportVersion)
			.leftJoin(user, eq(user.id, reportVersion.by))
			.where(eq(reportVersion.reportId, id))
			.orderBy(asc(reportVersion.id))
	).map((v) => ({ ...v, at: v.at.toISOString() }));
}

/** Field-by-field differences, attachments included, between two kept versions (by their ids). */
export async function compareVersions(ctx: ServiceContext, id: number, from: number, to: number) {
	await loadVisible(ctx, id);
	const load = async (versionId: number) => {
		const row = (
			await ctx.db
				.select({ snapshot: reportVersion.snapshot })
				.from(reportVersion)
				.where(and(eq(reportVersion.reportId, id), eq(reportVersion.id, versionId)))
				.limit(1)
		)[0];
		if (!row) throw fail('not_found', 'not_found.version');
		return row.snapshot as KeptSnapshot;
	};
	return { from, to, changes: snapshotChanges(await load(from), await load(to)) };
}

const PROGRESS_TEXT: Record<string, string> = {
	not_started: '未启动',
	on_track: '按计划推进',
	behind: '滞后',
	done: '已完成'
};
const REPORT_STATUS_TEXT: Record<string, string> = {
	draft: '草稿',
	submitted: '待审核',
	returned: '已退回',
	accepted: '已通过'
};

/** A month's reports (under the queue's filter) as one row per item, for Excel. */
export async function exportReports(
	ctx: ServiceContext,
	f: Omit<ReportFilter, 'page' | 'pageSize'>,
	format: 'csv' | 'xlsx',
	lang: ExportLang = 'zh'
) {
	const list = await listReports(ctx, { ...f, page: 1, pageSize: 1_000_000 });
	const ids = list.items.map((r) => r.id);
	const items = ids.length
		? await query<{
				reportId: number;
				text: string;
				role: string;
				progressStatus: string | null;
				percent: number | null;
				progress: string;
				problems: string;
				nextSteps: string;
				returnReason: string | null;
			}>(
				ctx.db,
				sql`select ri.report_id as "reportId", i.text, ri.role, ri.progress_status as "progressStatus", ri.percent, ri.progress, ri.problems, ri.next_steps as "nextSteps", ri.return_reason as "returnReason"
					from report_item ri join indicator i on i.id = ri.indicator_id where ri.report_id in ${ids} order by ri.report_id, ri.role = 'co', i.position`
			)
		: [];
	const byId = new Map(list.items.map((r) => [r.id, r]));
	const head = [
		'月份',
		'单位',
		'报告状态',
		'是否逾期',
		'具体指标',
		'角色',
		'进展状态',
		'完成比例',
		'当月进展',
		'存在问题',
		'下步计划',
		'退回原因'
	];
	const rows = items.map((i) => {
		const r = byId.get(i.reportId)!;
		return [
			r.period,
			r.unit.name,
			REPORT_STATUS_TEXT[r.status] ?? r.status,
			r.late ? '逾期' : '按时',
			i.text,
			i.role === 'lead' ? '牵头' : '配合',
			i.progressStatus ? PROGRESS_TEXT[i.progressStatus]! : '',
			i.percent,
			i.progress,
			i.problems,
			i.nextSteps,
			i.returnReason
		];
	});
	const file = await runInWorker<typeof tableFile>(
		'api/lib/table-file.ts',
		'tableFile',
		format,
		'月报',
		head,
		rows,
		lang
	);
	return { ...file, name: `${f.period ?? '全部'}月报.${format}` };
}
