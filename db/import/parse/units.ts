import { normaliseCell } from './normalise.ts';

const OPEN = '（([【〔';
const CLOSE = '）)]】〕';
const SEPARATORS = '、，,；;\n\r';

/** A note written into a units cell (备注：省级自建业务系统，由省级单位负责。): kept apart, not a unit. */
export function splitUnitNote(text: string): { units: string; note: string | null } {
	const m = text.match(/(?:备注|注)[:：]/);
	if (!m || m.index === undefined) return { units: text, note: null };
	return { units: text.slice(0, m.index), note: text.slice(m.index).trim() };
}

/** “市级由A、B牵头” and “区县(市)“跑改办”牵头” name the units A, B and 区县(市)跑改办. */
const LEAD_PREFIX = /^(?:省级|市级|县级|市本级)由/;
const LEAD_SUFFIX = /(?<=.)(?:负责)?牵头$/;

/** Splits a 责任单位 cell into unit names, in order, without splitting inside brackets. */
export function splitUnits(text: string): string[] {
	const parts: string[] = [];
	let depth = 0;
	let current = '';
	for (const c of text) {
		if (OPEN.includes(c)) depth++;
		else if (CLOSE.includes(c)) depth = Math.max(0, depth - 1);
		if (depth === 0 && SEPARATORS.includes(c)) {
			parts.push(current);
			current = '';
		} else current += c;
	}
	parts.push(current);
	const names = parts
		.map((p) => normaliseCell(p).replace(/[。.]+$/, ''))
		.map((p) => p.replace(LEAD_PREFIX, '').replace(LEAD_SUFFIX, '').replace(/[“”"]/g, ''))
		.filter(Boolean);
	return [...new Set(names)];
}

/** The known names most like `name`, best first; nothing when none is reasonably close. */
export function closestNames(name: string, known: readonly string[], limit = 3): string[] {
	const target = compact(name);
	if (!target || limit <= 0) return [];
	return [...new Set(known)]
		.map((k, index) => ({ k, index, score: similarity(target, compact(k)) }))
		.filter((c) => c.score >= 0.5)
		.sort((a, b) => b.score - a.score || a.index - b.index)
		.slice(0, limit)
		.map((c) => c.k);
}

const compact = (s: string) => normaliseCell(s).replace(/\s+/g, '');

/**
 * Bigram Dice coefficient, plus a bonus when the shorter name is an in-order subsequence of the longer one,
 * which is how Chinese unit names are abbreviated (省发展改革委 → 省发改委).
 */
function similarity(a: string, b: string): number {
	const [short, long] = a.length <= b.length ? [a, b] : [b, a];
	const bonus = short.length >= 2 && isSubsequence(short, long) ? (0.5 * short.length) / long.length : 0;
	return dice(a, b) + bonus;
}

function dice(a: string, b: string): number {
	if (a === b) return 1;
	const x = bigrams(a);
	const y = bigrams(b);
	if (!x.length || !y.length) return 0;
	const counts = new Map<string, number>();
	for (const g of x) counts.set(g, (counts.get(g) ?? 0) + 1);
	let common = 0;
	for (const g of y) {
		const n = counts.get(g) ?? 0;
		if (n > 0) {
			common++;
			counts.set(g, n - 1);
		}
	}
	return (2 * common) / (x.length + y.length);
}

function bigrams(s: string): string[] {
	const chars = [...s];
	return chars.slice(1).map((c, i) => `${chars[i]}${c}`);
}

function isSubsequence(short: string, long: string): boolean {
	let i = 0;
	const s = [...short];
	for (const c of long) if (c === s[i]) i++;
	return i === s.length;
}
