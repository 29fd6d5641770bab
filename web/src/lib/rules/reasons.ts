import { daysBetween } from './days.ts';
import type { AlertKind } from './enums.ts';
import { amountOfGoal, targetUnit } from './targets.ts';

/**
 * The figure a behind-schedule light is about: `actual` is the percent of the way to the goal; for a target,
 * `value` / `goal` are the amounts in its unit and scale (the owners' sum when `summed`).
 */
export type BehindFigure = {
	label: string;
	actual: number;
	value?: number;
	goal?: number;
	scale?: number;
	unit?: string;
	summed?: boolean;
};

/**
 * A milestone light's facts: the milestone's month, deliverable and planned figures, the report's month and
 * figures; values in the plan's target's own unit and scale.
 */
export type MilestoneParams = {
	period: string;
	deliverable: string;
	planned: number;
	plannedValue?: number;
	reportPeriod: string;
	actual: number | null;
	value?: number | null;
	scale?: number;
	unit?: string;
};

/**
 * A light's reason is stored as its kind and these parameters, and rendered when read, for the day it is
 * read on: "逾期 N 天" grows by itself, and nothing rewrites stored reasons every day.
 */
export type ReasonParams = OwnReason | ChildReason;

/** The reasons of a part's own lights. */
export type OwnReason =
	| { dueOn: string; pending?: string }
	| { period: string }
	| ({ start: string; dueOn: string } & BehindFigure)
	| { period: string; dueOn: string }
	| MilestoneParams
	| { signBy: string };

/**
 * A decomposed part's light from its worst child: the child's unit (through its own lit child, at any
 * depth: "萧山区政府 › 某镇"), the light and the root reason, and how many more children are lit.
 */
export type ChildReason = {
	child: string;
	childLight: 'red' | 'yellow';
	childKind: Exclude<AlertKind, 'child_lagging'>;
	childParams: OwnReason;
	others: number;
};

/** 序时进度: the share of the time from the plan's start to the due date that has passed, in percent. */
export function expectedProgress(start: string, due: string, day: string): number {
	const span = daysBetween(start, due);
	if (span <= 0) return 100;
	return Math.max(0, Math.min(100, (daysBetween(start, day) / span) * 100));
}

type P = Record<string, string | number | boolean | undefined>;

/** “日活跃用户数（各单位合计 30 万 / 120 万人）”; a figure stored before amounts were kept has its label only. */
function figureText(p: P, locale: 'zh' | 'en') {
	if (p.goal === undefined) return String(p.label);
	const amount = amountOfGoal(Number(p.value), Number(p.goal), {
		scale: Number(p.scale ?? 0),
		unit: String(p.unit ?? '')
	});
	const sum = p.summed ? (locale === 'zh' ? '各单位合计 ' : 'all units together ') : '';
	return locale === 'zh' ? `${p.label}（${sum}${amount}）` : `${p.label} (${sum}${amount})`;
}

/** “完成比例 40%，数值 30 万人”: the planned or the actual figures of a milestone light. */
function milestoneFigures(p: P, side: 'planned' | 'actual', locale: 'zh' | 'en') {
	const percent = side === 'planned' ? p.planned : p.actual;
	const value = side === 'planned' ? p.plannedValue : p.value;
	const unit = targetUnit({ scale: Number(p.scale ?? 0), unit: String(p.unit ?? '') });
	const parts = [
		percent === undefined || percent === null ? '' : `${locale === 'zh' ? '完成比例' : ''}${percent}%`,
		value === undefined || value === null ? '' : `${value}${locale === 'zh' ? '' : ' '}${unit}`
	].filter(Boolean);
	return parts.join(locale === 'zh' ? '，' : ', ') || '—';
}

const TEXTS: Record<
	'zh' | 'en',
	Record<Exclude<AlertKind, 'child_lagging'>, (p: P, day: string) => string>
