import { sql } from 'drizzle-orm';
import { joinedText, query, type Db } from '../../db/client.ts';
import { partOriginalDue } from './lights.ts';
import { stateOf } from '../../web/src/lib/rules/lights.ts';
import { STATES, type Light, type SupervisionState } from '../../web/src/lib/rules/enums.ts';

export type UnitCounts = Record<SupervisionState, number> & {
	/** The unit's items (its assignments in plans begun by the day), one state each. */
	items: number;
	/** Months whose report is missing after its due day. */
	reportsMissing: number;
};

/**
 * One unit's items on a day, each counted once by its state (its own part: signed off on time or late,
 * else the worst light lit on it that day): the numbers every page shows for a unit.
 */
export async function unitCounts(db: Db, unitId: number, day: string): Promise<UnitCounts> {
	const rows = await query<{
		completedOn: string | null;
		originalDueOn: string | null;
		lights: string | null;
	}>(
		db,
		sql`
		select a.completed_on as "completedOn", ${partOriginalDue} as "originalDueOn", ${joinedText(db, sql`al.light`, ',')} as lights
		from assignment a
		join indicator i on i.id = a.indicator_id
		join plan p on p.id = i.plan_id
		left join alert al on al.indicator_id = a.indicator_id and al.unit_id = a.unit_id
			and al.since <= ${day} and (al.resolved_on is null or al.resolved_on > ${day})
		where a.unit_id = ${unitId} and p.year <= ${Number(day.slice(0, 4))}
		group by a.id, i.id`
	);
	const counts = Object.fromEntries(STATES.map((s) => [s, 0])) as Record<SupervisionState, number>;
	for (const r of rows) {
		const lights = (r.lights?.split(',') ?? []) as Light[];
		counts[stateOf(r, lights, day)]++;
	}
	const reportsMissing = (
		await query<{ n: number }>(
			db,
			sql`
		select count(*) as n from alert where kind = 'report_missing' and unit_id = ${unitId}
			and since <= ${day} and (resolved_on is null or resolved_on > ${day})`
		)
	)[0]!.n;
	return { ...counts, items: rows.length, reportsMissing };
}
