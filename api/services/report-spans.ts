import { sql } from 'drizzle-orm';
import { type Db, execute } from '../../db/client.ts';

/**
 * Brings the months some units owe reports for (report_span; all units: none given) up to date with their
 * assignments, inside the caller's transaction: a unit owes a month of a plan from the plan's first month
 * (a part handed down later: from that month) to the month its last part in the plan was signed off (report-form.ts `reportableIn`).
 */
export async function refreshReportSpans(tx: Db, unitIds?: number[]) {
	if (unitIds && !unitIds.length) return;
	await execute(tx, sql`delete from report_span ${unitIds ? sql`where unit_id in ${unitIds}` : sql``}`);
	await execute(
		tx,
		sql`insert into report_span (unit_id, plan_id, from_period, to_period)
		select a.unit_id, p.id, min(substr(coalesce(a.handed_on, p.issued_on, p.year || '-01-01'), 1, 7)),
			max(coalesce(substr(a.completed_on, 1, 7), '9999-12'))
		from assignment a join indicator i on i.id = a.indicator_id join plan p on p.id = i.plan_id
		${unitIds ? sql`where a.unit_id in ${unitIds}` : sql``}
		group by a.unit_id, p.id, p.issued_on, p.year`
	);
}
