import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import {
	assignment,
	dueDateChange,
	noticeAnswer,
	report,
	reportItem,
	request,
	unit,
	urgeNotice,
	urgeNoticeIndicator,
	user
} from '../../db/schema/index.ts';
import type { ServiceContext } from '../context.ts';
import { subtreeOnly } from './access.ts';
import { getIndicator } from './indicators.ts';
import { issuerNameOf, noticeNumber } from './notices.ts';
import { SUBMITTED_STATUSES } from '../../web/src/lib/rules/enums.ts';

/** Reports that reached the office: a unit sees those of every unit on an indicator it shares. */

/** One indicator across all its units for a month (the office's review view, and the units' coordination view). */
export async function indicatorReports(ctx: ServiceContext, indicatorId: number, period: string) {
	await getIndicator(ctx, indicatorId); // 404 unless the caller may see the indicator
	const units = await ctx.db
		.select({ unitId: unit.id, name: unit.name, role: assignment.role })
		.from(assignment)
		.innerJoin(unit, eq(unit.id, assignment.unitId))
		.where(and(eq(assignment.indicatorId, indicatorId), subtreeOnly(ctx.actor!, sql`${assignment.unitId}`)))
		.orderBy(asc(assignment.position));
	const items = await ctx.db
		.select({
			unitId: report.unitId,
			reportId: report.id,
			status: report.status,
			late: report.late,
			submittedAt: report.submittedAt,
			progressStatus: reportItem.progressStatus,
			percent: reportItem.percent,
			progress: reportItem.progress,
			problems: reportItem.problems,
			nextSteps: reportItem.nextSteps
		})
		.from(reportItem)
		.innerJoin(report, eq(report.id, reportItem.reportId))
		.where(
			and(
				eq(reportItem.indicatorId, indicatorId),
				eq(report.period, period),
				inArray(report.status, [...SUBMITTED_STATUSES])
			)
		);
	return units.map((u) => {
		const item = items.find((i) => i.unitId === u.unitId);
		return {
			unit: { id: u.unitId, name: u.name },
			role: u.role,
			item: item ? { ...item, submittedAt: item.submittedAt?.toISOString() ?? null } : null
		};
	});
}

export type TimelineEvent = { at: string; kind: string; unit: string | null; title: string; detail: string };

