import { and, asc, eq, inArray, isNotNull, ne, sql, type SQL } from 'drizzle-orm';
import { alert, alertEvent, indicator, task, unit } from '../../db/schema/index.ts';
import { type Db, inJsonIds, prepared, takeLock, withTransaction, query } from '../../db/client.ts';
import type { Caller, ServiceContext } from '../context.ts';
import { audit } from './audit.ts';
import { reasonText, type ReasonParams } from '../../web/src/lib/rules/reasons.ts';
import {
	alertKey,
	desiredAlerts,
	submissionAlerts,
	submissionReach,
	type DesiredAlert,
	type Scope
} from './lights.ts';
import { getSettings, type Settings } from './settings.ts';
import { refreshReportSpans } from './report-spans.ts';
import { decomposedParts, refreshRollup, submissionParts } from './rollup.ts';
import { notFound } from '../errors.ts';
import { maySeeUnit, ownUnitOnly } from '../../web/src/lib/rules/access.ts';
import { lineageOf, visibleUnits } from './access.ts';

const { placeholder } = sql;

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
	| 'deadline_event'
	| 'target_meaning'
	| 'milestone_plan'
	| 'decomposed'
	| 'signed';

const openColumns = { id: alert.id, key: alert.openKey, unitId: alert.unitId, params: alert.params };

/** The parts' own lights; the roll-up's (`child_lagging`) are kept by `refreshRollup` after them. */
const openInScope = (scope: Scope): SQL | undefined =>
	and(
		isNotNull(alert.openKey),
		ne(alert.kind, 'child_lagging'),
		scope.indicatorIds ? inArray(alert.indicatorId, scope.indicatorIds) : undefined,
		scope.unitIds ? inArray(alert.unitId, scope.unitIds) : undefined
	);

/**
 * Brings the supervision state of a scope up to date on `day`, inside the caller's transaction: opens the
 * lights the rules call for (since the day their condition began), puts out those that no longer apply
 * (on `day`, with the cause) and records each change as an event. Every write that can change a light
 * calls this for what it touched (a submission: `refreshSubmission`); the daily round calls it for
 * everything when a date is crossed.
 */
export async function refreshSupervision(
	tx: Db,
	day: string,
	scope: Scope,
	cause: Cause
): Promise<EvaluationResult> {
	// Concurrent writes (of several instances on PostgreSQL) refresh overlapping lights one after another:
	// each reads the open lights and writes the difference, which two at once would both open or deadlock on.
	await takeLock(tx, 'supervision');
	// The months owed follow the assignments (a unit scope: its own; no scope: everyone's).
	if (scope.unitIds || !scope.indicatorIds) await refreshReportSpans(tx, scope.unitIds);
	return await relight(tx, day, cause, {
		desired: (settings) => desiredAlerts(tx, day, settings, scope),
		open: () => tx.select(openColumns).from(alert).where(openInScope(scope)),
		lastResolved: () => lastResolved(tx, scope),
		rollup: () => decomposedParts(tx, scope)
	});
}

/**
 * `refreshSupervision` for a unit's submission of a report on `reported` (its items' indicators), in one
 * pass of queries built once (the month-end rush submits thousands): the unit's lights, and every owner's
 * on the indicators whose summed target the report shares with other units (`submissionReach`, read once
 * for all the queries). A report never changes the months owed.
 */
export async function refreshSubmission(
	tx: Db,
	day: string,
	unitId: number,
	reported: number[]
): Promise<EvaluationResult> {
	await takeLock(tx, 'supervision');
	const reach = await submissionReach(tx, unitId, reported);
	const at = { unitId, shared: JSON.stringify(reach.shared) };
	return await relight(tx, day, 'report', {
		desired: (settings) => submissionAlerts(tx, day, settings, unitId, reach),
		open: () => openOfSubmission(tx).execute(at),
		lastResolved: () => resolvedOfSubmission(tx).execute(at),
		rollup: () => submissionParts(tx, unitId, reach.shared),
		firstRound: (light) => light.unitId === unitId
	});
}

/** Where a refresh looks: the lights it wants, the open ones it keeps, the roll-up parts it may move. */
type Reach = {
	desired: (settings: Settings) => Promise<DesiredAlert[]>;
	/** The parts' own open lights (not `child_lagging`) in reach. */
	open: () => Promise<{ id: number; key: string | null; unitId: number | null; params: ReasonParams }[]>;
	/** When each light in reach last went out (`resolvedQuery`). */
	lastResolved: () => Promise<Resolved[]>;
	/** The decomposed parts whose roll-up light may have moved (`decomposedParts`). */
	rollup: () => Promise<number[]>;
	/**
	 * The lights taken in a first round (opened, changed, put out), the rest in a second: a submission's
	 * own unit's, then the other owners', in the order its two refreshes wrote them (events included).
	 */
	firstRound?: (light: { unitId: number | null }) => boolean;
};

