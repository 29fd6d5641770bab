import { normaliseCell } from './normalise.ts';

export type TargetOp = '>=' | '>' | '=' | '<=' | '<';
/**
 * A numeric target as written. `value` is in the target's own scale (120万 → value 120, scale 4) and so
 * are the actuals units report; `valueMax` closes a range (3至5个). A relative target (翻一番, 提高5个百分点,
 * 增长10%) counts from a baseline the office enters. `aggregation` says whether every owner must reach the
 * value (各设区市推出5个以上 → each) or the owners' parts add up to it (sum).
 */
export type Target = {
	label: string;
	op: TargetOp;
	value: number;
	scale: number;
	valueMax: number | null;
	unit: string;
	relative: 'factor' | 'points' | 'percent' | null;
	aggregation: 'each' | 'sum';
	text: string;
};

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
	最多: '<=',
	最长: '<=',
	最少: '>=',
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
const RANGE = new RegExp(
	`^(\\d+(?:\\.\\d+)?)[-~～至到](\\d+(?:\\.\\d+)?)(${byLength(Object.keys(MAGNITUDES))})?(${UNITS})`
);
// 提高5个百分点 and 增长10% count from a baseline; 提高到 / 提高至 name the level itself.
const RELATIVE_VERB = /(?:提高|提升|增长|增加|上升)了?$/;
// 各设区市各推出5个 / 每个市 / 分别: every owner must reach the value.
const EACH = /(?:各|每个?|分别)[\p{Script=Han}]{0,6}$/u;
// Quoted reform names that are ceilings as well: “最多80天”.
const QUOTED_CEILING = /[“"](?:最多|最长|不超过)$/;
const DOUBLING = /^(.*?)(?:在(\d{4})年(?:的)?基础上)?(?:实现)?翻(一|两|二)?番/;
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
		let [whole, digits = ''] = m;
		let [, , magnitude, approx, unit, post]: (string | undefined)[] = m;
		const start = m.index;
		if (start < cursor) continue;
		const clauseStart = Math.max(cursor, lastClauseEnd(text, start));
		let before = text.slice(clauseStart, start);
		if (quoted[start] && !QUOTED_CEILING.test(before)) continue;
		if (NOT_AMOUNT_BEFORE.test(text.slice(Math.max(0, start - 2), start))) continue;
		const range = text.slice(start).match(RANGE);
		let valueMax: number | null = null;
		if (range) {
			[whole, digits = '', , magnitude, unit] = range;
			valueMax = Number(range[2]);
			approx = post = undefined;
		} else if (NOT_AMOUNT_AFTER.test(text.slice(start + digits.length))) continue;
		const end = start + whole.length;
		before = before.replace(/[“"]$/, '').replace(/[“"](?=最多$|最长$|不超过$)/, '');
		const pre = before.match(PRE_OP)?.[1];
		if (!unit && !pre && !post) continue;

		const preOp = pre ? PRE_OPS[pre] : undefined;
		const postOp = post ? POST_OPS[post] : approx ? '>' : undefined;
		const op = (pre && NEUTRAL.has(pre) ? (postOp ?? preOp) : (preOp ?? postOp)) ?? '>=';
		let lead = before.slice(0, before.length - (pre?.length ?? 0)).replace(TIME_PREFIX, '');
		const written = unit === '％' ? '%' : (unit ?? '');
		const relative =
			!pre && RELATIVE_VERB.test(lead) && (written === '个百分点' || written === '%')
				? written === '%'
					? 'percent'
					: 'points'
				: null;
		if (relative) lead = lead.replace(RELATIVE_VERB, '');
		const { label, used } = makeLabel(lead, followingWords(text, end), written === '%', !!pre || !!relative);
		targets.push({
			label,
			op,
			value: Number(digits),
			scale: magnitude ? (MAGNITUDES[magnitude] ?? 0) : 0,
			valueMax,
			unit: written,
			relative,
			aggregation: EACH.test(before) ? 'each' : 'sum',
			text: before.replace(TIME_PREFIX, '').replace(/^[和及与并、]+/, '') + whole + used
		});
		cursor = end + used.length;
	}
	return [...targets, ...doublings(text)];
}

/** 在2019年基础上翻一番: twice (翻两番: four times) a baseline the office enters. */
function doublings(text: string): Target[] {
	return text.split(/[，。；;！？!?,]/).flatMap((clause) => {
		const m = clause.match(DOUBLING);
		if (!m) return [];
		const label = trimWords(m[1]!.replace(TIME_PREFIX, '').replace(/的$/, ''));
		return [
			{
				label,
				op: '>=' as const,
				value: m[3] === '一' || !m[3] ? 2 : 4,
				scale: 0,
				valueMax: null,
				unit: '倍',
				relative: 'factor' as const,
				aggregation: EACH.test(m[1]!) ? ('each' as const) : ('sum' as const),
				text: m[0]
			}
		];
	});
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
