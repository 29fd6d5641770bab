import { and, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { alias, type SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { assignment, indicatorTarget, report, reportItem, reportItemValue } from '../../db/schema/index.ts';
import { prepared, type Db } from '../../db/client.ts';
import { SUBMITTED_STATUSES } from '../../web/src/lib/rules/enums.ts';
import { targetProgress, type TargetProgress } from '../../web/src/lib/rules/targets.ts';
import { addMonths, endOfDay, periodOf } from '../lib/dates.ts';
import { partTarget, type PartShare } from '../../web/src/lib/rules/rollup.ts';

const { placeholder } = sql;

export type LatestReport = {
	period: string;
	status: string | null;
	percent: number | null;
	/** Actual values by target id, in each target's own unit and scale. */
	values: Map<number, number>;
	/** A handed-down part's report: its figures roll up into its parent's, not into the owners' sum. */
	sub: boolean;
};

/** By indicator id, then unit id. */
export type LatestReports = Map<number, Map<number, LatestReport>>;

/**
 * The latest report each unit sent on each indicator, within the last three months as of `day` (sent before
 * the day ended): what lights and progress are judged on. Limited to some indicators (every unit's report
 * on them, so a summed target sees all its owners' parts) and/or some units.
 */
export async function latestReports(
	db: Db,
	day: string,
	only: { indicatorIds?: number[]; unitIds?: number[] } = {}
): Promise<LatestReports> {
	const latest: Map<number, Map<number, LatestReport & { itemId: number }>> = new Map();
	for (const ids of chunks(only.indicatorIds)) {
		for (const r of await db
			.select(itemColumns)
			.from(assignment)
			.crossJoin(report)
			.crossJoin(reportItem)
			.where(
				and(
					windowOf(addMonths(periodOf(day), -2), periodOf(day), endOfDay(day).getTime()),
					ids ? inArray(assignment.indicatorId, ids) : undefined,
					only.unitIds ? inArray(assignment.unitId, only.unitIds) : undefined
				)
			)) {
			const units = latest.get(r.indicatorId) ?? latest.set(r.indicatorId, new Map()).get(r.indicatorId)!;
			if ((units.get(r.unitId)?.period ?? '') < r.period) units.set(r.unitId, { ...r, values: new Map() });
		}
	}
	const byItem = new Map(
		[...latest.values()].flatMap((units) => [...units.values()].map((l) => [l.itemId, l]))
	);
	const itemIds = [...byItem.keys()];
	for (let i = 0; i < itemIds.length; i += 5000) {
		for (const v of await db
			.select()
			.from(reportItemValue)
			.where(inArray(reportItemValue.itemId, itemIds.slice(i, i + 5000))))
			byItem.get(v.itemId)!.values.set(v.targetId, v.value);
	}
	return latest;
}

/**
 * The latest reports a unit's submission moves lights on: the unit's own, and every owner's on the unit's
 * indicators with a summed target (the sum takes all their parts). One query of fixed shape, the values
 * with the items (the month-end rush submits thousands).
 */
export const latestAroundUnit = (db: Db, day: string, unitId: number) =>
	latestOfWindow(aroundUnit(db), day, unitId);

/**
 * Every owner's latest report on the indicators with targets of a unit: what its report form's progress
 * is judged on (`targetsProgress` on the unit's targets gives the same), in one query of fixed shape.
 */
export const latestOnUnitTargets = (db: Db, day: string, unitId: number) =>
	latestOfWindow(onUnitTargets(db), day, unitId);

/** `latestReports` from a query of `windowItems` for a unit's scope (a row per latest item and value). */
async function latestOfWindow(
	query: ReturnType<typeof windowItems>,
	day: string,
	unitId: number
): Promise<LatestReports> {
	const latest: Map<number, Map<number, LatestReport & { itemId: number }>> = new Map();
	for (const r of await query.execute({
		unitId,
		from: addMonths(periodOf(day), -2),
		to: periodOf(day),
		before: endOfDay(day).getTime()
	})) {
		const units = latest.get(r.indicatorId) ?? latest.set(r.indicatorId, new Map()).get(r.indicatorId)!;
		const last = units.get(r.unitId) ?? units.set(r.unitId, { ...r, values: new Map() }).get(r.unitId)!;
		if (r.targetId !== null) last.values.set(r.targetId, r.value!);
	}
	return latest;
}

/**
 * What is read of each item of the owners' reports, taken from the owners' assignments to their reports
 * in a window (`windowOf`), then to the items: a few rows an owner however long the history. (Led by
 * report_item's indicator index, SQLite read every month's item of each indicator; a cross join keeps this
 * order there.) A report's items are only ever on its unit's assignments, and no assignment is removed, so
 * these are every unit's reports on the assignments' indicators.
 */
const itemColumns = {
	unitId: report.unitId,
	indicatorId: reportItem.indicatorId,
	period: report.period,
	itemId: reportItem.id,
	status: reportItem.progressStatus,
	percent: reportItem.percent,
	sub: sql<boolean>`exists (select 1 from assignment sp where sp.indicator_id = ${reportItem.indicatorId}
		and sp.unit_id = ${report.unitId} and sp.parent_id is not null)`.mapWith(Boolean)
};

/** Reports sent before `before` (epoch ms) on months `from`…`to`, joined to their assignments and items. */
const windowOf = (from: unknown, to: unknown, before: unknown) =>
	and(
		eq(report.unitId, assignment.unitId),
		eq(reportItem.reportId, report.id),
		eq(reportItem.indicatorId, assignment.indicatorId),
		sentIn(report, from, to, before)
	);

/** Report `r` was sent before `before` (epoch ms), on a month `from`…`to`. */
const sentIn = (
	r: { status: SQLiteColumn; period: SQLiteColumn; firstSubmittedAt: SQLiteColumn },
	from: unknown,
	to: unknown,
	before: unknown
) =>
	and(
		inArray(r.status, [...SUBMITTED_STATUSES]),
		sql`${r.period} >= ${from}`,
		sql`${r.period} <= ${to}`,
		sql`${r.firstSubmittedAt} < ${before}`
	);

const windowReport = alias(report, 'window_report');
const windowItem = alias(reportItem, 'window_item');

/**
 * The id of the assignment's unit's item on its indicator in the latest report of the window (placeholders
 * of `latestOfWindow`), as a subquery: one index probe per month of the window, newest first, stopping at
 * the first with an item (all the window's items, each checked for a later one, cost twice as much).
 */
const latestInWindow = (db: Db) =>
	db
		.select({ id: windowItem.id })
		.from(windowReport)
		.innerJoin(
			windowItem,
			and(eq(windowItem.reportId, windowReport.id), eq(windowItem.indicatorId, assignment.indicatorId))
		)
		.where(
			and(
				eq(windowReport.unitId, assignment.unitId),
				sentIn(windowReport, placeholder('from'), placeholder('to'), placeholder('before'))
			)
		)
		.orderBy(desc(windowReport.period))
		.limit(1);

/**
 * Each unit's latest item in the window on the assignments `scope` picks (only its: the values of earlier
 * ones are not read), with its values (a left join: an item may have none), given the placeholders of
 * `latestOfWindow`; prepared.
 */
const windowItems = (db: Db, scope: SQL) =>
	db
		.select({
			...itemColumns,
			// The item's own assignment is the one read here.
			sub: sql<boolean>`${assignment.parentId} is not null`.mapWith(Boolean),
			targetId: reportItemValue.targetId,
			value: reportItemValue.value
		})
		.from(assignment)
		.innerJoin(reportItem, eq(reportItem.id, latestInWindow(db)))
		.innerJoin(report, eq(report.id, reportItem.reportId))
		.leftJoin(reportItemValue, eq(reportItemValue.itemId, reportItem.id))
		.where(scope)
		.prepare();

/** The indicators of the unit (placeholder `unitId`) with a target (`summed`: a summed one), as a subquery. */
const targetedOfUnit = (summed: boolean) =>
	sql`select t.indicator_id from indicator_target t join assignment x on x.indicator_id = t.indicator_id
		where x.unit_id = ${placeholder('unitId')}${summed ? sql` and t.aggregation = 'sum'` : sql``}`;

const aroundUnit = prepared((db) =>
	windowItems(
		db,
		sql`(${assignment.unitId} = ${placeholder('unitId')} or ${assignment.indicatorId} in (${targetedOfUnit(true)}))`
	)
);

const onUnitTargets = prepared((db) =>
	windowItems(db, sql`${assignment.indicatorId} in (${targetedOfUnit(false)})`)
);

/** Every owner's latest actual of a target, from `latestReports` (the plan's owners: handed-down parts roll up). */
export function actualsOf(latest: LatestReports, t: { id: number; indicatorId: number }) {
	const out: number[] = [];
	for (const r of latest.get(t.indicatorId)?.values() ?? []) {
		if (r.sub) continue;
		const v = r.values.get(t.id);
		if (v !== undefined) out.push(v);
	}
	return out;
}

type PartOf = (
	indicatorId: number
) => { unitId: number; parentId: number | null; shares: PartShare[] | null } | undefined;

/**
 * Progress of each target of some indicators, by target id: the shared rule on the owners' latest actuals;
 * for a unit's handed-down part (`partOf` its indicator), the unit's own actual against its share.
 */
export async function targetsProgress(
	db: Db,
	day: string,
	targets: (typeof indicatorTarget.$inferSelect)[],
	partOf?: PartOf
): Promise<Map<number, TargetProgress>> {
	if (!targets.length) return new Map();
	const indicatorIds = [...new Set(targets.map((t) => t.indicatorId))];
	return progressOf(await latestReports(db, day, { indicatorIds }), targets, partOf);
}

/** `targetsProgress` on latest reports already read (holding at least every owner's on the targets' indicators). */
export function progressOf(
	latest: LatestReports,
	targets: (typeof indicatorTarget.$inferSelect)[],
	partOf?: PartOf
): Map<number, TargetProgress> {
	return new Map(
		targets.map((t) => {
			const part = partOf?.(t.indicatorId);
			if (!part?.parentId) return [t.id, targetProgress(t, actualsOf(latest, t))];
			const own = latest.get(t.indicatorId)?.get(part.unitId)?.values.get(t.id);
			return [t.id, targetProgress(partTarget(t, part), own === undefined ? [] : [own])];
		})
	);
}

function* chunks(ids: number[] | undefined): Generator<number[] | undefined> {
	if (!ids) return yield undefined;
	for (let i = 0; i < ids.length; i += 5000) yield ids.slice(i, i + 5000);
}