> = {
	zh: {
		overdue: (p, day) =>
			`${p.pending ? `责任单位待明确（${p.pending}），` : ''}已超过完成时限 ${p.dueOn}（逾期 ${daysBetween(String(p.dueOn), day)} 天），尚未办结`,
		due_soon: (p, day) => `距完成时限 ${p.dueOn} 还有 ${daysBetween(day, String(p.dueOn))} 天`,
		reported_behind: (p) => `${p.period} 月报自报进展“滞后”`,
		behind_schedule: (p, day) => {
			const expected = expectedProgress(String(p.start), String(p.dueOn), day);
			return `序时进度 ${Math.round(expected)}%，${figureText(p, 'zh')}实际 ${Math.round(Number(p.actual))}%，落后 ${Math.round(expected - Number(p.actual))} 个百分点`;
		},
		report_missing: (p, day) =>
			`${p.period} 月报未报送（应于 ${p.dueOn} 前报送，已超期 ${daysBetween(String(p.dueOn), day)} 天）`,
		behind_milestone: (p) =>
			`落后于 ${p.period} 月度里程碑“${p.deliverable}”：计划${milestoneFigures(p, 'planned', 'zh')}，${p.reportPeriod} 月报实际${milestoneFigures(p, 'actual', 'zh')}`,
		milestone_missed: (p) =>
			`${p.period} 月度里程碑“${p.deliverable}”未按期完成：计划${milestoneFigures(p, 'planned', 'zh')}，${p.reportPeriod} 月报实际${milestoneFigures(p, 'actual', 'zh')}`,
		unsigned: (p, day) =>
			`交办任务应于 ${p.signBy} 前签收，已超期 ${daysBetween(String(p.signBy), day)} 天未签收`
	},
	en: {
		overdue: (p, day) =>
			`${p.pending ? `Responsible units not yet named (${p.pending}); ` : ''}past its due date ${p.dueOn} (${daysBetween(String(p.dueOn), day)} days overdue), not signed off`,
		due_soon: (p, day) => `Due on ${p.dueOn}, ${daysBetween(day, String(p.dueOn))} days left`,
		reported_behind: (p) => `The ${p.period} report says "behind"`,
		behind_schedule: (p, day) => {
			const expected = expectedProgress(String(p.start), String(p.dueOn), day);
			return `Expected ${Math.round(expected)}% by now; ${figureText(p, 'en')} at ${Math.round(Number(p.actual))}%, ${Math.round(expected - Number(p.actual))} points behind`;
		},
		report_missing: (p, day) =>
			`The ${p.period} report is missing (due ${p.dueOn}, ${daysBetween(String(p.dueOn), day)} days late)`,
		behind_milestone: (p) =>
			`Behind the ${p.period} milestone "${p.deliverable}": planned ${milestoneFigures(p, 'planned', 'en')}, the ${p.reportPeriod} report has ${milestoneFigures(p, 'actual', 'en')}`,
		milestone_missed: (p) =>
			`The ${p.period} milestone "${p.deliverable}" was missed: planned ${milestoneFigures(p, 'planned', 'en')}, the ${p.reportPeriod} report has ${milestoneFigures(p, 'actual', 'en')}`,
		unsigned: (p, day) =>
			`Handed-down task to be signed for by ${p.signBy}, ${daysBetween(String(p.signBy), day)} days late`
	}
};

/** The reason of a light as read on `day`, in Chinese or English. */
export function reasonText(
	kind: AlertKind,
	params: ReasonParams,
	day: string,
	locale: 'zh' | 'en' = 'zh'
): string {
	if (kind === 'child_lagging') return childText(params as ChildReason, day, locale);
	return TEXTS[locale][kind](params as P, day);
}

/** A decomposed part's light: its worst child named, with the child's own reason as read on `day`. */
function childText(c: ChildReason, day: string, locale: 'zh' | 'en'): string {
	const reason = reasonText(c.childKind, c.childParams, day, locale);
	if (locale === 'en')
		return `Lower unit ${c.child} is ${c.childLight}: ${reason}${c.others ? ` (${c.others} more lower units lit)` : ''}`;
	const light = c.childLight === 'red' ? '红灯' : '黄灯';
	return `下级单位${c.child}${light}：${reason}${c.others ? `（另有 ${c.others} 个下级单位亮灯）` : ''}`;
}
