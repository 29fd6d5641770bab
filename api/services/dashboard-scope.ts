import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import type { UnitKind } from '../../db/schema/index.ts';
import { desiredAlerts } from './lights.ts';
import { loadLightSnapshot, openLightRows } from './alerts.ts';
import { getSettings } from './settings.ts';
import { hasRun } from '../../tasks/run-log.ts';
import { memo } from '../lib/memo.ts';

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
};

/** The indicators and assignments a dashboard looks at, narrowed by plan, section, unit kind and unit. */
export function loadScope(db: Db, f: DashboardFilter) {
	return memo(db, `scope|${JSON.stringify(f)}`, () => loadScopeNow(db, f));
}

function loadScopeNow(db: Db, f: DashboardFilter) {
	const indicators = db.all<ScopeIndicator>(sql`
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
		order by i.plan_id, i.position`);
	const inSection = f.sectionId
		? indicators.filter((i) => i.s1Id === f.sectionId || i.s2Id === f.sectionId)
		: indicators;
	const ids = new Set(inSection.map((i) => i.id));
	const assignments = db
		.all<ScopeAssignment>(
			sql`select a.indicator_id as indicatorId, a.unit_id as unitId, a.role, u.name as unitName, u.kind as unitKind
				from assignment a join unit u on u.id = a.unit_id
				where (${f.unitKind ?? null} is null or u.kind = ${f.unitKind ?? null}) and (${f.unitId ?? null} is null or u.id = ${f.unitId ?? null})`
		)
		.filter((a) => ids.has(a.indicatorId));
	const narrowed = f.unitKind || f.unitId ? new Set(assignments.map((a) => a.indicatorId)) : ids;
	return { indicators: inSection.filter((i) => narrowed.has(i.id)), assignments };
}

export type LightMap = Map<number, Map<number, 'red' | 'yellow'>>;

/**
 * Indicator × unit lights on a day: today's evaluation from the alert table when it has run, otherwise
 * the rules applied to that day (the date picker replays any earlier day).
 */
export function lightsOn(db: Db, day: string, today: string) {
	return memo(db, `lights|${day}|${today}`, () => lightsOnNow(db, day, today));
}

function lightsOnNow(db: Db, day: string, today: string) {
	const lights: LightMap = new Map();
	const missing: { unitId: number; period: string }[] = [];
	// Today from the alert table once today's evaluation ran; an earlier day from its snapshot; else the rules.
	const rows =
		day === today && hasRun(db, 'daily', today)
			? openLightRows(db)
			: (loadLightSnapshot(db, day) ?? desiredAlerts(db, day, getSettings(db)));
	for (const a of rows) {
		if (a.kind === 'report_missing') {
			missing.push({ unitId: a.unitId, period: a.period! });
			continue;
		}
		const byUnit = lights.get(a.indicatorId!) ?? new Map();
		if (byUnit.get(a.unitId) !== 'red') byUnit.set(a.unitId, a.light);
		lights.set(a.indicatorId!, byUnit);
	}
	return { lights, missing };
}

export type IndicatorLight = 'red' | 'yellow' | 'green' | 'completed_on_time' | 'completed_late';

/** One indicator's light on a day, over the units in scope. */
export function indicatorLight(
	i: ScopeIndicator,
	day: string,
	lights: LightMap,
	units: Set<number> | null
): IndicatorLight {
	if (i.completedOn && i.completedOn <= day) {
		return i.originalDueOn && i.completedOn > i.originalDueOn ? 'completed_late' : 'completed_on_time';
	}
	let light: IndicatorLight = 'green';
	for (const [unitId, l] of lights.get(i.id) ?? []) {
		if (units && !units.has(unitId)) continue;
		if (l === 'red') return 'red';
		light = 'yellow';
	}
	return light;
}
