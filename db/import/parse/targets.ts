import { normaliseCell } from './normalise.ts';

export type TargetOp = '>=' | '>' | '=' | '<=' | '<';
export type Target = { label: string; op: TargetOp; value: number; unit: string; text: string };

const PRE_OPS: Record<string, TargetOp> = {
	不少于: '>=',
	不低于: '>=',
	至少: '>=',
	达到: '>=',
	达: '>=',
	提高到: '>=',
	提高至: '>=',
	提升到: '>=',
	提升至: '>=',
	增加到: '>=',
	增至: '>=',
	不超过: '<=',
	不高于: '<=',
	不多于: '<=',
	控制在: '<=',
	压缩至: '<=',
	压缩到: '<=',
	缩短至: '<=',
	缩短到: '<=',
	降至: '<=',
	超过: '>',
	高于: '>',
	多于: '>',
	大于: '>',
	低于: '<',
	少于: '<',
	小于: '<'
};
// Words that only say "reach"; a following 以上/以内 is more precise.
const NEUTRAL = new Set(['达到', '达', '控制在']);
const POST_OPS: Record<string, TargetOp> = { 以上: '>=', 以下: '<=', 以内: '<=', 之内: '<=', 左右: '=' };
const MAGNITUDES: Record<string, number> = { 万亿: 12, 亿: 8, 千万: 7, 百万: 6, 十万: 5, 万: 4, 千: 3 };
const UNITS =
	'%|％|个百分点|个工作日|平方公里|平方米|公里|千米|小时|分钟|人次|个|件|条|项|家|人|次|户|所|套|张|台|座|名|元|笔|篇|场|类|种|处|辆|吨|亩|天|倍|米';

const byLength = (words: string[]) => words.sort((a, b) => b.length - a.length).join('|');
const NUMBER = new RegExp(
	`(\\d+(?:\\.\\d+)?)(${byLength(Object.keys(MAGNITUDES))})?(余|多)?(${UNITS})?` +
		`(?:[（(]含[）)])?(?:及|或)?(${byLength(Object.keys(POST_OPS))})?`,
	'g'
);
// 达 alone also ends verbs such as 送达 and 下达 (智能送达3.0 is a version, not a target).
const PRE_OP = new RegExp(
	`(${byLength(Object.keys(PRE_OPS)).replace(/(^|\|)达(?=\||$)/, '$1(?<![送到下传表抵通直转])达')})$`
);
const CLAUSE_END = /[，。；;！？!?,]/;
// A year, date, level, version, range, ordinal or a formula such as 10+N is not an amount.
const NOT_AMOUNT_BEFORE = /(?:[A-Za-z.+\-－—~～第]|\d[至到])$/;
const NOT_AMOUNT_AFTER = /^(?:[A-Za-z+\-－—~～年月日号级版期届代]|[至到]\d)/;
const TIME_PREFIX =
	/^(?:[到至于]?(?:\d{4}年(?:\d{1,2}月)?|\d{1,2}月)(?:底|末)?|年底|年末)(?:前|之前|以前|内)?/;
const LEAD_WORDS = /^(?:[和及与并、]|推动|推进|实现|确保|力争|全面|进一步|高质量|完成|开通|推出|建立|建成)/;
const TRAIL_WORDS = /(?:实现|推出|开通|完成|建立|建成|达到|接入|打造|原则上|高质量|全面|各|均|在|为)$/;
const RATE = /(?:率|占比|比例|比重)$/;

