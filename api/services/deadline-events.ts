import { and, desc, eq } from 'drizzle-orm';
import { assignment, indicator, indicatorEvent } from '../../db/schema/index.ts';
import type { DeadlineRule } from '../../db/import/parse/deadline.ts';
import type { ServiceContext } from '../context.ts';
import { fail } from '../errors.ts';
import { addDays } from '../lib/dates.ts';
import { addWorkingDays } from '../lib/workdays.ts';
import { assertProvincialOffice, assertRole } from './access.ts';
import { audit } from './audit.ts';
import { refreshSupervision } from './alerts.ts';
import { notifyingPlanChanges } from './plan-changes.ts';
import { getIndicator } from './indicators.ts';
import { workCalendar } from './work-calendar.ts';
import { ownUnitOnly } from '../../web/src/lib/rules/access.ts';
import { withTransaction } from '../../db/client.ts';

/**
 * Records the event a relative deadline counts from (接口注册完成, 收到《事项开通确认单》) and sets the
 * indicator's due date from it: N days, or N working days on the PRC calendar. The office may record or
 * correct it; a unit assigned to the indicator may record it once.
 */
export async function recordDeadlineEvent(ctx: ServiceContext, indicatorId: number, occurredOn: string) {
	assertRole(ctx.actor, ['office', 'unit'], 'role.deadline_event');
	// The event moves the whole indicator's date, for every unit: the province's, not a city's, to record.
	if (ctx.actor.role === 'office') assertProvincialOffice(ctx.actor);
	const before = await getIndicator(ctx, indicatorId); // 404 unless visible (a unit: assigned to it)
	const row = (
		await ctx.db
			.select({
				rule: indicator.deadlineRule,
				dueOn: indicator.dueOn,
				originalDueOn: indicator.originalDueOn
			})
			.from(indicator)
			.where(eq(indicator.id, indicatorId))
			.limit(1)
	)[0]!;
	const rule = row.rule as DeadlineRule | null;
	if (rule?.kind !== 'relative') throw fail('conflict', 'deadline.not_relative');
	const unitId = ownUnitOnly(ctx.actor);
	if (unitId !== null) {
		const assigned = (
			await ctx.db
				.select({ id: assignment.id })
				.from(assignment)
				.where(and(eq(assignment.indicatorId, indicatorId), eq(assignment.unitId, unitId)))
				.limit(1)
		)[0];
		const recorded = (
			await ctx.db
				.select({ id: indicatorEvent.id })
				.from(indicatorEvent)
				.where(eq(indicatorEvent.indicatorId, indicatorId))
				.limit(1)
		)[0];
		if (!assigned) throw fail('forbidden', 'deadline.not_assigned');
		if (recorded) throw fail('conflict', 'deadline.recorded');
	}
	const dueOn = rule.workingDays
		? addWorkingDays(occurredOn, rule.days, await workCalendar(ctx.db))
		: addDays(occurredOn, rule.days);
	// An approved extension moved dueOn away from the plan: the event sets the plan, not the extension.
	const extended = row.dueOn !== null && row.dueOn !== row.originalDueOn;
	await withTransaction(ctx, async (tx) => {
		await tx.db
			.insert(indicatorEvent)
			.values({ indicatorId, unitId, occurredOn, dueOn, recordedBy: ctx.actor!.id || null });
		await notifyingPlanChanges(
			tx,
			{ indicatorIds: [indicatorId] },
			async () =>
				await tx.db
					.update(indicator)
					.set(extended ? { originalDueOn: dueOn } : { dueOn, originalDueOn: dueOn })
					.where(eq(indicator.id, indicatorId))
		);
		// The date now set lights the indicator at once (due soon, or already overdue).
		await refreshSupervision(tx.db, ctx.clock.today(), { indicatorIds: [indicatorId] }, 'deadline_event');
		await audit(tx, {
			action: 'indicator.record_event',
			objectType: 'indicator',
			objectId: indicatorId,
			before: { dueOn: before.dueOn },
			after: { event: rule.event || '起算日', occurredOn, dueOn }
		});
	});
	return { ...(await getIndicator(ctx, indicatorId)), events: await listDeadlineEvents(ctx, indicatorId) };
}

export async function listDeadlineEvents(ctx: ServiceContext, indicatorId: number) {
	await getIndicator(ctx, indicatorId);
	return await ctx.db
		.select({
			occurredOn: indicatorEvent.occurredOn,
			dueOn: indicatorEvent.dueOn,
			unitId: indicatorEvent.unitId,
			createdAt: indicatorEvent.createdAt
		})
		.from(indicatorEvent)
		.where(eq(indicatorEvent.indicatorId, indicatorId))
		.orderBy(desc(indicatorEvent.id));
}
