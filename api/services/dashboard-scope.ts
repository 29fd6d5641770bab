import { sql, type SQL } from 'drizzle-orm';
import type { UnitKind } from '../../db/schema/index.ts';
import { partOriginalDue } from './lights.ts';
import { unitsUnder } from './access.ts';

/** `under`: a level's supervisor's subtree (rules/access.ts), set by the service, never by the caller. */
export type DashboardFilter = {
	planId?: number;
	sectionId?: number;
	unitKind?: UnitKind;
	unitId?: number;
	under?: number;
};

/** Whether a filter narrows the units (else: every unit and 待明确). */
export const narrowsUnits = (f: DashboardFilter) => !!(f.unitId || f.unitKind || f.under);

/** The units a filter narrows to, as a condition on a unit id column (no unit filter: every unit and 待明确). */
export function unitMatch(f: DashboardFilter, column: SQL): SQL {
	const parts = [
		f.unitId ? sql`${column} = ${f.unitId}` : undefined,
		f.under ? sql`${column} in ${unitsUnder(f.under)}` : undefined,
		f.unitKind ? sql`${column} in (select id from unit where kind = ${f.unitKind})` : undefined
	].filter((p) => p !== undefined);
	return parts.length ? sql.join(parts, sql` and `) : sql`1 = 1`;
}

/** Whether an indicator is assigned to a unit the filter narrows to (no unit filter: every indicator, 待明确's too). */
export const concernsUnits = (f: DashboardFilter, indicatorColumn: SQL): SQL =>
	narrowsUnits(f)
		? sql`exists (select 1 from assignment x where x.indicator_id = ${indicatorColumn} and ${unitMatch(f, sql`x.unit_id`)})`
		: sql`1 = 1`;

/** Indicators of the filter's plan and section (its own tasks, or those of its level-2 sections). */
function planAndSection(f: DashboardFilter): SQL {
	return sql.join(
		[
			f.planId ? sql`i.plan_id = ${f.planId}` : sql`1 = 1`,
			f.sectionId
				? sql`(t.section_id = ${f.sectionId} or t.section_id in (select id from section where parent_id = ${f.sectionId}))`
				: sql`1 = 1`
		],
		sql` and `
	);
}

/**
 * Whether (indicator, unit) is not a handed-down part: provincial counts stay at the plan's parts, whose
 * roll-up lights already carry their children's (a county's red makes its city red, counted once).
 */
export const planPart = (indicatorColumn: SQL, unitColumn: SQL) =>
	sql`not exists (select 1 from assignment sp where sp.indicator_id = ${indicatorColumn} and sp.unit_id = ${unitColumn} and sp.parent_id is not null)`;

/** The units owing parts of the plan itself (not only handed-down parts), as a condition on a unit id column. */
export const planPartUnit = (unitColumn: SQL) =>
	sql`exists (select 1 from assignment tp where tp.unit_id = ${unitColumn} and tp.parent_id is null)`;

/** The lit-light condition of alert `al` on a day: came on by then and not yet out. */
export const litOn = (day: string | SQL) =>
	sql`al.since <= ${day} and (al.resolved_on is null or al.resolved_on > ${day})`;

/**
 * Common table expressions over the scope of a dashboard on a day: `ind`, the indicators in scope with
 * their sections, the completion that counts (with one unit in the filter, that unit's own part: its
 * sign-off against its own original date) and `state`, the shared rule (lights.ts `stateOf`) in SQL:
 * completed by the day on time or late, else the worst light lit on it that day over the units in scope —
 * looked up per open indicator (the lights of every indicator grouped first cost twice as much).
 */
export function scopeWith(f: DashboardFilter, day: string): SQL {
	const part = f.unitId ? sql`join assignment a on a.indicator_id = i.id and a.unit_id = ${f.unitId}` : sql``;
	return sql`with ind as (
		select i.id, i.plan_id as "planId", i.position, i.text, i.task_id as "taskId", i.due_on as "dueOn", i.recurrence,
			coalesce(s2.parent_id, t.section_id) as "s1Id", s2.id as "s2Id",
			${f.unitId ? sql`a.completed_on` : sql`i.completed_on`} as "completedOn",
			${f.unitId ? partOriginalDue : sql`i.original_due_on`} as "originalDueOn"
		from indicator i join task t on t.id = i.task_id
			left join section s2 on s2.id = t.section_id and s2.level = 2
			${part}
		where ${planAndSection(f)} and ${concernsUnits(f, sql`i.id`)}
	), st as (
		select ind.*, case
			when ind."completedOn" is not null and ind."completedOn" <= ${day} then
				case when ind."originalDueOn" is not null and ind."completedOn" > ind."originalDueOn" then 'completed_late' else 'completed_on_time' end
			else (
				select case max(case when al.light = 'red' then 1 else 0 end) when 1 then 'red' when 0 then 'yellow' else 'green' end
				from alert al where al.indicator_id = ind.id and ${litOn(day)} and ${unitMatch(f, sql`al.unit_id`)}
			) end as state
		from ind
	)`;
}

/**
 * Indicators in scope, as a condition on an indicator id column of a statement that begins with
 * `scopeWith` (no plan or section in the filter: every indicator; a unit filter narrows through the units).
 */
export const inScope = (f: DashboardFilter, column: SQL) =>
	f.planId || f.sectionId ? sql`${column} in (select id from ind)` : sql`1 = 1`;

/** The units a filter looks at, as a condition on a unit id column: those with an assignment in scope. */
export function unitsInScope(f: DashboardFilter, column: SQL): SQL {
	if (!narrowsUnits(f)) return planPartUnit(column);
	return sql`${column} in (select a.unit_id from assignment a join indicator i on i.id = a.indicator_id join task t on t.id = i.task_id
		where ${unitMatch(f, sql`a.unit_id`)} and ${planAndSection(f)})`;
}
