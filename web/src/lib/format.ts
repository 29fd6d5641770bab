import type { SupervisionState } from './rules/enums.ts';
import { locale, t } from './i18n/index.svelte.ts';
import type { Indicator, IndicatorUnit, Role } from './replies.ts';
import { chineseNumber } from './rules/chinese.ts';
import {
	actualUnit,
	amountOfGoal,
	targetGoal,
	targetUnit,
	type TargetMeaning,
	type TargetProgress
} from './rules/targets.ts';

export { targetUnit };

export function roleLabel(role: Role): string {
	return t(`role.${role}`);
}

/** The level a government's supervisor works at, as its title names it: 杭州市政府 → 杭州市 (杭州市督查员). */
export const levelOf = (unitName: string) => unitName.replace(/(人民)?政府$/, '');

const OPS: Record<string, string> = { '>=': '≥', '>': '>', '=': '=', '<=': '≤', '<': '<' };
export const opSymbol = (op: string) => OPS[op] ?? op;

/** A value in its target's unit; 1200000 with no unit (imported before scales were kept) reads as 120万. */
export function formatValue(value: number, unit: string, scale = 0): string {
	if (locale.current === 'zh' && !scale && !unit && value >= 10_000 && value % 100 === 0) {
		return `${(value / 10_000).toLocaleString('zh-CN')}万`;
	}
	return `${value.toLocaleString(locale.current === 'zh' ? 'zh-CN' : 'en')}${targetUnit({ scale, unit })}`;
}

/** The target as written, after its label: “≥ 120万”, “3–5个”, “≥ 基数×2”, “≥ 5个（每个单位）”. */
function writtenTarget(target: TargetMeaning): string {
	const range = target.valueMax !== null && target.valueMax !== undefined;
	const amount =
		target.relative === 'factor'
			? t('target.factor', { n: target.value })
			: range
				? `${target.value}–${formatValue(target.valueMax!, target.unit, target.scale)}`
				: `${target.relative ? '+' : ''}${formatValue(target.value, target.unit, target.scale)}`;
	return `${range ? '' : `${opSymbol(target.op)} `}${amount}${target.aggregation === 'each' ? t('target.each') : ''}`;
}

/** A handed-down part's share of a target: the whole it came from, its parent's goal or (`of` null) the plan's. */
type Shared = { share?: { of: string | null; whole: number } | null };

/** “本单位分解目标 ≥ 3个（杭州市政府目标 5个）”: a share says what it owes beside the whole it came from. */
function withShare(target: TargetMeaning & Shared, goal: string): string {
	if (!target.share) return goal;
	const u = actualUnit(target);
	return t('target.share', {
		goal,
		of: target.share.of ?? t('target.plan'),
		whole: formatValue(target.share.whole, u.unit, u.scale)
	});
}

/** “日活跃用户数 ≥ 120万”, “试点 3–5个”, “数量 ≥ 基数×2”, “应用 ≥ 5个（每个单位）” */
export function targetText(target: TargetMeaning & Shared & { label: string }): string {
	return `${target.label} ${target.share ? goalText(target) : writtenTarget(target)}`;
}

/**
 * What must be reached, in the actuals' unit: “≥ 120万人”, “≥ 200（基数 100）”; a relative target without
 * its baseline as written (“≥ 基数×2”), its progress saying the baseline is awaited.
 */
export function goalText(target: TargetMeaning & Shared): string {
	if (target.share) {
		// A share is the unit's own amount to reach: no “each unit” beside it.
		const u = actualUnit(target);
		return withShare(target, `${opSymbol(target.op)} ${formatValue(target.value, u.unit, u.scale)}`);
	}
	const goal = targetGoal(target);
	if (goal === null) return writtenTarget(target);
	const u = actualUnit(target);
	const amount =
		target.valueMax !== null && !target.relative
			? `${target.value}–${formatValue(target.valueMax, u.unit, u.scale)}`
			: `${opSymbol(target.op)} ${formatValue(goal, u.unit, u.scale)}`;
	const each = target.aggregation === 'each' ? t('target.each') : '';
	return target.relative
		? `${amount}${t('target.fromBaseline', { baseline: target.baseline ?? '' })}${each}`
		: `${amount}${each}`;
}

/** “合计 30 万 / 120 万人 · 25%”: a target's progress by the shared rule, as the page shows it. */
export function progressText(target: TargetMeaning & Shared & { progress: TargetProgress }): string {
	const p = target.progress;
	if (p.state === 'no_baseline') return t('target.noBaseline');
	if (p.state === 'no_actual') return t('target.noActual');
	const who = p.summed
		? t('target.sum')
		: target.aggregation === 'each' && !target.share
			? t('target.lowest')
			: '';
	const how = p.percent !== null ? `${Math.round(p.percent)}%` : t(p.met ? 'target.met' : 'target.notMet');
	return `${who}${amountOfGoal(p.actual, p.goal, actualUnit(target))} · ${how}`;
}

/** Today's calendar date in Asia/Shanghai, as YYYY-MM-DD. */
export function todayIso(now = new Date()): string {
	return new Intl.DateTimeFormat('en-CA', {
		timeZone: 'Asia/Shanghai',
		year: 'numeric',
		month: '2-digit',
		day: '2-digit'
	}).format(now);
}

