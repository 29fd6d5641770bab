import { normaliseCell } from './normalise.ts';

/** The level of a unit a per-level deadline names (市级 / 区、县（市）). */
export type UnitLevel = 'provincial' | 'city' | 'county';

/** A deadline that is more than one date: kept as a rule on the indicator. */
export type DeadlineRule =
	// 市级:9月7日前,区、县(市):9月14日前 — each assignment takes the date of its unit's level
	| { kind: 'perLevel'; levels: { level: UnitLevel; label: string; dueOn: string }[] }
	// 8月31日第一批,其余三批在9月20日前发布 — each batch a milestone
	| { kind: 'batches'; batches: { label: string; dueOn: string }[] }
	// 接口注册完成后2日内 — counts from an event the office or the unit records on the indicator
	| { kind: 'relative'; event: string; days: number; workingDays: boolean };

export type ParsedDeadline =
	| { kind: 'date'; dueOn: string } // ISO YYYY-MM-DD
	| { kind: 'monthly' } // recurring every month (每月底前, 每月X日前)
	| DeadlineRule
	| { kind: 'unparsed'; reason: string }; // reason in Chinese, for the office to read

const CN_DIGITS = '一二三四五六七八九';
const N = '(\\d{1,2}|[一二三四五六七八九十]{1,3})';
const Y = '(?:(\\d{4})年)?';
const BEFORE = '(?:前|之前|以前)?';
const END = '(?:底|末)';

const DAY = new RegExp(`^${Y}${N}月${N}[日号]${BEFORE}$`);
const MONTH = new RegExp(`^${Y}${N}月份?(${END}|内)?(前|之前|以前)?$`);
const YEAR_END = new RegExp(`^(?:(\\d{4})年(?:${END}${BEFORE}|内|度)?|年${END}${BEFORE}|年内)$`);
const HALF = new RegExp(`^${Y}(上|下)半年${END}?${BEFORE}$`);
const QUARTER = new RegExp(`^${Y}第?([1-4一二三四])季度${END}?${BEFORE}$`);
const NUMERIC = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:前|之前|以前)?$/;
const MONTHLY = new RegExp(`^每个?月(?:${END}|${N}[日号])?${BEFORE}$`);

const REASONS = {
	empty: '完成时间为空',
	recurring: '周期性期限（每周、每季度等），系统只支持“每月”，请人工指定',
	ongoing: '长期或持续性任务，没有明确截止日期',
	multiple: '包含多个时间节点，请拆分为多条任务或人工指定',
	relative: '相对期限（如“X个工作日内”“收到后当日”），没有固定日期',
	beforeMonth: '“X月前”不清楚是月初还是月底，请写明“X月底前”或具体日期',
	unknown: '无法识别的完成时间格式，请人工指定'
};

/** Reads a 完成时间 cell; anything not clearly one date (or a monthly recurrence) is `unparsed`, never guessed. */
export function parseDeadline(text: string, planYear: number): ParsedDeadline {
	const s = normaliseCell(text)
		.replace(/\s+/g, '')
		.replace(/[。.；;，,]+$/, '')
		.replace(/^(?:于|在|截至|截止到?|到)/, '')
		.replace(/完成$/, '');
	if (!s) return unparsed(REASONS.empty);
	if (MONTHLY.test(s)) {
		const day = s.match(MONTHLY)?.[1];
		if (day && !(toInt(day) >= 1 && toInt(day) <= 31)) return unparsed(`日期不存在：每月${day}日`);
		return { kind: 'monthly' };
	}
	const year = (y: string | undefined) => (y ? Number(y) : planYear);

	let m = s.match(DAY);
	if (m) return date(year(m[1]), toInt(m[2]), toInt(m[3]));
	m = s.match(NUMERIC);
	if (m) return date(Number(m[1]), Number(m[2]), Number(m[3]));
	m = s.match(MONTH);
	if (m) return m[4] && !m[3] ? unparsed(REASONS.beforeMonth) : monthEnd(year(m[1]), toInt(m[2]));
	m = s.match(YEAR_END);
	if (m) return date(year(m[1]), 12, 31);
	m = s.match(HALF);
	if (m) return m[2] === '上' ? date(year(m[1]), 6, 30) : date(year(m[1]), 12, 31);
	m = s.match(QUARTER);
	if (m) return monthEnd(year(m[1]), toInt(m[2]) * 3);
	return perLevel(s, planYear) ?? batches(s, planYear) ?? relative(s) ?? unparsed(diagnose(s));
}

