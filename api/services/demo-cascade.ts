import { and, asc, eq, gte, sql } from 'drizzle-orm';
import { assignment, indicator, indicatorTarget, unit } from '../../db/schema/index.ts';
import type { Db } from '../../db/client.ts';
import type { Actor, ServiceContext } from '../context.ts';
import { addDays, periodsBetween, reportDueOn } from '../lib/dates.ts';
import { divisible, partGoal, type PartShare } from '../../web/src/lib/rules/rollup.ts';
import { decompose, signPart } from './decomposition.ts';
import { reportFormBasis } from './report-form.ts';
import { acceptReport } from './report-review.ts';
import { writeReport } from './reports.ts';
import { createRequest, decideRequest } from './requests.ts';

/**
 * 杭州市政府's districts in the demo: who gets a share, when each signs for it (滨江 and 富阳 after the
 * sign-by day), and how each reports; the others finish before their date, 余杭 lags and misses it, so
 * 杭州's part stays open and its roll-up light names 余杭.
 */
const DISTRICTS = [
	{ name: '西湖区政府', signDelay: 2, pace: 1.05 },
	{ name: '萧山区政府', signDelay: 3, pace: 1 },
	{ name: '余杭区政府', signDelay: 6, pace: 0.45, lags: true },
	{ name: '滨江区政府', signDelay: 10, pace: 1.1 },
	{ name: '富阳区政府', signDelay: 9, pace: 0.95 }
] as const;
const HANDED_ON = '2020-03-10';
const SIGN_BY = '2020-03-17';
/** The districts' dates, this many days before 杭州's own. */
const AHEAD = 10;

type Hooks = {
	db: Db;
	demoDate: string;
	dueReportDay: number;
	schedule: (at: Date, run: () => unknown) => void;
	atTime: (day: string, minutes: number) => Date;
	as: (actor: Actor) => ServiceContext;
	actorFor: (unitId: number) => Promise<Actor>;
	office: Actor;
	/** Days the daily round must run on (a date crossed). */
	crossings: Set<string>;
	dueSoonDays: number;
};

/**
 * Schedules the demo's cascade into the history: 杭州市政府 hands its part of a 各设区市政府 indicator (the
 * first each-owes one due after March, one with a target to divide when there is one) to five districts
 * in March; they sign for it and report monthly, the office accepts their reports and signs off those
 * that finish. No random draws, so the rest of the history is the same with or without it.
 */
