import { sql } from 'drizzle-orm';
import type { ServiceContext } from '../context.ts';
import { fail } from '../errors.ts';
import { addMonths, daysBetween, lastPeriodDue } from '../lib/dates.ts';
import { visibleOpenAlerts } from './alerts.ts';
import { reportStatuses } from './dashboard.ts';
import { listNotices } from './notices.ts';
import { firstPlanMonth } from './plans.ts';
import { unitScoreOf } from './ranking.ts';
import { getSettings } from './settings.ts';
import { unitCounts } from './unit-counts.ts';
import { ownUnitOnly } from '../../web/src/lib/rules/access.ts';
import { assertUnitVisible } from './access.ts';
import { query } from '../../db/client.ts';

/** A unit's own dashboard: its lights, deadlines ahead, report history, score and rank, notices. */
export async function unitDashboard(ctx: ServiceContext, requested?: number) {
	const actor = ctx.actor!;
	const unitId = ownUnitOnly(actor) ?? requested;
	if (!unitId || unitId < 0)
		throw fail(actor.role === 'unit' ? 'forbidden' : 'bad_request', 'unit_dashboard.unit_required');
	if (actor.role === 'admin') throw fail('forbidden', 'role.admin_no_business');
	await assertUnitVisible(ctx, unitId);
	const today = ctx.clock.today();
	const settings = await getSettings(ctx.db);
	const deadlines = (
		await query<{ id: number; text: string; task: string; dueOn: string; role: 'lead' | 'co' }>(
			ctx.db,
			sql`select i.id, i.text, t.title as task, coalesce(a.due_on, i.due_on) as "dueOn", a.role from assignment a join indicator i on i.id = a.indicator_id join task t on t.id = i.task_id
				where a.unit_id = ${unitId} and a.completed_on is null and coalesce(a.due_on, i.due_on) is not null order by 4 limit 50`
		)
	).map((d) => ({ ...d, daysLeft: daysBetween(today, d.dueOn) }));
	const last = lastPeriodDue(today, settings.reportDueDay, true);
	const first = (await firstPlanMonth(ctx.db)) ?? last;
	const periods = Array.from({ length: 12 }, (_, i) => addMonths(last, i - 11)).filter((p) => p >= first);
	const history = (await reportStatuses(ctx.db, { unitId }, today, periods)).map((s) => ({
		period: s.period,
		status: s.status.get(unitId) ?? ('none' as const)
	}));
	return {
		unitId,
		today,
		alerts: await visibleOpenAlerts(ctx, { unitId }),
		counts: await unitCounts(ctx.db, unitId, today),
		deadlines,
		history,
		score: await unitScoreOf(ctx.db, last, today, unitId),
		notices: (await listNotices({ ...ctx }, { unitId, page: 1, pageSize: 10 })).items
	};
}
