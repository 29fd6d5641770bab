import { daysBetween } from './days.ts';
import type { AlertKind, IndicatorKind, Light, SupervisionState } from './enums.ts';

/** Completed on time or late: always against the original due date, whatever extensions were granted. */
export function completionOf(completedOn: string | null, originalDueOn: string | null, day?: string) {
	if (!completedOn || (day && completedOn > day)) return null;
	return originalDueOn && completedOn > originalDueOn
		? ('completed_late' as const)
		: ('completed_on_time' as const);
}

/**
 * The original date a unit's part is judged against (on time or late): its own, as first planned (its
 * level's date in the plan's table), else the indicator's. Extensions, of the whole or of the part, never move it.
 */
export const partOriginalDueOn = (
	part: { originalDueOn: string | null },
	indicator: { originalDueOn: string | null }
) => part.originalDueOn ?? indicator.originalDueOn;

/** The worst of some lights: red over yellow; none lit is green. */
export function worstLight(lights: Iterable<Light>): 'red' | 'yellow' | 'green' {
	let worst: 'red' | 'yellow' | 'green' = 'green';
	for (const l of lights) {
		if (l === 'red') return 'red';
		worst = 'yellow';
	}
	return worst;
}

/** The one rule of the product: completed (on time / late) apart, else the worst open light, else green. */
export function stateOf(
	completion: { completedOn: string | null; originalDueOn: string | null },
	lights: Iterable<Light>,
	day?: string
): SupervisionState {
	return completionOf(completion.completedOn, completion.originalDueOn, day) ?? worstLight(lights);
}

/**
 * Who is accountable for the dates of an assignment: every unit of an each-owes indicator, the lead of a
 * joint one. Co-units of a joint indicator support the lead: no date lights, a lighter weight in scores.
 * A handed-down part is its unit's own when handed down as lead (each lead child owes its share).
 */
export const accountable = (kind: IndicatorKind, role: 'lead' | 'co', handedDown = false) =>
	role === 'lead' || (kind === 'each' && !handedDown);

/** Who may ask for sign-off (办结): the lead of a joint indicator, any unit of an each-owes one. */
export const maySignOff = accountable;

/** Date-driven lights: overdue after the due day, due soon within `dueSoonDays`. */
export function dateLight(
	dueOn: string | null,
	day: string,
	dueSoonDays: number
): { kind: Extract<AlertKind, 'overdue' | 'due_soon'>; light: Light } | null {
	if (!dueOn) return null;
	const left = daysBetween(day, dueOn);
	if (left < 0) return { kind: 'overdue', light: 'red' };
	if (left <= dueSoonDays) return { kind: 'due_soon', light: 'yellow' };
	return null;
}

/** "7/11 已完成": how many accountable parts of an indicator are signed off. */
export function partsDone(parts: { completedOn: string | null }[], day?: string) {
	return {
		done: parts.filter((p) => p.completedOn && (!day || p.completedOn <= day)).length,
		of: parts.length
	};
}

/** One month's milestone of an approved plan (挂图作战): due by the end of `period`. */
export type Milestone = { period: string; deliverable: string; percent: number; value: number | null };

/** The milestone a month's report is judged against: the latest due by that month's end. */
export const milestoneFor = <M extends Milestone>(milestones: readonly M[], period: string): M | null =>
	milestones.reduce<M | null>(
		(due, m) => (m.period <= period && (!due || m.period > due.period) ? m : due),
		null
	);

/** A unit's figures in one month's report, judged against that month's milestone. */
export type ReportedFigures = { period: string; percent: number | null; value: number | null };

/**
 * 挂图作战, in place of 序时进度 where a unit's milestone plan is approved: a report is judged against the
 * milestone in force for its month (the latest due by that month's end). Below it (the percent, or the
 * value; a ceiling target's value above it) is behind while that milestone's month runs, and a missed
 * milestone once its month's end has passed. Null: no milestone due yet, nothing to compare, or met.
 */
export function milestoneLight(
	milestones: readonly Milestone[],
	reported: ReportedFigures,
	day: string,
	ceiling = false
): { kind: Extract<AlertKind, 'behind_milestone' | 'milestone_missed'>; milestone: Milestone } | null {
	const due = milestoneFor(milestones, reported.period);
	if (!due) return null;
	const short =
		(reported.percent !== null && reported.percent < due.percent) ||
		(due.value !== null &&
			reported.value !== null &&
			(ceiling ? reported.value > due.value : reported.value < due.value));
	if (!short) return null;
	return { kind: day.slice(0, 7) > due.period ? 'milestone_missed' : 'behind_milestone', milestone: due };
}