/** Opens, changes and puts out the lights in reach, each with its event (`refreshSupervision`). */
async function relight(tx: Db, day: string, cause: Cause, reach: Reach): Promise<EvaluationResult> {
	const desired = await reach.desired(await getSettings(tx));
	const open = await reach.open();
	const first = reach.firstRound;
	const rounds = first ? [first, (l: { unitId: number | null }) => !first(l)] : [() => true];
	const opened: DesiredAlert[] = [];
	const resolved: number[] = [];
	let changed = 0;
	let lastOut: Map<string, string> | null = null;
	for (const round of rounds) {
		const left = new Map(open.filter(round).map((a) => [a.key!, a]));
		const opening: DesiredAlert[] = [];
		for (const d of desired.filter(round)) {
			const existing = left.get(d.key);
			if (!existing) {
				opening.push(d);
				continue;
			}
			left.delete(d.key);
			if (JSON.stringify(existing.params) !== JSON.stringify(d.params)) {
				await changeAlert(tx).execute({ id: existing.id, params: JSON.stringify(d.params), light: d.light });
				await addEvent(tx).execute({
					alertId: existing.id,
					on: day,
					event: 'changed',
					cause: JSON.stringify({ cause, ...d.params })
				});
				changed++;
			}
		}
		// New lights and their events go in a few multi-row statements: a daily round opens hundreds.
		if (opening.length)
			lastOut ??= new Map((await reach.lastResolved()).map((r) => [alertKey(r), r.on] as const));
		for (let i = 0; i < opening.length; i += BATCH) {
			const rows = opening.slice(i, i + BATCH).map((d) => ({
				kind: d.kind,
				light: d.light,
				indicatorId: d.indicatorId,
				unitId: d.unitId,
				period: d.period,
				openKey: d.key,
				since: sinceOf(d, day, lastOut!.get(d.key)),
				params: d.params
			}));
			const ids = new Map(
				(await tx.insert(alert).values(rows).returning({ id: alert.id, key: alert.openKey })).map((r) => [
					r.key!,
					r.id
				])
			);
			await tx.insert(alertEvent).values(
				rows.map((r) => ({
					alertId: ids.get(r.openKey)!,
					on: r.since,
					event: 'opened' as const,
					cause: { cause, ...r.params }
				}))
			);
		}
		const out = [...left.values()].map((a) => a.id);
		for (let i = 0; i < out.length; i += BATCH) {
			const ids = out.slice(i, i + BATCH);
			await tx.update(alert).set({ openKey: null, resolvedOn: day }).where(inArray(alert.id, ids));
			await tx
				.insert(alertEvent)
				.values(ids.map((id) => ({ alertId: id, on: day, event: 'resolved' as const, cause: { cause } })));
		}
		opened.push(...opening);
		resolved.push(...out);
	}
	await refreshRollup(tx, day, await reach.rollup(), cause);
	return { day, opened, resolved, changed, open: desired.length };
}

// A submission changes several lights' reasons (the month-end rush): built once. JSON as text, as stored.
const changeAlert = prepared((db) =>
	db
		.update(alert)
		.set({ params: sql`${placeholder('params')}`, light: sql`${placeholder('light')}` })
		.where(eq(alert.id, placeholder('id')))
		.prepare()
);
const addEvent = prepared((db) =>
	db
		.insert(alertEvent)
		.values({
			alertId: placeholder('alertId'),
			on: placeholder('on'),
			event: placeholder('event'),
			cause: sql`${placeholder('cause')}`
		})
		.prepare()
);

/** Rows per multi-row statement (SQLite allows 32,766 bound values; an alert row binds nine). */
const BATCH = 500;

type Resolved = Pick<DesiredAlert, 'kind' | 'indicatorId' | 'unitId' | 'period'> & { on: string };

/** The last day each light went out (of those that ever did), narrowed by `where`. */
const resolvedQuery = (tx: Db, where: SQL | undefined) =>
	tx
		.select({
			kind: alert.kind,
			indicatorId: alert.indicatorId,
			unitId: alert.unitId,
			period: alert.period,
			on: sql<string>`max(${alert.resolvedOn})`
		})
		.from(alert)
		.where(and(isNotNull(alert.resolvedOn), where))
		.groupBy(alert.kind, alert.indicatorId, alert.unitId, alert.period);