export async function scheduleCascade(h: Hooks): Promise<number | null> {
	const hz = (await h.db.select({ id: unit.id }).from(unit).where(eq(unit.name, '杭州市政府')))[0];
	if (!hz) return null;
	const candidates = await h.db
		.select({ partId: assignment.id, indicatorId: indicator.id, dueOn: indicator.dueOn })
		.from(assignment)
		.innerJoin(indicator, eq(indicator.id, assignment.indicatorId))
		.where(
			and(
				eq(assignment.unitId, hz.id),
				eq(indicator.kind, 'each'),
				gte(indicator.dueOn, addDays(HANDED_ON, 60)),
				sql`${indicator.recurrence} is null`
			)
		)
		.orderBy(asc(indicator.position));
	if (!candidates.length) return null;
	const targets = await h.db.select().from(indicatorTarget);
	const divisibleOf = (id: number) => targets.filter((t) => t.indicatorId === id && divisible(t));
	const chosen = candidates.find((c) => divisibleOf(c.indicatorId).length) ?? candidates[0]!;
	const own = divisibleOf(chosen.indicatorId);
	const units = new Map(
		(await h.db.select({ id: unit.id, name: unit.name }).from(unit)).map((u) => [u.name, u.id])
	);
	const districts = DISTRICTS.filter((d) => units.has(d.name));
	// Whole shares adding up to 杭州's own goal (the largest remainders first); a part without one, a tenth each.
	const sharesOf = (k: number): PartShare[] =>
		own.map((t) => {
			const goal = partGoal(t, null) ?? t.value / 10;
			const base = Math.floor(goal / districts.length);
			const extra = Math.round(goal - base * districts.length);
			return { targetId: t.id, value: base + (k < extra ? 1 : 0), mode: 'share' as const };
		});
	const hzActor = await h.actorFor(hz.id);
	const dueOn = addDays(chosen.dueOn!, -AHEAD);
	h.crossings.add(addDays(SIGN_BY, 1)).add(addDays(dueOn, -h.dueSoonDays)).add(addDays(dueOn, 1));

	h.schedule(h.atTime(HANDED_ON, 90), async () => {
		await decompose(h.as(hzActor), chosen.partId, {
			signBy: SIGN_BY,
			children: districts.map((d, k) => ({
				unitId: units.get(d.name)!,
				role: 'lead' as const,
				dueOn,
				shares: sharesOf(k)
			}))
		});
		for (const d of districts) {
			const unitId = units.get(d.name)!;
			const actor = await h.actorFor(unitId);
			const partId = async () =>
				(
					await h.db
						.select({ id: assignment.id })
						.from(assignment)
						.where(and(eq(assignment.indicatorId, chosen.indicatorId), eq(assignment.unitId, unitId)))
				)[0]!.id;
			h.schedule(h.atTime(addDays(HANDED_ON, d.signDelay), 60), async () =>
				signPart(h.as(actor), await partId())
			);
			if (!('lags' in d))
				h.schedule(h.atTime(addDays(dueOn, -6 + Math.floor(d.signDelay / 2)), 120), async () => {
					const req = await createRequest(h.as(actor), {
						kind: 'completion',
						indicatorId: chosen.indicatorId,
						statement: '已按市里交办要求完成本区任务。',
						attachmentIds: []
					});
					h.schedule(h.atTime(addDays(dueOn, -2), 240), () =>
						decideRequest(h.as(h.office), req.id, true, '经核查，同意办结')
					);
				});
			for (const period of periodsBetween('2020-03', '2020-12')) {
				const due = reportDueOn(period, h.dueReportDay);
				if (due >= h.demoDate) break;
				h.schedule(h.atTime(addDays(due, -2), 200), async () => {
					const id = await report(h, actor, period, chosen.indicatorId, d.pace, 'lags' in d, dueOn);
					h.schedule(h.atTime(addDays(due, 2), 100), () => acceptReport(h.as(h.office), id));
				});
			}
		}
	});
	return chosen.indicatorId;
}

/** A district's month: its figures at its pace toward its share, the lagging one saying so. */
async function report(
	h: Hooks,
	actor: Actor,
	period: string,
	indicatorId: number,
	pace: number,
	lags: boolean,
	dueOn: string
) {
	const ctx = h.as(actor);
	const { row, assignments } = await reportFormBasis(h.db, actor.unit!.id, period);
	const shares =
		(
			await h.db
				.select({ shares: assignment.shares })
				.from(assignment)
				.where(and(eq(assignment.indicatorId, indicatorId), eq(assignment.unitId, actor.unit!.id)))
		)[0]?.shares ?? [];
	const elapsed = Math.min(
		1,
		(Date.parse(reportDueOn(period, h.dueReportDay)) - Date.parse(HANDED_ON)) /
			(Date.parse(dueOn) - Date.parse(HANDED_ON))
	);
	const percent = Math.min(100, Math.round(elapsed * pace * 100));
	const items = assignments.map((item) => ({
		indicatorId: item.indicatorId,
		progressStatus: lags && item.indicatorId === indicatorId ? ('behind' as const) : ('on_track' as const),
		percent,
		progress: `${Number(period.slice(5))}月，按市里交办的任务推进，累计完成约 ${percent}%。`,
		problems: lags ? '项目选址和资金落实滞后，进度落后于计划。' : '',
		nextSteps: '按月推进，确保按期完成。',
		values:
			item.indicatorId === indicatorId
				? shares.map((s) => ({ targetId: s.targetId, value: Math.floor((s.value * percent) / 100) }))
				: [],
		attachmentIds: []
	}));
	return (await writeReport(ctx, { period, revision: row?.revision ?? null, items }, true)).id;
}
