import { and, desc, eq } from 'drizzle-orm';
import { assignment, indicator, indicatorEvent } from '../../db/schema/index.ts';
import type { DeadlineRule } from '../../db/import/parse/deadline.ts';
import type { ServiceContext } from '../context.ts';
import { ApiError } from '../errors.ts';
import { addDays } from '../lib/dates.ts';
import { addWorkingDays } from '../lib/workdays.ts';
import { assertRole } from './access.ts';
import { audit } from './audit.ts';
import { refreshSupervision } from './alerts.ts';
import { getIndicator } from './indicators.ts';
import { workCalendar } from './work-calendar.ts';
import { ownUnitOnly } from '../../web/src/lib/rules/access.ts';

/**
 * Records the event a relative deadline counts from (接口注册完成, 收到《事项开通确认单》) and sets the
 * indicator's due date from it: N days, or N working days on the PRC calendar. The office may record or
 * correct it; a unit assigned to the indicator may record it once.
 */
export function recordDeadlineEvent(ctx: ServiceContext, indicatorId: number, occurredOn: string) {
	assertRole(ctx.actor, ['office', 'unit'], '仅联席办或责任单位可登记起算事件');
	const before = getIndicator(ctx, indicatorId); // 404 unless visible (a unit: assigned to it)
	const row = ctx.db
		.select({ rule: indicator.deadlineRule, dueOn: indicator.dueOn, originalDueOn: indicator.originalDueOn })
		.from(indicator)
		.where(eq(indicator.id, indicatorId))
		.get()!;
	const rule = row.rule as DeadlineRule | null;
	if (rule?.kind !== 'relative')
		throw new ApiError('conflict', '该指标的完成时限不是相对期限（如“收到后2个工作日内”），无需登记起算事件');
	const unitId = ownUnitOnly(ctx.actor);
	if (unitId !== null) {
		const assigned = ctx.db
			.select({ id: assignment.id })
			.from(assignment)
			.where(and(eq(assignment.indicatorId, indicatorId), eq(assignment.unitId, unitId)))
			.get();
		const recorded = ctx.db
			.select({ id: indicatorEvent.id })
			.from(indicatorEvent)
			.where(eq(indicatorEvent.indicatorId, indicatorId))
			.get();
		if (!assigned) throw new ApiError('forbidden', '本单位不是该指标的责任单位');
		if (recorded) throw new ApiError('conflict', '起算事件已登记；如需更正，请联系联席办');
	}
	const dueOn = rule.workingDays
		? addWorkingDays(occurredOn, rule.days, workCalendar(ctx.db))
		: addDays(occurredOn, rule.days);
	// An approved extension moved dueOn away from the plan: the event sets the plan, not the extension.
	const extended = row.dueOn !== null && row.dueOn !== row.originalDueOn;
	ctx.db.transaction((tx) => {
		tx.insert(indicatorEvent)
			.values({ indicatorId, unitId, occurredOn, dueOn, recordedBy: ctx.actor!.id || null })
			.run();
		tx.update(indicator)
			.set(extended ? { originalDueOn: dueOn } : { dueOn, originalDueOn: dueOn })
			.where(eq(indicator.id, indicatorId))
			.run();
		// The date now set lights the indicator at once (due soon, or already overdue).
		refreshSupervision(tx, ctx.clock.today(), { indicatorIds: [indicatorId] }, 'deadline_event');
		audit(
			{ ...ctx, db: tx },
			{
				action: 'indicator.record_event',
				objectType: 'indicator',
				objectId: indicatorId,
				before: { dueOn: before.dueOn },
				after: { event: rule.event || '起算日', occurredOn, dueOn }
			}
		);
	});
	return { ...getIndicator(ctx, indicatorId), events: listDeadlineEvents(ctx, indicatorId) };
}

export function listDeadlineEvents(ctx: ServiceContext, indicatorId: number) {
	getIndicator(ctx, indicatorId);
	return ctx.db
		.select({
			occurredOn: indicatorEvent.occurredOn,
			dueOn: indicatorEvent.dueOn,
			unitId: indicatorEvent.unitId,
			createdAt: indicatorEvent.createdAt
		})
		.from(indicatorEvent)
		.where(eq(indicatorEvent.indicatorId, indicatorId))
		.orderBy(desc(indicatorEvent.id))
		.all();
}
