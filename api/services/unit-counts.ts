import { and, eq, sql, type Placeholder } from 'drizzle-orm';

const { placeholder } = sql;
import { alert, assignment, indicator, plan } from '../../db/schema/index.ts';
import { alias, type SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { joinedText, prepared, type Db } from '../../db/client.ts';
import { partOriginalDue, planBegunBy } from './lights.ts';
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
	const items = await unitItems(db).execute({ unitId, day, year: Number(day.slice(0, 4)) });
	return countItems(items, (await missingReports(db).execute({ unitId, day }))[0]!.n, day);
}

/**
 * `unitCounts` of what was read already: the unit's items (its assignments in plans begun by the day's
 * year, each with its own original due date and `lightsLit` on the day) and `reportsMissingOf` it (the
 * report form reads them with its own).
 */
export function countItems(
	items: { completedOn: string | null; originalDueOn: string | null; lights: string | null }[],
	reportsMissing: number,
	day: string
): UnitCounts {
	const counts = Object.fromEntries(STATES.map((s) => [s, 0])) as Record<SupervisionState, number>;
	for (const r of items) {
		const lights = (r.lights?.split(',') ?? []) as Light[];
		counts[stateOf(r, lights, day)]++;
	}
	return { ...counts, items: items.length, reportsMissing };
}

/**
 * An assignment counted in its unit's counts on a day: one in a plan begun by the day's year (`year` a
 * placeholder; `plan` unaliased). `unitItems` reads only those; the report form reads it of each assignment.
 */
export const countedIn = planBegunBy(placeholder('year'));

/** An alert lit on the day (`day` a placeholder). */
const litOn = sql`${alert.since} <= ${placeholder('day')} and (${alert.resolvedOn} is null or ${alert.resolvedOn} > ${placeholder('day')})`;

/** The lights lit on the day (`day` a placeholder) on an item, looked up by its own indicator and unit, joined by commas. */
export const lightsLit = (db: Db, indicatorId: SQLiteColumn, unitId: SQLiteColumn) =>
	sql<string | null>`(select ${joinedText(db, alert.light, ',')} from ${alert}
		where ${alert.indicatorId} = ${indicatorId} and ${alert.unitId} = ${unitId} and ${litOn})`;

// Every page a unit opens shows these counts: prepared once. (The report form reads its items with its own.)
// (Assignment and indicator as `a` and `i`, the names partOriginalDue reads.)
const a = alias(assignment, 'a');
const i = alias(indicator, 'i');
const unitItems = prepared((db) =>
	db
		.select({
			completedOn: a.completedOn,
			originalDueOn: sql<string | null>`${partOriginalDue}`,
			lights: lightsLit(db, a.indicatorId, a.unitId)
		})
		.from(a)
		.innerJoin(i, eq(i.id, a.indicatorId))
		.innerJoin(plan, eq(plan.id, i.planId))
		.where(and(eq(a.unitId, placeholder('unitId')), countedIn))
		.prepare()
);

/** A unit's months whose report is missing, lit on the day (`day` a placeholder). */
const missingOf = (unitId: SQLiteColumn | Placeholder) =>
	and(eq(alert.kind, 'report_missing'), eq(alert.unitId, unitId), litOn);

const missingReports = prepared((db) =>
	db
		.select({ n: sql<number>`count(*)`.mapWith(Number) })
		.from(alert)
		.where(missingOf(placeholder('unitId')))
		.prepare()
);

/** How many months' reports of unit `unitId` are missing on the day (`day` a placeholder), as a subquery. */
export const reportsMissingOf = (unitId: SQLiteColumn) =>
	sql<number>`(select count(*) from ${alert} where ${missingOf(unitId)})`.mapWith(Number);