/** Everything that happened to an indicator: reports, requests, notices and date changes, newest first. */
export async function indicatorTimeline(ctx: ServiceContext, indicatorId: number): Promise<TimelineEvent[]> {
	await getIndicator(ctx, indicatorId);
	const events: TimelineEvent[] = [];
	const reports = await ctx.db
		.select({
			period: report.period,
			submittedAt: report.submittedAt,
			late: report.late,
			status: report.status,
			unit: unit.name,
			percent: reportItem.percent,
			progress: reportItem.progress,
			progressStatus: reportItem.progressStatus
		})
		.from(reportItem)
		.innerJoin(report, eq(report.id, reportItem.reportId))
		.innerJoin(unit, eq(unit.id, report.unitId))
		.where(
			and(
				eq(reportItem.indicatorId, indicatorId),
				inArray(report.status, [...SUBMITTED_STATUSES]),
				subtreeOnly(ctx.actor!, sql`${report.unitId}`)
			)
		);
	for (const r of reports) {
		events.push({
			at: r.submittedAt!.toISOString(),
			kind: 'report',
			unit: r.unit,
			title: `${r.period} 月报${r.late ? '（逾期报送）' : ''}`,
			detail: `${r.percent ?? '—'}% ${r.progress}`
		});
	}
	const requests = await ctx.db
		.select({
			kind: request.kind,
			status: request.status,
			statement: request.statement,
			newDueOn: request.newDueOn,
			createdAt: request.createdAt,
			decidedAt: request.decidedAt,
			decisionNote: request.decisionNote,
			unit: unit.name
		})
		.from(request)
		.innerJoin(unit, eq(unit.id, request.unitId))
		.where(and(eq(request.indicatorId, indicatorId), subtreeOnly(ctx.actor!, sql`${request.unitId}`)));
	for (const r of requests) {
		const label = r.kind === 'completion' ? '办结申请' : `延期申请（至 ${r.newDueOn}）`;
		events.push({
			at: r.createdAt.toISOString(),
			kind: `request.${r.kind}`,
			unit: r.unit,
			title: label,
			detail: r.statement
		});
		if (r.decidedAt) {
			events.push({
				at: r.decidedAt.toISOString(),
				kind: `request.${r.status}`,
				unit: r.unit,
				title: `${label}${r.status === 'approved' ? '已批准' : '未同意'}`,
				detail: r.decisionNote ?? ''
			});
		}
	}
	const notices = await ctx.db
		.select({
			id: urgeNotice.id,
			year: urgeNotice.year,
			seq: urgeNotice.seq,
			issuerName: issuerNameOf(urgeNotice.issuerUnitId),
			level: urgeNotice.level,
			message: urgeNotice.message,
			issuedAt: urgeNotice.issuedAt,
			acknowledgedAt: urgeNotice.acknowledgedAt,
			unit: unit.name
		})
		.from(urgeNoticeIndicator)
		.innerJoin(urgeNotice, eq(urgeNotice.id, urgeNoticeIndicator.noticeId))
		.innerJoin(unit, eq(unit.id, urgeNotice.unitId))
		.where(
			and(
				eq(urgeNoticeIndicator.indicatorId, indicatorId),
				subtreeOnly(ctx.actor!, sql`${urgeNotice.unitId}`)
			)
		);
	for (const n of notices) {
		events.push({
			at: n.issuedAt.toISOString(),
			kind: `notice.${n.level}`,
			unit: n.unit,
			title: `${noticeNumber(n.year, n.seq, n.issuerName)}督办通知`,
			detail: n.message
		});
		if (n.acknowledgedAt)
			events.push({
				at: n.acknowledgedAt.toISOString(),
				kind: 'notice.acknowledged',
				unit: n.unit,
				title: `${noticeNumber(n.year, n.seq, n.issuerName)}已签收`,
				detail: ''
			});
	}
	const answers = notices.length
		? await ctx.db
				.select()
				.from(noticeAnswer)
				.where(
					inArray(
						noticeAnswer.noticeId,
						notices.map((n) => n.id)
					)
				)
		: [];
	for (const a of answers) {
		const n = notices.find((x) => x.id === a.noticeId)!;
		const number = noticeNumber(n.year, n.seq, n.issuerName);
		events.push({
			at: a.createdAt.toISOString(),
			kind: 'notice.answer',
			unit: n.unit,
			title: `${number}办理情况反馈`,
			detail: a.text
		});
		if (a.decidedAt)
			events.push({
				at: a.decidedAt.toISOString(),
				kind: `notice.answer_${a.status}`,
				unit: n.unit,
				title: a.status === 'accepted' ? `${number}反馈已通过（已办结）` : `${number}要求重新反馈`,
				detail: a.decisionNote ?? ''
			});
	}
	const changes = await ctx.db
		.select({
			fromDueOn: dueDateChange.fromDueOn,
			toDueOn: dueDateChange.toDueOn,
			reason: dueDateChange.reason,
			at: dueDateChange.at,
			by: sql<string | null>`${user.name}`,
			unitName: unit.name
		})
		.from(dueDateChange)
		.leftJoin(user, eq(user.id, dueDateChange.by))
		.leftJoin(unit, eq(unit.id, dueDateChange.unitId))
		.where(eq(dueDateChange.indicatorId, indicatorId));
	for (const c of changes) {
		events.push({
			at: c.at.toISOString(),
			kind: 'due_date',
			unit: c.unitName,
			title: `截止日期 ${c.fromDueOn ?? '无'} → ${c.toDueOn}`,
			detail: c.reason
		});
	}
	return events.sort((a, b) => b.at.localeCompare(a.at));
}

/** The history of the due date: as planned, then each approved change. */
export async function dueDateHistory(ctx: ServiceContext, indicatorId: number) {
	const ind = await getIndicator(ctx, indicatorId);
	const changes = await ctx.db
		.select({
			fromDueOn: dueDateChange.fromDueOn,
			toDueOn: dueDateChange.toDueOn,
			reason: dueDateChange.reason,
			at: dueDateChange.at,
			/** Null: the whole indicator's date moved; else only this unit's part. */
			unit: unit.name
		})
		.from(dueDateChange)
		.leftJoin(unit, eq(unit.id, dueDateChange.unitId))
		.where(eq(dueDateChange.indicatorId, indicatorId))
		.orderBy(asc(dueDateChange.at));
	return {
		originalDueOn: ind.originalDueOn,
		dueOn: ind.dueOn,
		changes: changes.map((c) => ({ ...c, at: c.at.toISOString() }))
	};
}
