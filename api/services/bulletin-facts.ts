import { endOfDay } from '../lib/dates.ts';
import { sql } from 'drizzle-orm';
import { type Db, query } from '../../db/client.ts';
import { SUBMITTED_STATUSES } from '../../web/src/lib/rules/enums.ts';
import { targetUnit } from '../../web/src/lib/rules/targets.ts';
import { listData } from './dashboard.ts';
import { concernsUnits, unitMatch, type DashboardFilter } from './dashboard-scope.ts';

type Owner = {
	indicatorId: number;
	unitId: number;
	name: string;
	role: 'lead' | 'co';
	completedOn: string | null;
};

/** The units of every indicator, those of the filter's units only (a level's bulletin names no others). */
async function owners(db: Db, f: DashboardFilter) {
	const by = new Map<number, Owner[]>();
	for (const o of await query<Owner>(
		db,
		sql`
		select a.indicator_id as "indicatorId", a.unit_id as "unitId", u.name, a.role, a.completed_on as "completedOn"
		from assignment a join unit u on u.id = a.unit_id where a.parent_id is null and ${unitMatch(f, sql`a.unit_id`)} order by a.indicator_id, a.role desc, u.position, u.id`
	))
		by.set(o.indicatorId, [...(by.get(o.indicatorId) ?? []), o]);
	return by;
}

export type OverdueRow = {
	indicatorId: number;
	task: string;
	indicator: string;
	dueOn: string | null;
	daysOverdue: number;
	/** The accountable units still overdue (an each-owes indicator's open parts); empty: 待明确. */
	lead: { id: number; name: string }[];
	/** Co-units of a joint indicator, supporting the lead. */
	co: { id: number; name: string }[];
};

/**
 * The indicators red (past due, not signed off) on `asOf` among the filter's units: one row each, the lead(s)
 * and co-units named apart.
 */
export async function overdueOn(
	db: Db,
	asOf: string,
	today: string,
	f: DashboardFilter = {}
): Promise<OverdueRow[]> {
	const byIndicator = await owners(db, f);
	return (await listData(db, f, asOf, today, 'red', 'due', 1, 100_000)).items.map((i) => ({
		indicatorId: i.id,
		task: i.task,
		indicator: i.text,
		dueOn: i.dueOn,
		daysOverdue: i.daysOverdue,
		lead: i.units.map((u) => ({ id: u.id, name: u.name })),
		co: (byIndicator.get(i.id) ?? [])
			.filter((o) => o.role === 'co' && !i.units.some((u) => u.id === o.unitId))
			.filter((o) => !o.completedOn || o.completedOn > asOf)
			.map((o) => ({ id: o.unitId, name: o.name }))
	}));
}

/** "牵头 X；配合 Y、Z" as the overdue list writes the units of one indicator. */
export const unitsText = (r: { lead: { name: string }[]; co: { name: string }[] }) =>
	[
		r.lead.length ? `牵头 ${r.lead.map((u) => u.name).join('、')}` : '牵头 待明确',
		r.co.length ? `配合 ${r.co.map((u) => u.name).join('、')}` : ''
	]
		.filter(Boolean)
		.join('；');

export type TargetRow = {
	indicatorId: number;
	indicator: string;
	label: string;
	unit: string;
	target: number;
	/** The latest reported actual on `asOf`: the owners' parts summed for a 'sum' count, else the lowest owner's; null: none reported. */
	actual: number | null;
	/** The same on the previous date: 本期 = actual − previous. */
	previous: number | null;
	/** Percent of the target reached (targets to reach or exceed only). */
	rate: number | null;
	reporters: number;
};

