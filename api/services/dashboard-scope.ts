import { sql } from 'drizzle-orm';
import { type Db, query } from '../../db/client.ts';
import type { UnitKind } from '../../db/schema/index.ts';
import { lightRowsOn } from './alerts.ts';
import { stateOf } from '../../web/src/lib/rules/lights.ts';
import type { SupervisionState } from '../../web/src/lib/rules/enums.ts';

export type DashboardFilter = { planId?: number; sectionId?: number; unitKind?: UnitKind; unitId?: number };

export type ScopeIndicator = {
	id: number;
	planId: number;
	text: string;
	task: string;
	dueOn: string | null;
	originalDueOn: string | null;
	completedOn: string | null;
	recurrence: string | null;
	planStart: string;
	s1Id: number | null;
	s1Name: string | null;
	s2Id: number | null;
	s2Name: string | null;
};

export type ScopeAssignment = {
	indicatorId: number;
	unitId: number;
	role: 'lead' | 'co';
	unitName: string;
	unitKind: UnitKind;
	completedOn: string | null;
};

/** The indicators and assignments a dashboard looks at, narrowed by plan, section, unit kind and unit. */
export async function loadScope(db: Db, f: DashboardFilter) {
	const indicators = await query<ScopeIndicator>(
		db,
		sql`
		select i.id, i.plan_id as planId, i.text, t.title as task, i.due_on as dueOn, i.original_due_on as originalDueOn,
			i.completed_on as completedOn, i.recurrence, coalesce(p.issued_on, p.year || '-01-01') as planStart,
			coalesce(s2.parent_id, s1.id) as s1Id, coalesce(top.name, s1.name) as s1Name, s2.id as s2Id, s2.name as s2Name
		from indicator i
		join task t on t.id = i.task_id
		join plan p on p.id = i.plan_id
		left join section s2 on s2.id = t.section_id and s2.level = 2
		left join section top on top.id = s2.parent_id
		left join section s1 on s1.id = t.section_id and s1.level = 1
		where (${f.planId ?? null} is null or i.plan_id = ${f.planId ?? null})
		order by i.plan_id, i.position`
	);
	const inSection = f.sectionId
		? indicators.filter((i) => i.s1Id === f.sectionId || i.s2Id === f.sectionId)
		: indicators;
	const ids = new Set(inSection.map((i) => i.id));
	const assignments = (
		await query<ScopeAssignment>(
			db,
			sql`select a.indicator_id as indicatorId, a.unit_id as unitId, a.role, u.name as unitName, u.kind as unitKind, a.completed_on as completedOn
				from assignment a join unit u on u.id = a.unit_id
				where (${f.unitKind ?? null} is null or u.kind = ${f.unitKind ?? null}) and (${f.unitId ?? null} is null or u.id = ${f.unitId ?? null})`
		)
	).filter((a) => ids.has(a.indicatorId));
	const narrowed = f.unitKind || f.unitId ? new Set(assignments.map((a) => a.indicatorId)) : ids;
	return { indicators: inSection.filter((i) => narrowed.has(i.id)), assignments };
}

export type LightMap = Map<number, Map<number | null, 'red' | 'yellow'>>;

/**
 * Indicator × unit lights on a day (today or earlier), the worst per pair, from the supervision state's
 * real dates; report-missing (unit, month) lights apart. A unit of null is "待明确" (placeholders only).
 */
export async function lightsOn(db: Db, day: string) {
	const lights: LightMap = new Map();
	const missing: { unitId: number; period: string }[] = [];
	for (const a of await lightRowsOn(db, day)) {
		if (a.kind === 'report_missing') {
			missing.push({ unitId: a.unitId!, period: a.period! });
			continue;
		}
		const byUnit = lights.get(a.indicatorId!) ?? new Map();
		if (byUnit.get(a.unitId) !== 'red') byUnit.set(a.unitId, a.light);
		lights.set(a.indicatorId!, byUnit);
	}
	return { lights, missing };
}

/**
 * One indicator's state on a day over the units in scope: for one unit, that unit's part (its own
 * sign-off); otherwise the indicator's. Completed apart, else the worst light (the shared rule).
 */
export function indicatorLight(
	i: ScopeIndicator,
	day: string,
	lights: LightMap,
	units: Set<number> | null,
	part?: ScopeAssignment
): SupervisionState {
	const lit = [...(lights.get(i.id) ?? [])]
		.filter(([unitId]) => !units || (unitId !== null && units.has(unitId)))
		.map(([, l]) => l);
	return stateOf({ completedOn: (part ?? i).completedOn, originalDueOn: i.originalDueOn }, lit, day);
}