/** The day each light of a scope last went out. */
const lastResolved = (tx: Db, scope: Scope) =>
	resolvedQuery(
		tx,
		// A unit scope brings no placeholder lights; an indicator scope alone no monthly-report ones.
		scope.unitIds
			? inArray(alert.unitId, scope.unitIds)
			: scope.indicatorIds
				? inArray(alert.indicatorId, scope.indicatorIds)
				: undefined
	);

/**
 * In a submission's reach (`refreshSubmission`): the unit's lights, and those on its shared summed targets
 * (`shared`, the JSON array of `submissionReach`'s).
 */
const submissionLights = (db: Db) =>
	sql`(${alert.unitId} = ${placeholder('unitId')} or ${inJsonIds(db, alert.indicatorId, placeholder('shared'))})`;

const openOfSubmission = prepared((db) =>
	db
		.select(openColumns)
		.from(alert)
		.where(and(isNotNull(alert.openKey), ne(alert.kind, 'child_lagging'), submissionLights(db)))
		.prepare()
);

const resolvedOfSubmission = prepared((db) => resolvedQuery(db, submissionLights(db)).prepare());

/**
 * The day a light really came on: when its condition began (the day after the due date …), but never
 * before the same light last went out, nor after today.
 */
function sinceOf(d: DesiredAlert, day: string, lastOut: string | undefined) {
	const since = d.onset < day ? d.onset : day;
	return lastOut && lastOut > since ? lastOut : since;
}

/** The daily round's share: the lights of every assignment on `day` (dates crossed since yesterday). */
/** The passing of a day: every light brought up to date on the context's day, audited with its counts. */
export async function evaluateAlerts(ctx: ServiceContext<Caller | null>): Promise<EvaluationResult> {
	return await withTransaction(ctx, async (tx) => {
		const result = await refreshSupervision(tx.db, tx.clock.today(), {}, 'date');
		const { day, changed, open } = result;
		await audit(tx, {
			action: 'alert.evaluate',
			objectType: 'alert',
			after: { day, opened: result.opened.length, resolved: result.resolved.length, changed, open }
		});
		return result;
	});
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
export async function openAlerts(
	db: Db,
	day: string,
	filter: { unitId?: number; indicatorIds?: number[]; within?: SQL } = {}
): Promise<AlertView[]> {
	return (
		await db
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
					filter.within,
					filter.indicatorIds ? inArray(alert.indicatorId, filter.indicatorIds) : undefined
				)
			)
			.orderBy(sql`${alert.light} = 'yellow'`, asc(alert.since), asc(alert.id))
	).map((a) => ({
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

/** The alerts a caller may see: a unit user its own unit's, a supervisor its subtree's (provincial: all). */
export function visibleOpenAlerts(ctx: ServiceContext, filter: { unitId?: number; indicatorIds?: number[] }) {
	const unitId = ownUnitOnly(ctx.actor!) ?? filter.unitId;
	return openAlerts(ctx.db, ctx.clock.today(), {
		...filter,
		unitId,
		within: visibleUnits(ctx.actor!, sql`${alert.unitId}`)
	});
}

/** The history of one alert, for those who may see the alert. */
export async function alertHistory(ctx: ServiceContext, alertId: number) {
	const row = (
		await ctx.db.select({ unitId: alert.unitId }).from(alert).where(eq(alert.id, alertId)).limit(1)
	)[0];
	if (!row) throw notFound('alert');
	const lineage = row.unitId === null ? [] : await lineageOf(ctx, row.unitId);
	if (!maySeeUnit(ctx.actor!, row.unitId, lineage)) throw notFound('alert');
	return await ctx.db
		.select()
		.from(alertEvent)
		.where(eq(alertEvent.alertId, alertId))
		.orderBy(asc(alertEvent.id));
}

export type LightRow = {
	kind: string;
	light: 'red' | 'yellow';
	indicatorId: number | null;
	unitId: number | null;
	period: string | null;
};

/** The lights lit on any day, today or earlier: one query over the lights' real dates. */
export const lightRowsOn = async (db: Db, day: string) =>
	await query<LightRow>(
		db,
		sql`select kind, light, indicator_id as "indicatorId", unit_id as "unitId", period from alert
			where since <= ${day} and (resolved_on is null or resolved_on > ${day})`
	);