export { daysBetween } from './rules/days.ts';
import { daysBetween } from './rules/days.ts';

export type DueState = { kind: 'overdue' | 'today' | 'soon' | 'later' | 'none'; days: number; text: string };

/** How far a due date is from today, in words and as a status for colours. */
export function dueState(dueOn: string | null, today = todayIso(), completed = false): DueState {
	if (!dueOn) return { kind: 'none', days: 0, text: t('due.none') };
	const days = daysBetween(today, dueOn);
	if (completed) return { kind: 'later', days, text: t('status.completed') };
	if (days < 0) return { kind: 'overdue', days, text: t('due.overdue', { n: -days }) };
	if (days === 0) return { kind: 'today', days, text: t('due.today') };
	return { kind: days <= 15 ? 'soon' : 'later', days, text: t('due.left', { n: days }) };
}

/** Last day of a YYYY-MM month. */
export function monthRange(month: string): { from: string; to: string } {
	const [y, m] = month.split('-').map(Number);
	const last = new Date(Date.UTC(y!, m!, 0)).getUTCDate();
	return { from: `${month}-01`, to: `${month}-${String(last).padStart(2, '0')}` };
}

export type UnitEntry =
	{ type: 'unit'; unit: IndicatorUnit } | { type: 'group'; name: string; units: IndicatorUnit[] };

/**
 * Units in the order the table lists them, with the members of a large group (各设区市政府 → 11 cities)
 * folded into one entry so a row stays short. Small groups (a resolved 省级有关单位) stay expanded.
 */
export function foldUnits(units: IndicatorUnit[], minGroup = 4): UnitEntry[] {
	const byGroup = new Map<string, IndicatorUnit[]>();
	for (const u of units) if (u.via) byGroup.set(u.via, [...(byGroup.get(u.via) ?? []), u]);
	const out: UnitEntry[] = [];
	const emitted = new Set<string>();
	for (const u of units) {
		const members = u.via ? byGroup.get(u.via)! : null;
		if (!members || members.length < minGroup) out.push({ type: 'unit', unit: u });
		else if (!emitted.has(u.via!)) {
			emitted.add(u.via!);
			out.push({ type: 'group', name: u.via!, units: members });
		}
	}
	return out;
}

/** “一、” for a first-level section and “（一）” for a second-level one; 1. / (1) in English. */
export function sectionMark(level: 1 | 2, index: number): string {
	if (locale.current === 'en') return level === 1 ? `${index}.` : `(${index})`;
	return level === 1 ? `${chineseNumber(index)}、` : `（${chineseNumber(index)}）`;
}

const SHANGHAI = 'Asia/Shanghai';

/** A stored UTC timestamp as “2020-10-15 14:30” in +08:00. */
export function formatDateTime(iso: string | null | undefined): string {
	if (!iso) return '—';
	const d = new Date(iso);
	if (Number.isNaN(d.getTime())) return iso;
	const parts = new Intl.DateTimeFormat('en-CA', {
		timeZone: SHANGHAI,
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		hourCycle: 'h23'
	}).formatToParts(d);
	const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
	return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}

/** Only the time of day, “14:30”, in +08:00. */
export function formatTime(iso: string | null | undefined): string {
	return formatDateTime(iso).slice(11) || '—';
}

/** The month (YYYY-MM) of a YYYY-MM-DD date. */
export const monthOf = (iso: string) => iso.slice(0, 7);

/** A YYYY-MM month moved by `n` months. */
export function addMonths(period: string, n: number): string {
	const [y, m] = period.split('-').map(Number);
	const index = y! * 12 + (m! - 1) + n;
	return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/**
 * The months a month picker offers, newest first: from the first month of the plans (`first`, from
 * /meta or the report form) up to `latest`, and `keep` too when it lies outside (an older link).
 */
export function planMonths(first: string | null, latest: string, keep?: string): string[] {
	const start = first && first <= latest ? first : latest;
	const out: string[] = [];
	for (let p = latest; p >= start; p = addMonths(p, -1)) out.push(p);
	if (keep && !out.includes(keep)) out.push(keep);
	return out.sort().reverse();
}

/** “2020年10月” in Chinese, “Oct 2020” in English. */
export function periodLabel(period: string): string {
	const [y, m] = period.split('-').map(Number);
	if (locale.current === 'zh') return `${y}年${m}月`;
	return new Date(Date.UTC(y!, m! - 1, 1)).toLocaleString('en', {
		month: 'short',
		year: 'numeric',
		timeZone: 'UTC'
	});
}

/** A byte count as “320 KB” / “1.5 MB”. */
export function fileSize(bytes: number): string {
	if (bytes < 1024) return `${bytes} B`;
	if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
	return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export const PERIOD_RE = /^\d{4}-(0[1-9]|1[0-2])$/;

/**
 * One unit's light on an indicator as the API decided it (its own part), or, without a unit, the
 * indicator's own light. The rule itself lives in `#lib/rules/lights.ts`.
 */
export function unitLight(
	ind: Pick<Indicator, 'light' | 'leadUnits' | 'coUnits'>,
	unitId?: number
): SupervisionState {
	if (unitId === undefined) return ind.light;
	return [...ind.leadUnits, ...ind.coUnits].find((u) => u.id === unitId)?.state ?? ind.light;
}
