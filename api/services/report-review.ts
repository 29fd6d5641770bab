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
import { ApiError, notFound } from '../errors.ts';
import { assertOffice, visibleReports } from './access.ts';
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
import { tableFile } from '../lib/table-file.ts';
import { daysBetween } from '../lib/dates.ts';
import { notifyUnit } from './notifications.ts';
import { getSettings } from './settings.ts';

export type ReportFilter = {
	period?: string;
	status?: ReportStatus;
	late?: boolean;
	unitKind?: UnitKind;
	unitId?: number;
	page: number;
	pageSize: number;
};

export function listReports(ctx: ServiceContext, f: ReportFilter) {
	const where = and(
		visibleReports(ctx),
		f.period ? eq(report.period, f.period) : undefined,
		f.status ? eq(report.status, f.status) : undefined,
		f.late === undefined ? undefined : eq(report.late, f.late),
		f.unitKind ? eq(unit.kind, f.unitKind) : undefined,
		f.unitId ? eq(report.unitId, f.unitId) : undefined
	);
	const rows = ctx.db
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
		.offset((f.page - 1) * f.pageSize)
		.all();
	const total = ctx.db
		.select({ n: sql<number>`count(*)` })
		.from(report)
		.innerJoin(unit, eq(unit.id, report.unitId))
		.where(where)
		.get()!.n;
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

function loadVisible(ctx: ServiceContext, id: number) {
	const row = ctx.db
		.select()
		.from(report)
		.where(and(eq(report.id, id), visibleReports(ctx)))
		.get();
	if (!row) throw notFound('月报');
	return row;
}

/** One report as the office reviews it: the unit's form for that month, read-only. */
export function getReport(ctx: ServiceContext, id: number) {
	const row = loadVisible(ctx, id);
	const form = getReportForm(ctx, row.unitId, row.period);
	// A report that reached the office shows what was sent, not indicators assigned since.
	if (row.status === 'draft') return form;
	const sent = new Set(
		ctx.db
			.select({ id: reportItem.indicatorId })
			.from(reportItem)
			.where(eq(reportItem.reportId, id))
			.all()
			.map((i) => i.id)
	);
	return { ...form, items: form.items.filter((i) => sent.has(i.indicatorId)) };
}

/** Accepts a submitted report. Hook: an acceptance comment, once the API takes one, goes to notifyReview. */
export function acceptReport(ctx: ServiceContext, id: number) {
	assertOffice(ctx.actor);
	return review(ctx, id, 'accept', null, []);
}

export function returnReport(
	ctx: ServiceContext,
	id: number,
	reason: string,
	items: { indicatorId: number; reason: string }[]
) {
	assertOffice(ctx.actor);
	if (!reason.trim()) throw new ApiError('bad_request', '退回时请填写退回原因');
	return review(ctx, id, 'return', reason, items);
}

/**
 * Accepting or returning changes no light: a returned report still counts as submitted (on time or late
 * by its first submission), so the supervision state stays as the submission left it.
 */
function review(
	ctx: ServiceContext,
	id: number,
	action: 'accept' | 'return',
	reason: string | null,
	items: { indicatorId: number; reason: string }[]
) {
	const row = loadVisible(ctx, id);
	if (row.status !== 'submitted') {
		throw new ApiError(
			'conflict',
			row.status === 'accepted' ? '该月报已审核通过' : '该月报当前不在待审核状态'
		);
	}
	ctx.db.transaction((tx) => {
		const txCtx = { ...ctx, db: tx };
		const before = snapshotReport(tx, id);
		for (const item of items) {
			const updated = tx
				.update(reportItem)
				.set({ returnReason: item.reason })
				.where(and(eq(reportItem.reportId, id), eq(reportItem.indicatorId, item.indicatorId)))
				.run();
			if (!updated.changes) throw new ApiError('bad_request', `指标 ${item.indicatorId} 不在该月报中`);
		}
		const revision = row.revision + 1;
		tx.update(report)
			.set({
				status: action === 'accept' ? 'accepted' : 'returned',
				returnReason: reason,
				reviewedAt: ctx.clock.now(),
				reviewedBy: ctx.actor!.id || null,
				revision
			})
			.where(eq(report.id, id))
			.run();
		// The review belongs to the submission it decides on: it keeps that version number.
		const after = recordVersion(txCtx, tx, id, row.version, action);
		notifyReview(txCtx, row, action, reason, items, null);
		audit(txCtx, {
			action: `report.${action}`,
			objectType: 'report',
			objectId: id,
			before: { status: before.status, revision: row.revision },
			after: {
				period: row.period,
				status: after.status,
				version: row.version,
				revision,
				reason,
				changes: auditedChanges(snapshotChanges(before, after))
			}
		});
	});
	return getReport(ctx, id);
}

/**
 * The unit hears of the review: a return with its reasons, overall and per item (mailed at once when
 * the reporting due day is near or past), an acceptance with the office's comment if there is one.
 */
function notifyReview(
	ctx: ServiceContext,
	row: typeof report.$inferSelect,
	action: 'accept' | 'return',
	reason: string | null,
	items: { indicatorId: number; reason: string }[],
	comment: string | null
) {
	const link = `/workspace?period=${row.period}`;
	const key = `report.${action}|${row.id}|${row.version}`;
	if (action === 'accept') {
		notifyUnit(ctx, {
			unitId: row.unitId,
			key,
			title: `${row.period} 月报已审核通过`,
			body: comment ? `联席办意见：${comment}` : '联席办已审核通过本月月报。',
			link,
			light: null
		});
		return;
	}
	const texts = items.length
		? new Map(
				ctx.db
					.select({ id: indicator.id, text: indicator.text })
					.from(indicator)
					.where(
						inArray(
							indicator.id,
							items.map((i) => i.indicatorId)
						)
					)
					.all()
					.map((i) => [i.id, i.text.length > 30 ? `${i.text.slice(0, 30)}…` : i.text])
			)
		: new Map<number, string>();
	const perItem = items.map((i) => `${texts.get(i.indicatorId) ?? i.indicatorId}：${i.reason}`);
	notifyUnit(ctx, {
		unitId: row.unitId,
		key,
		title: `${row.period} 月报被退回，请修改后重新报送`,
		body: [`退回原因：${reason}`, ...perItem].join('；'),
		link,
		light: 'red',
		urgent: daysBetween(ctx.clock.today(), row.dueOn) <= getSettings(ctx.db).urgentReturnDays
	});
}

/** The kept versions, oldest first; `id` names one for comparison (a return shares its submission's number). */
export function listVersions(ctx: ServiceContext, id: number) {
	loadVisible(ctx, id);
	return ctx.db
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
		.all()
		.map((v) => ({ ...v, at: v.at.toISOString() }));
}

/** Field-by-field differences, attachments included, between two kept versions (by their ids). */
export function compareVersions(ctx: ServiceContext, id: number, from: number, to: number) {
	loadVisible(ctx, id);
	const load = (versionId: number) => {
		const row = ctx.db
			.select({ snapshot: reportVersion.snapshot })
			.from(reportVersion)
			.where(and(eq(reportVersion.reportId, id), eq(reportVersion.id, versionId)))
			.get();
		if (!row) throw new ApiError('not_found', '该版本不存在');
		return row.snapshot as KeptSnapshot;
	};
	return { from, to, changes: snapshotChanges(load(from), load(to)) };
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
	const list = listReports(ctx, { ...f, page: 1, pageSize: 1_000_000 });
	const ids = list.items.map((r) => r.id);
	const items = ids.length
		? ctx.db.all<{
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
				sql`select ri.report_id as reportId, i.text, ri.role, ri.progress_status as progressStatus, ri.percent, ri.progress, ri.problems, ri.next_steps as nextSteps, ri.return_reason as returnReason
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
	return {
		...(await tableFile(format, '月报', head, rows, lang)),
		name: `${f.period ?? '全部'}月报.${format}`
	};
}
