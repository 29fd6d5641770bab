import { and, asc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import { gunzipSync, gzipSync } from 'node:zlib';
import { alert, alertEvent, indicator, lightSnapshot, task, unit } from '../../db/schema/index.ts';
import type { Db } from '../../db/client.ts';
import type { ServiceContext } from '../context.ts';
import { desiredAlerts, type DesiredAlert } from './lights.ts';
import { getSettings } from './settings.ts';
import { notFound } from '../errors.ts';

export type EvaluationResult = {
	day: string;
	opened: DesiredAlert[];
	resolved: number[];
	changed: number;
	open: number;
};

/**
 * The daily evaluation: opens the alerts the rules call for, resolves those that no longer apply and
 * keeps each one's reason up to date, in one transaction. Running it twice for a day changes nothing.
 */
export function evaluateAlerts(db: Db, day: string): EvaluationResult {
	const desired = desiredAlerts(db, day, getSettings(db));
	return db.transaction((tx) => {
		const open = new Map(
			tx
				.select({ id: alert.id, key: alert.openKey, reason: alert.reason })
				.from(alert)
				.where(isNotNull(alert.openKey))
				.all()
				.map((a) => [a.key!, a])
		);
		const opened: DesiredAlert[] = [];
		let changed = 0;
		for (const d of desired) {
			const existing = open.get(d.key);
			if (existing) {
				open.delete(d.key);
				if (existing.reason !== d.reason) {
					tx.update(alert).set({ reason: d.reason, light: d.light }).where(eq(alert.id, existing.id)).run();
					changed++;
				}
				continue;
			}
			const id = tx
				.insert(alert)
				.values({
					kind: d.kind,
					light: d.light,
					indicatorId: d.indicatorId,
					unitId: d.unitId,
					period: d.period,
					openKey: d.key,
					since: day,
					reason: d.reason
				})
				.returning({ id: alert.id })
				.get().id;
			tx.insert(alertEvent).values({ alertId: id, on: day, event: 'opened', reason: d.reason }).run();
			opened.push(d);
		}
		const resolved = [...open.values()].map((a) => a.id);
		for (const id of resolved) {
			tx.update(alert).set({ openKey: null, resolvedOn: day }).where(eq(alert.id, id)).run();
			tx.insert(alertEvent).values({ alertId: id, on: day, event: 'resolved', reason: '条件已解除' }).run();
		}
		return { day, opened, resolved, changed, open: desired.length };
	});
}

/** Resolves every open alert of one indicator (it was signed off), with the reason in its history. */
export function resolveIndicatorAlerts(tx: Db, indicatorId: number, day: string, reason: string) {
	const open = tx
		.select({ id: alert.id })
		.from(alert)
		.where(and(isNotNull(alert.openKey), eq(alert.indicatorId, indicatorId)))
		.all();
	for (const { id } of open) {
		tx.update(alert).set({ openKey: null, resolvedOn: day }).where(eq(alert.id, id)).run();
		tx.insert(alertEvent).values({ alertId: id, on: day, event: 'resolved', reason }).run();
	}
}

export type AlertView = {
	id: number;
	kind: string;
	light: 'red' | 'yellow';
	indicator: { id: number; task: string; text: string; dueOn: string | null } | null;
	unit: { id: number; name: string };
	period: string | null;
	since: string;
	reason: string;
};

/** Open alerts, optionally for one unit or some indicators; red first, then oldest first. */
export function openAlerts(db: Db, filter: { unitId?: number; indicatorIds?: number[] } = {}): AlertView[] {
	return db
		.select({
			id: alert.id,
			kind: alert.kind,
			light: alert.light,
			period: alert.period,
			since: alert.since,
			reason: alert.reason,
			unitId: unit.id,
			unitName: unit.name,
			indicatorId: indicator.id,
			text: indicator.text,
			dueOn: indicator.dueOn,
			taskTitle: task.title
		})
		.from(alert)
		.innerJoin(unit, eq(unit.id, alert.unitId))
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
			unit: { id: a.unitId, name: a.unitName },
			period: a.period,
			since: a.since,
			reason: a.reason
		}));
}

/** The alerts a caller may see: a unit user its own unit's, the office and leaders all. */
export function visibleOpenAlerts(ctx: ServiceContext, filter: { unitId?: number; indicatorIds?: number[] }) {
	const actor = ctx.actor!;
	const unitId = actor.role === 'unit' ? (actor.unit?.id ?? -1) : filter.unitId;
	return openAlerts(ctx.db, { ...filter, unitId });
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
	unitId: number;
	period: string | null;
};

/** Keeps the day's open alerts, compressed, so that dashboards and bulletins can replay that day cheaply. */
export const openLightRows = (db: Db) =>
	db.all<LightRow>(
		sql`select kind, light, indicator_id as indicatorId, unit_id as unitId, period from alert where open_key is not null`
	);

export function saveLightSnapshot(db: Db, day: string) {
	const rows = openLightRows(db);
	const data = gzipSync(
		JSON.stringify(rows.map((r) => [r.kind, r.light, r.indicatorId, r.unitId, r.period]))
	);
	db.insert(lightSnapshot)
		.values({ day, data })
		.onConflictDoUpdate({ target: lightSnapshot.day, set: { data } })
		.run();
}

export function loadLightSnapshot(db: Db, day: string): LightRow[] | null {
	const row = db.select().from(lightSnapshot).where(eq(lightSnapshot.day, day)).get();
	if (!row) return null;
	const tuples = JSON.parse(gunzipSync(row.data).toString()) as [
		string,
		'red' | 'yellow',
		number | null,
		number,
		string | null
	][];
	return tuples.map(([kind, light, indicatorId, unitId, period]) => ({
		kind,
		light,
		indicatorId,
		unitId,
		period
	}));
}
