/**
 * Decomposition (分解/交办) and roll-up, shared by the API and the web app: what a handed-down part owes of
 * each numeric target, whether a set of shares is acceptable, and how a parent part's figures, completion
 * and light follow from its children. Dependency-free like the rest of `rules/`.
 */
import type { Light } from './enums.ts';

/** `share`: an amount of the parent's goal (the shares add up to it); `at_least`: each child must reach it. */
export const SHARE_MODES = ['share', 'at_least'] as const;
export type ShareMode = (typeof SHARE_MODES)[number];
export type PartShare = { targetId: number; value: number; mode: ShareMode };

type Target = {
	id: number;
	op: '>=' | '>' | '=' | '<=' | '<';
	value: number;
	relative: 'factor' | 'points' | 'percent' | null;
	aggregation: 'each' | 'sum';
};

/** Targets a part can be divided by: an absolute amount to reach (a ceiling or a relative change is every child's). */
export const divisible = (t: Target) => !t.relative && (t.op === '>=' || t.op === '>' || t.op === '=');

/**
 * A part's own goal for a target: a handed-down part's share; a part of the plan owes the value itself on
 * an each-owner target (各推出5个以上), and has no own goal on a summed one (the owners together do).
 */
export function partGoal(t: Target, shares: PartShare[] | null): number | null {
	const own = shares?.find((s) => s.targetId === t.id);
	if (own) return own.value;
	if (shares) return null;
	return t.aggregation === 'each' ? t.value : null;
}

/**
 * A target as a part owes it: a handed-down part its own share of a divided target (the plan's value of
 * the others), reached by its own figures alone; a part of the plan, the target itself. The report form,
 * the unit's lists and the lights all hold a part to this.
 */
export function partTarget<
	T extends { id: number; value: number; valueMax: number | null; aggregation: 'each' | 'sum' }
>(t: T, part: { parentId: number | null; shares: PartShare[] | null }): T {
	if (part.parentId === null) return t;
	const own = part.shares?.find((s) => s.targetId === t.id);
	return { ...t, ...(own ? { value: own.value, valueMax: null } : {}), aggregation: 'each' };
}

/** Whether "each at least" is open to a part's children: its own goal is one each owner must reach. */
const eachType = (t: Target, shares: PartShare[] | null) => {
	const own = shares?.find((s) => s.targetId === t.id);
	return own ? own.mode === 'at_least' : !shares && t.aggregation === 'each';
};

export type ShareProblem = {
	code: 'share_missing' | 'share_mode_mixed' | 'share_each_not_allowed' | 'shares_sum';
	targetId: number;
	goal?: number;
	sum?: number;
};

/**
 * What is wrong with the shares of all a part's children (those decomposed before and the new ones) for
 * each divisible target: every child states one; one mode per target; "each at least" only under an
 * each-type goal; shares of a part with its own goal add up to it exactly.
 */
export function shareProblem(
	targets: Target[],
	parentShares: PartShare[] | null,
	children: { shares: PartShare[] | null }[]
): ShareProblem | null {
	for (const t of targets.filter(divisible)) {
		const mine = children.map((c) => c.shares?.find((s) => s.targetId === t.id));
		if (mine.some((s) => !s)) return { code: 'share_missing', targetId: t.id };
		const modes = new Set(mine.map((s) => s!.mode));
		if (modes.size > 1) return { code: 'share_mode_mixed', targetId: t.id };
		if (modes.has('at_least') && !eachType(t, parentShares))
			return { code: 'share_each_not_allowed', targetId: t.id };
		const goal = partGoal(t, parentShares);
		if (modes.has('share') && goal !== null) {
			const sum = Math.round(mine.reduce((n, s) => n + s!.value, 0) * 1e6) / 1e6;
			if (Math.abs(sum - goal) > 1e-6) return { code: 'shares_sum', targetId: t.id, goal, sum };
		}
	}
	return null;
}

/** A child part as the roll-up sees it: its latest (or rolled-up) figures, completion and worst light. */
export type ChildPart = {
	unitName: string;
	completedOn: string | null;
	light: Light | null;
	/** When its light came on: of equally bad children, the one lit longest is named. */
	since: string | null;
	actuals: Map<number, number>;
};

/** A parent part's figures from its children: each divisible target summed against the part's goal. */
export function rollUpFigures(targets: Target[], parentShares: PartShare[] | null, children: ChildPart[]) {
	return targets.filter(divisible).map((t) => {
		const reported = children.filter((c) => c.actuals.has(t.id));
		const actual = Math.round(reported.reduce((n, c) => n + c.actuals.get(t.id)!, 0) * 1e6) / 1e6;
		const goal = partGoal(t, parentShares);
		return {
			targetId: t.id,
			actual: reported.length ? actual : null,
			goal,
			percent: reported.length && goal ? Math.min(100, Math.round((actual / goal) * 1000) / 10) : null,
			reported: reported.length
		};
	});
}

/** A parent part is complete (may be signed off) when every child is. */
export const childrenDone = (children: { completedOn: string | null }[]) =>
	children.filter((c) => c.completedOn).length;

/**
 * The child that makes a parent's light: the worst lit open child (red over yellow, then the one lit
 * longest), with how many others are lit too; null when no open child is lit.
 */
export function laggingChild<C extends ChildPart>(children: C[]): { child: C; others: number } | null {
	const lit = children.filter((c) => !c.completedOn && c.light);
	if (!lit.length) return null;
	const rank = (c: C) => (c.light === 'red' ? 0 : 1);
	const sorted = [...lit].sort((a, b) => rank(a) - rank(b) || (a.since ?? '').localeCompare(b.since ?? ''));
	return { child: sorted[0]!, others: lit.length - 1 };
}