const LEVELS: [RegExp, UnitLevel][] = [
	[/^省级/, 'provincial'],
	[/^(?:市级|设区市|市本级)/, 'city'],
	[/^(?:区、?县[（(]市[）)]|县[（(]市、?区[）)]|县级|区县|县市区)/, 'county']
];
const PARTS = /[,，;；]/;

function perLevel(s: string, planYear: number): DeadlineRule | null {
	const parts = s.split(PARTS).filter(Boolean);
	if (parts.length < 2) return null;
	const levels = parts.map((part) => {
		const m = part.match(/^(.+?)[:：](.+)$/);
		const level = m && LEVELS.find(([re]) => re.test(m[1]!))?.[1];
		const when = m && parseDeadline(m[2]!, planYear);
		return level && when?.kind === 'date' ? { level, label: m[1]!, dueOn: when.dueOn } : null;
	});
	return levels.every((l) => l)
		? { kind: 'perLevel', levels: levels as NonNullable<(typeof levels)[number]>[] }
		: null;
}

const BATCH = /(第[一二三四五六七八九十\d]+批|其余[一二三四五六七八九十\d]*批|最后一批)/;

function batches(s: string, planYear: number): DeadlineRule | null {
	const parts = s.split(PARTS).filter(Boolean);
	if (parts.length < 2) return null;
	const found = parts.map((part) => {
		const label = part.match(BATCH)?.[1];
		if (!label) return null;
		const rest = part
			.replace(label, '')
			.replace(/^在/, '')
			.replace(/(?:发布|上线|完成|开通)$/, '');
		const when = parseDeadline(rest, planYear);
		return when.kind === 'date' ? { label, dueOn: when.dueOn } : null;
	});
	return found.every((b) => b)
		? { kind: 'batches', batches: found as { label: string; dueOn: string }[] }
		: null;
}

const WITHIN = new RegExp(`^(.*?)后?${N}个?(工作日|日|天)(?:内|以内|之内)`);

function relative(s: string): DeadlineRule | null {
	let m = s.match(WITHIN);
	if (m) return { kind: 'relative', event: m[1]!, days: toInt(m[2]), workingDays: m[3] === '工作日' };
	m = s.match(/^(.+?)(当日|当天|次日)$/);
	if (m) return { kind: 'relative', event: m[1]!, days: m[2] === '次日' ? 1 : 0, workingDays: false };
	// 按《事项安排表》: the date the schedule sets, recorded when the schedule is out.
	m = s.match(/^按(《[^》]+》)/);
	if (m) return { kind: 'relative', event: `${m[1]}确定的日期`, days: 0, workingDays: false };
	return null;
}

function diagnose(s: string): string {
	if (/每(?:周|星期|旬|季|半年|年|日|天)|按(?:周|季|年)/.test(s)) return REASONS.recurring;
	if (/长期|持续|常态|长效|经常|逐步|不断/.test(s)) return REASONS.ongoing;
	const points = s.match(/\d{1,2}[-~～至到](?=\d{1,2}月)|\d{1,2}月|年底|年末|半年|季度/g) ?? [];
	if (points.length > 1) return REASONS.multiple;
	if (/工作日|\d+个?(?:日|天|周|小时|个月)内|当日|当天|次日|即时|立即|之日起|后\d/.test(s))
		return REASONS.relative;
	return REASONS.unknown;
}

function unparsed(reason: string): ParsedDeadline {
	return { kind: 'unparsed', reason };
}

function monthEnd(y: number, month: number): ParsedDeadline {
	if (!(month >= 1 && month <= 12)) return unparsed(`月份不存在：${month}月`);
	return date(y, month, new Date(Date.UTC(y, month, 0)).getUTCDate());
}

function date(y: number, month: number, day: number): ParsedDeadline {
	if (!(month >= 1 && month <= 12)) return unparsed(`月份不存在：${month}月`);
	const d = new Date(Date.UTC(y, month - 1, day));
	if (!(day >= 1) || d.getUTCMonth() !== month - 1) return unparsed(`日期不存在：${y}年${month}月${day}日`);
	return { kind: 'date', dueOn: d.toISOString().slice(0, 10) };
}

/** `7`, `七`, `十二`, `二十一` → number; NaN for anything else. */
function toInt(s: string | undefined): number {
	if (!s) return NaN;
	if (/^\d+$/.test(s)) return Number(s);
	const m = s.match(/^([一二三四五六七八九])?(十)?([一二三四五六七八九])?$/);
	if (!m || (!m[2] && m[1] && m[3])) return NaN;
	const digit = (c: string | undefined) => (c ? CN_DIGITS.indexOf(c) + 1 : 0);
	return m[2] ? (m[1] ? digit(m[1]) : 1) * 10 + digit(m[3]) : digit(m[1]) + digit(m[3]);
}
