import { and, asc, eq, inArray, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import { alert, alertEvent, indicator, task, unit } from '../../db/schema/index.ts';
import type { Db } from '../../db/client.ts';
import type { ServiceContext } from '../context.ts';
import { reasonText, type ReasonParams } from '../../web/src/lib/rules/reasons.ts';
import { desiredAlerts, type DesiredAlert, type Scope } from './lights.ts';
import { getSettings } from './settings.ts';
import { notFound } from '../errors.ts';

export type EvaluationResult = {
	day: string;
	opened: DesiredAlert[];
	resolved: number[];
	changed: number;
	open: number;
};

/** Why lights went out or changed, kept in each alert's history. */
export type Cause =
	| 'date'
	| 'signed_off'
	| 'extended'
	| 'report'
	| 'review'
	| 'import'
	| 'placeholder_resolved'
	| 'settings'
	| 'kind_changed'
	| 'deadline_event';

const openInScope = (scope: Scope): SQL | undefined =>
	and(
		isNotNull(alert.openKey),
		scope.indicatorIds ? inArray(alert.indicatorId, scope.indicatorIds) : undefined,
		scope.unitIds ? inArray(alert.unitId, scope.unitIds) : undefined
	);

/**
 * Brings the supervision state of a scope up to date on `day`, inside the caller's transaction: opens the
 * lights the rules call for (since the day their condition began), puts out those that no longer apply
 * (on `day`, with the cause) and records each change as an event. Every write that can change a light
 * calls this for what it touched; the daily round calls it for everything when a date is crossed.
 */
export function refreshSupervision(tx: Db, day: string, scope: Scope, cause: Cause): EvaluationResult {
	const desired = desiredAlerts(tx, day, getSettings(tx), scope);
	const open = new Map(
		tx
			.select({ id: alert.id, key: alert.openKey, params: alert.params })
			.from(alert)
			.where(openInScope(scope))
			.all()
			.map((a) => [a.key!, a])
	);
	const opened: DesiredAlert[] = [];
	let changed = 0;
	for (const d of desired) {
		const existing = open.get(d.key);
		if (existing) {
			open.delete(d.key);
			if (JSON.stringify(existing.params) !== JSON.stringify(d.params)) {
				tx.update(alert).set({ params: d.params, light: d.light }).where(eq(alert.id, existing.id)).run();
				tx.insert(alertEvent)
					.values({ alertId: existing.id, on: day, event: 'changed', cause: { cause, ...d.params } })
					.run();
				changed++;
			}
			continue;
		}
		const since = sinceOf(tx, d, day);
		const id = tx
			.insert(alert)
			.values({
				kind: d.kind,
				light: d.light,
				indicatorId: d.indicatorId,
				unitId: d.unitId,
				period: d.period,
				openKey: d.key,
				since,
				params: d.params
			})
			.returning({ id: alert.id })
			.get().id;
		tx.insert(alertEvent)
			.values({ alertId: id, on: since, event: 'opened', cause: { cause, ...d.params } })
			.run();
		opened.push(d);
	}
	const resolved = [...open.values()].map((a) => a.id);
	for (const id of resolved) {
		tx.update(alert).set({ openKey: null, resolvedOn: day }).where(eq(alert.id, id)).run();
		tx.insert(alertEvent).values({ alertId: id, on: day, event: 'resolved', cause: { cause } }).run();
	}
	return { day, opened, resolved, changed, open: desired.length };
}

/**
 * The day a light really came on: when its condition began (the day after the due date …), but never
 * before the same light last went out, nor after today.
 */
function sinceOf(tx: Db, d: DesiredAlert, day: string) {
	const lastOut = tx
		.select({ on: sql<string | null>`max(${alert.resolvedOn})` })
		.from(alert)
		.where(
			and(
				eq(alert.kind, d.kind),
				d.indicatorId === null ? isNull(alert.indicatorId) : eq(alert.indicatorId, d.indicatorId),
				d.unitId === null ? isNull(alert.unitId) : eq(alert.unitId, d.unitId),
				d.period === null ? isNull(alert.period) : eq(alert.period, d.period)
			)
		)
		.get()?.on;
	const since = d.onset < day ? d.onset : day;
	return lastOut && lastOut > since ? lastOut : since;
}

/** The daily round's share: the lights of every assignment on `day` (dates crossed since yesterday). */
export function evaluateAlerts(db: Db, day: string): EvaluationResult {
	return db.transaction((tx) => refreshSupervision(tx, day, {}, 'date'));
}

export type AlertView = {
	id: number;
	kind: DesiredAlert['kind'];
	light: 'red' | 'yellow';
	indicator: { id: number; task: string; text: string; dueOn: string | null } | null;
	/** Null: owed by unresolved placeholders only (待明确). */
	unit: { id: number; name: string } | null;
	period: string | null;
	since: string;
	params: ReasonParams;
	reason: string;
};

/** Open alerts, optionally for one unit or some indicators; red first, then oldest first; reasons as of `day`. */
export function openAlerts(
	db: Db,
	day: string,
	filter: { unitId?: number; indicatorIds?: number[] } = {}
): AlertView[] {
	return db
		.select({
			id: alert.id,
			kind: alert.kind,
			light: alert.light,
			period: alert.period,
			since: alert.since,
			params: alert.params,
			unitId: unit.id,
			unitName: unit.name,
			indicatorId: indicator.id,
			text: indicator.text,
			dueOn: indicator.dueOn,
			taskTitle: task.title
		})
		.from(alert)
		.leftJoin(unit, eq(unit.id, alert.unitId))
		.leftJoin(indicator, eq(indicator.id, alert.indicatorId))
		.leftJoin(task, eq(task.id, indicator.taskId))
		.where(
			and(
				isNotNull(alert.openKey),
				filter.unitId ? eq(alert.unitId, filter.unitId) : undefined,
				filter.indicatorIds ? inArray(alert.indicatorId, filter.indicatorIds) : undefined
			)
		)
		.orderBy(sql`${alert.light} = 'yellow'`, asc(alert.since), asc(alert.id))
		.all()
		.map((a) => ({
			id: a.id,
			kind: a.kind,
			light: a.light,
			indicator: a.indicatorId
				? { id: a.indicatorId, task: a.taskTitle!, text: a.text!, dueOn: a.dueOn }
				: null,
			unit: a.unitId ? { id: a.unitId, name: a.unitName! } : null,
			period: a.period,
			since: a.since,
			params: a.params,
			reason: reasonText(a.kind, a.params, day)
		}));
}

/** The alerts a caller may see: a unit user its own unit's, the office and leaders all. */
export function visibleOpenAlerts(ctx: ServiceContext, filter: { unitId?: number; indicatorIds?: number[] }) {
	const actor = ctx.actor!;
	const unitId = actor.role === 'unit' ? (actor.unit?.id ?? -1) : filter.unitId;
	return openAlerts(ctx.db, ctx.clock.today(), { ...filter, unitId });
}

/** The history of one alert, for those who may see the alert. */
export function alertHistory(ctx: ServiceContext, alertId: number) {
	const row = ctx.db.select({ unitId: alert.unitId }).from(alert).where(eq(alert.id, alertId)).get();
	const actor = ctx.actor!;
	if (!row || (actor.role === 'unit' && actor.unit?.id !== row.unitId)) throw notFound('预警');
	return ctx.db
		.select()
		.from(alertEvent)
		.where(eq(alertEvent.alertId, alertId))
		.orderBy(asc(alertEvent.id))
		.all();
}

export type LightRow = {
	kind: string;
	light: 'red' | 'yellow';
	indicatorId: number | null;
	unitId: number | null;
	period: string | null;
};

/** The lights lit on any day, today or earlier: one query over the lights' real dates. */
export const lightRowsOn = (db: Db, day: string) =>
	db.all<LightRow>(
		sql`select kind, light, indicator_id as indicatorId, unit_id as unitId, period from alert
			where since <= ${day} and (resolved_on is null or resolved_on > ${day})`
	);