/** The latest actual each of the filter's units reported against each target, as reports stood on `day`. */
async function actualsOn(db: Db, day: string, f: DashboardFilter) {
	const latest = new Map<string, { period: string; value: number }>();
	for (const r of await query<{ targetId: number; unitId: number; period: string; value: number }>(
		db,
		sql`
		select v.target_id as "targetId", r.unit_id as "unitId", r.period, v.value from report_item_value v
		join report_item i on i.id = v.item_id join report r on r.id = i.report_id
		where r.status in ${SUBMITTED_STATUSES} and r.first_submitted_at < ${endOfDay(day).getTime()}
		and ${unitMatch(f, sql`r.unit_id`)}`
	)) {
		const key = `${r.targetId}|${r.unitId}`;
		if ((latest.get(key)?.period ?? '') < r.period) latest.set(key, r);
	}
	const byTarget = new Map<number, number[]>();
	for (const [key, v] of latest) {
		const targetId = Number(key.split('|')[0]);
		byTarget.set(targetId, [...(byTarget.get(targetId) ?? []), v.value]);
	}
	return byTarget;
}

/** Every numeric target of the filter's units with its latest actual on `asOf` and on `previousAsOf`, in plan order. */
export async function targetFigures(
	db: Db,
	asOf: string,
	previousAsOf: string,
	f: DashboardFilter = {}
): Promise<TargetRow[]> {
	const now = await actualsOn(db, asOf, f);
	const before = await actualsOn(db, previousAsOf, f);
	// Parts add up to a count (数据集, 件); a rate (%) is each owner's own and cannot be summed.
	const combine = (values: number[] | undefined, aggregation: string, unit: string) =>
		!values?.length
			? null
			: aggregation === 'sum' && unit !== '%'
				? Math.round(values.reduce((a, b) => a + b, 0) * 100) / 100
				: Math.min(...values);
	return (
		await query<{
			id: number;
			indicatorId: number;
			indicator: string;
			label: string;
			op: string;
			value: number;
			scale: number;
			unit: string;
			aggregation: string;
		}>(
			db,
			sql`select t.id, t.indicator_id as "indicatorId", i.text as indicator, t.label, t.op, t.value, t.scale, t.unit, t.aggregation
				from indicator_target t join indicator i on i.id = t.indicator_id
				where i.recurrence is null and t.relative is null and ${concernsUnits(f, sql`i.id`)}
				order by i.plan_id, i.position, t.position`
		)
	).map((t) => {
		const actual = combine(now.get(t.id), t.aggregation, t.unit);
		const reaching = t.op === '>=' || t.op === '>';
		return {
			indicatorId: t.indicatorId,
			indicator: t.indicator,
			label: t.label,
			unit: targetUnit(t),
			target: t.value,
			actual,
			previous: combine(before.get(t.id), t.aggregation, t.unit),
			rate: actual !== null && reaching && t.value > 0 ? Math.round((actual / t.value) * 1000) / 10 : null,
			reporters: now.get(t.id)?.length ?? 0
		};
	});
}

export type DueRow = {
	indicatorId: number;
	task: string;
	indicator: string;
	dueOn: string;
	lead: string;
	co: string;
};

/** Open indicators (on `asOf`) of the filter's units falling due after `asOf` up to `until`: what the next period must deliver. */
export async function dueBetween(
	db: Db,
	asOf: string,
	until: string,
	f: DashboardFilter = {}
): Promise<DueRow[]> {
	const byIndicator = await owners(db, f);
	return (
		await query<{ id: number; task: string; text: string; dueOn: string }>(
			db,
			sql`select i.id, t.title as task, i.text, i.due_on as "dueOn" from indicator i join task t on t.id = i.task_id
				where i.recurrence is null and i.due_on > ${asOf} and i.due_on <= ${until}
				and (i.completed_on is null or i.completed_on > ${asOf}) and ${concernsUnits(f, sql`i.id`)}
				order by i.due_on, i.plan_id, i.position`
		)
	).map((i) => {
		const list = byIndicator.get(i.id) ?? [];
		const names = (role: 'lead' | 'co') =>
			list
				.filter((o) => o.role === role)
				.map((o) => o.name)
				.join('、');
		return {
			indicatorId: i.id,
			task: i.task,
			indicator: i.text,
			dueOn: i.dueOn,
			lead: names('lead') || '待明确',
			co: names('co')
		};
	});
}
