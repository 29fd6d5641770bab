import { and, asc, desc, eq, sql, type SQL } from 'drizzle-orm';
import {
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
import { assertOffice } from './access.ts';
import { audit } from './audit.ts';
import { getReportForm } from './report-form.ts';
import { recordVersion, snapshotReport } from './reports.ts';

export type ReportFilter = {
	period?: string;
	status?: ReportStatus;
	late?: boolean;
	unitKind?: UnitKind;
	unitId?: number;
	page: number;
	pageSize: number;
};

/** Drafts belong to their unit until submitted: the office and leaders see the rest. */
function visibleReports(ctx: ServiceContext): SQL | undefined {
	const actor = ctx.actor!;
	if (actor.role === 'unit') return eq(report.unitId, actor.unit?.id ?? -1);
	if (actor.role === 'office' || actor.role === 'leader') return sql`${report.status} <> 'draft'`;
	throw new ApiError('forbidden', '当前角色无权查看月报');
}

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
	return getReportForm(ctx, row.unitId, row.period);
}

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
		const version = row.version + 1;
		tx.update(report)
			.set({
				status: action === 'accept' ? 'accepted' : 'returned',
				returnReason: reason,
				reviewedAt: ctx.clock.now(),
				reviewedBy: ctx.actor!.id || null,
				version
			})
			.where(eq(report.id, id))
			.run();
		const after = recordVersion(txCtx, tx, id, version, action);
		audit(txCtx, { action: `report.${action}`, objectType: 'report', objectId: id, before, after });
	});
	return getReport(ctx, id);
}

export function listVersions(ctx: ServiceContext, id: number) {
	loadVisible(ctx, id);
	return ctx.db
		.select({
			version: reportVersion.version,
			action: reportVersion.action,
			status: reportVersion.status,
			at: reportVersion.at,
			by: user.name
		})
		.from(reportVersion)
		.leftJoin(user, eq(user.id, reportVersion.by))
		.where(eq(reportVersion.reportId, id))
		.orderBy(asc(reportVersion.version))
		.all()
		.map((v) => ({ ...v, at: v.at.toISOString() }));
}

type Snapshot = ReturnType<typeof snapshotReport>;

/** Field-by-field differences between two kept versions of a report. */
export function compareVersions(ctx: ServiceContext, id: number, from: number, to: number) {
	loadVisible(ctx, id);
	const load = (version: number) => {
		const row = ctx.db
			.select({ snapshot: reportVersion.snapshot })
			.from(reportVersion)
			.where(and(eq(reportVersion.reportId, id), eq(reportVersion.version, version)))
			.get();
		if (!row) throw new ApiError('not_found', `版本 ${version} 不存在`);
		return row.snapshot as Snapshot;
	};
	const a = load(from);
	const b = load(to);
	const fields = [
		'progressStatus',
		'percent',
		'progress',
		'problems',
		'nextSteps',
		'returnReason',
		'values'
	] as const;
	const changes: { indicatorId: number; field: string; from: unknown; to: unknown }[] = [];
	for (const item of b.items) {
		const old = a.items.find((i) => i.indicatorId === item.indicatorId);
		for (const field of fields) {
			const x = old?.[field] ?? null;
			const y = item[field] ?? null;
			if (JSON.stringify(x) !== JSON.stringify(y))
				changes.push({ indicatorId: item.indicatorId, field, from: x, to: y });
		}
	}
	if (a.status !== b.status)
		changes.unshift({ indicatorId: 0, field: 'status', from: a.status, to: b.status });
	return { from, to, changes };
}
