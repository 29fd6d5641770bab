/**
 * What a numeric target means for progress, shared by the lights, the indicator page, the report form and
 * the dashboard: the goal (a relative target's from the office's baseline), the actual (the owners' parts
 * summed, or each owner's own) and how far along it is. Dependency-free like the rest of `rules/`.
 */

export type TargetMeaning = {
	op: '>=' | '>' | '=' | '<=' | '<';
	/** In the target's own scale (120 with scale 4 is 120万); a relative target's factor, points or percent. */
	value: number;
	valueMax: number | null;
	scale: number;
	unit: string;
	relative: 'factor' | 'points' | 'percent' | null;
	baseline: number | null;
	aggregation: 'each' | 'sum';
};

export type TargetProgress =
	/** A relative target whose baseline the office has not entered: no goal yet, so no light either. */
	| { state: 'no_baseline' }
	| { state: 'no_actual'; goal: number }
	| {
			state: 'measured';
			/** The owners' parts summed, or for an each-owner target the lowest part. */
			actual: number;
			goal: number;
			/** Share of the way to the goal (from the baseline for a relative target); null for a ceiling. */
			percent: number | null;
			met: boolean;
			summed: boolean;
	  };

const SCALE_WORDS: Record<number, string> = {
	3: '千',
	4: '万',
	5: '十万',
	6: '百万',
	7: '千万',
	8: '亿',
	12: '万亿'
};

/** The magnitude word of a scale: 4 → 万. */
export const scaleWord = (scale: number) => SCALE_WORDS[scale] ?? '';

/** The unit a target is written, shown and reported in: 万, 亿元, 个 (120万 is value 120 in scale 10⁴). */
export function targetUnit(target: { scale?: number; unit: string }): string {
	return `${scaleWord(target.scale ?? 0)}${target.unit}`;
}

/**
 * The unit actuals are entered and goals shown in: 万人 for 120万人; a relative target counts in its
 * baseline's terms (a rate for 提高N个百分点, the baseline's own unit otherwise).
 */
export function actualUnit(t: Pick<TargetMeaning, 'relative' | 'scale' | 'unit'>): {
	scale: number;
	unit: string;
} {
	if (t.relative === 'points') return { scale: 0, unit: '%' };
	if (t.relative) return { scale: 0, unit: '' };
	return { scale: t.scale, unit: t.unit };
}

/** The goal in the actuals' unit: the value, or the baseline moved by the relative change; null without a baseline. */
export function targetGoal(t: TargetMeaning): number | null {
	if (!t.relative) return t.value;
	if (t.baseline === null) return null;
	const goal =
		t.relative === 'factor'
			? t.baseline * t.value
			: t.relative === 'points'
				? t.baseline + t.value
				: t.baseline * (1 + t.value / 100);
	return Math.round(goal * 1e6) / 1e6;
}

/**
 * Progress of a target from the owners' latest actuals: summed against the goal (aggregation 'sum'), or the
 * lowest owner's part (each owner must reach it; pass one unit's own actual for that unit alone).
 */
export function targetProgress(t: TargetMeaning, actuals: number[]): TargetProgress {
	const goal = targetGoal(t);
	if (goal === null) return { state: 'no_baseline' };
	if (!actuals.length) return { state: 'no_actual', goal };
	const summed = t.aggregation === 'sum' && actuals.length > 1;
	const actual =
		t.aggregation === 'sum'
			? Math.round(actuals.reduce((a, b) => a + b, 0) * 1e6) / 1e6
			: Math.min(...actuals);
	const ceiling = t.op === '<=' || t.op === '<';
	const from = t.relative ? t.baseline! : 0;
	const percent =
		ceiling || goal === from ? null : Math.max(0, Math.min(100, ((actual - from) / (goal - from)) * 100));
	const met =
		t.op === '>='
			? actual >= goal
			: t.op === '>'
				? actual > goal
				: t.op === '<='
					? actual <= (t.valueMax ?? goal)
					: t.op === '<'
						? actual < goal
						: actual >= goal && actual <= (t.valueMax ?? goal);
	return { state: 'measured', actual, goal, percent, met, summed };
}

/** “30 万 / 120 万人”: an actual against a goal with the target's magnitude word and unit. */
export function amountOfGoal(actual: number, goal: number, u: { scale: number; unit: string }) {
	const word = scaleWord(u.scale);
	const n = (v: number) =>
		`${v.toLocaleString('zh-CN', { maximumFractionDigits: 2 })}${word ? ` ${word}` : ''}`;
	return `${n(actual)} / ${n(goal)}${u.unit}`;
}