/** The measurable targets written in an indicator text, in order; names, years and versions are not targets. */
export function parseTargets(indicatorText: string): Target[] {
	const text = normaliseCell(indicatorText.replace(/\r?\n/g, ' ')).replace(/(\d),(?=\d{3}(?!\d))/g, '$1');
	const quoted = quotedMask(text);
	const targets: Target[] = [];
	let cursor = 0;
	for (const m of text.matchAll(NUMBER)) {
		const [whole, digits = '', magnitude, approx, unit, post] = m;
		const start = m.index;
		const end = start + whole.length;
		if (quoted[start] || NOT_AMOUNT_BEFORE.test(text.slice(Math.max(0, start - 2), start))) continue;
		if (NOT_AMOUNT_AFTER.test(text.slice(start + digits.length))) continue;
		const clauseStart = Math.max(cursor, lastClauseEnd(text, start));
		const before = text.slice(clauseStart, start);
		const pre = before.match(PRE_OP)?.[1];
		if (!unit && !pre && !post) continue;

		const preOp = pre ? PRE_OPS[pre] : undefined;
		const postOp = post ? POST_OPS[post] : approx ? '>' : undefined;
		const op = (pre && NEUTRAL.has(pre) ? (postOp ?? preOp) : (preOp ?? postOp)) ?? '>=';
		const lead = before.slice(0, before.length - (pre?.length ?? 0)).replace(TIME_PREFIX, '');
		const { label, used } = makeLabel(lead, followingWords(text, end), unit === '%' || unit === '％', !!pre);
		targets.push({
			label,
			op,
			value: scale(digits, magnitude ? (MAGNITUDES[magnitude] ?? 0) : 0),
			unit: unit === '％' ? '%' : (unit ?? ''),
			text: before.replace(TIME_PREFIX, '').replace(/^[和及与并、]+/, '') + whole + used
		});
		cursor = end + used.length;
	}
	return targets;
}

/** Label from the words before the number, or — when the counted thing follows it (推出10个专区) — after. */
function makeLabel(
	lead: string,
	after: string,
	percent: boolean,
	hasOp: boolean
): { label: string; used: string } {
	const noun = (percent ? after : (after.split('的')[0] ?? '')).replace(/[和及与、]+$/, '');
	const subject = trimWords(lead.replace(/的$/, ''));
	const countedAfter = /^的?[\p{Script=Han}“"]/u.test(after) && noun.replace(/^的/, '') !== '';
	// 覆盖率达到100％ names its subject first; 推出10个专区 names it after the number.
	if (!countedAfter || (hasOp && subject)) {
		const head = subject.slice(subject.lastIndexOf('的') + 1);
		return { label: RATE.test(head) && head.length >= 2 ? head : subject, used: '' };
	}
	const prefix = /、|等$/.test(lead) ? '' : trimWords(lead);
	return { label: prefix + noun.replace(/^的/, ''), used: noun };
}

function trimWords(s: string): string {
	let prev = '';
	while (prev !== s) {
		prev = s;
		s = s.replace(LEAD_WORDS, '').replace(TRAIL_WORDS, '');
	}
	return s;
}

/** Text after a number up to the end of its clause or the next number. */
function followingWords(text: string, from: number): string {
	const rest = text.slice(from);
	const stop = rest.search(new RegExp(`${CLAUSE_END.source}|\\d`));
	return stop < 0 ? rest : rest.slice(0, stop);
}

function lastClauseEnd(text: string, before: number): number {
	for (let i = before - 1; i >= 0; i--) if (CLAUSE_END.test(text[i] ?? '')) return i + 1;
	return 0;
}

/** `1.5` with exponent 8 → 150000000, by moving the decimal point rather than multiplying floats. */
function scale(digits: string, exponent: number): number {
	const [int = '', frac = ''] = digits.split('.');
	const shifted = frac.padEnd(exponent, '0');
	return Number(`${int}${shifted.slice(0, exponent)}.${shifted.slice(exponent) || '0'}`);
}

/** Marks positions inside “…”, "…" and 《…》: numbers there are names (“最多80天”, “10+N”). */
function quotedMask(text: string): boolean[] {
	const mask: boolean[] = [];
	let depth = 0;
	let ascii = false;
	for (const c of text.split('')) {
		if (c === '“' || c === '《' || c === '「') depth++;
		else if ((c === '”' || c === '》' || c === '」') && depth > 0) depth--;
		else if (c === '"') ascii = !ascii;
		mask.push(depth > 0 || ascii);
	}
	return mask;
}
