import type { Db } from '../../db/client.ts';
import { enumerate, listNames } from '../../web/src/lib/rules/chinese.ts';
import { chineseDate, levelOffice, placeOf } from '../../web/src/lib/rules/official-doc.ts';
import { unitIdsUnder } from './access.ts';
import { addDays, addMonths, lastPeriodDue, periodEnd } from '../lib/dates.ts';
import { addWorkingDays } from '../lib/workdays.ts';
import {
	dueBetween,
	overdueOn,
	targetFigures,
	type DueRow,
	type OverdueRow,
	type TargetRow
} from './bulletin-facts.ts';
import { weekFacts, type WeekFacts } from './bulletin-week.ts';
import { countStatuses, reportStatuses, summaryData } from './dashboard.ts';
import type { DashboardFilter } from './dashboard-scope.ts';
import { COMPONENT_NAMES, scoresWithin, scoreUnits, withChange, type Scores } from './ranking.ts';
import { getSettings } from './settings.ts';
import { workCalendar } from './work-calendar.ts';

/** The editable text parts, in the order the document prints them under its 一、二、三 headings. */
export const TEXT_KEYS = [
	'overview',
	'targets',
	'units',
	'praise',
	'criticism',
	'problems',
	'rectification',
	'next'
] as const;
export type TextKey = (typeof TEXT_KEYS)[number];
export type BulletinTexts = Partial<Record<TextKey, string>>;

export const HEADINGS: Record<TextKey, string> = {
	overview: '总体情况',
	targets: '目标任务完成情况',
	units: '各单位得分排名',
	praise: '表扬',
	criticism: '通报批评',
	problems: '存在问题',
	rectification: '整改要求',
	next: '下期工作安排'
};

export type RankingRow = ReturnType<typeof withChange>[number];

/** The level issuing a bulletin: its government (a city's), as named when the bulletin was made. */
export type BulletinIssuer = { unitId: number; name: string };

export type BulletinContent = {
	title: string;
	/** The issuing office (masthead and signature). */
	office: string;
	/** The level it speaks of and is numbered by; null or absent (bulletins made before levels issued): the province. */
	issuer?: BulletinIssuer | null;
	/** The day it was generated (成文日期 until published). */
	date: string;
	/** 统计日期: every figure, list and ranking is the supervision state on this day. */
	asOf: string;
	/** The day "较上期" compares with. */
	previousAsOf: string;
	period: string;
	week: string | null;
	texts: BulletinTexts;
	tables: {
		sections: {
			name: string;
			total: number;
			completed: number;
			red: number;
			yellow: number;
			green: number;
		}[];
		targets: TargetRow[];
		ranking: RankingRow[];
		/** Categories scored but not publicly ranked. */
		unranked: string[];
		overdue: OverdueRow[];
		reportStatus: { unit: string; status: string }[];
		dueNext: DueRow[];
		week: WeekFacts | null;
		trend: { date: string; completed: number; red: number; submissionRate: number | null }[];
	};
	/** The units 整改要求 names, what for, and the day their answer is due (notices issued on publishing). */
	rectification: {
		dueOn: string;
		units: { unitId: number; name: string; indicatorIds: number[]; reasons: string[] }[];
	};
};

const STATUS_TEXT: Record<string, string> = {
	on_time: '按时报送',
	late: '逾期报送',
	missing: '未报送',
	not_due: '未到期'
};
/** 9月27日: a date within the year already named. */
const monthDay = (iso: string) => chineseDate(iso).replace(/^\d{4}年/, '');
const TEXT_OF_COMPONENTS = Object.values(COMPONENT_NAMES).join('、');
const pct = (n: number | null) => (n === null ? '—' : `${n}%`);
const signed = (n: number) => (n > 0 ? `增加${n}项` : n < 0 ? `减少${-n}项` : '持平');

/** The day the units named in 整改要求 must answer by: the set number of working days after `from`. */
export const rectificationDueOn = async (db: Db, from: string) =>
	addWorkingDays(from, (await getSettings(db)).rectificationDays, await workCalendar(db));

/** 统计日期 of a bulletin: a month's last day (or the day the office picks), a week's Sunday; never after today. */
export function bulletinAsOf(
	period: string,
	week: string | null,
	today: string,
	picked?: string | null
): string {
	const end = picked ?? (week ? addDays(week, 6) : periodEnd(period));
	return end < today ? end : today;
}

/** The day "较上期" compares with: the previous week's, or the previous month's same point (its last day by default). */
export function previousAsOf(period: string, week: string | null, asOf: string): string {
	if (week) return addDays(asOf, -7);
	const prev = addMonths(period, -1);
	if (asOf >= periodEnd(period)) return periodEnd(prev);
	const sameDay = `${prev}-${asOf.slice(8)}`;
	return sameDay < periodEnd(prev) ? sameDay : periodEnd(prev);
}

/**
 * A bulletin from the supervision state on one day (`asOf`) and on the previous period's (`previousAsOf`):
 * a month's figures, targets, ranking by category, praise and criticism, 整改要求 and what falls due next;
 * a week's reports, completions, new overdue items, due dates and notices of its seven days. A level's
 * (`issuer`) speaks of its subtree only, through the filter and re-ranking its dashboard uses.
 */
export async function buildBulletin(
	db: Db,
	input: { period: string; week: string | null; asOf?: string | null },
	today: string,
	issuer: BulletinIssuer | null = null
): Promise<BulletinContent> {
	const { period, week } = input;
	const settings = await getSettings(db);
	const f: DashboardFilter = issuer ? { under: issuer.unitId } : {};
	const units = issuer ? await unitIdsUnder(db, issuer.unitId) : null;
	const level = (s: Scores) => (units ? scoresWithin(s, units) : s);
	const asOf = bulletinAsOf(period, week, today, input.asOf);
	const before = previousAsOf(period, week, asOf);
	const now = await summaryData(db, f, asOf, today);
	const then = await summaryData(db, f, before, today);
	const reportPeriod = week ? lastPeriodDue(asOf, settings.reportDueDay, true) : period;
	const [reports] = await reportStatuses(db, f, asOf, [reportPeriod], asOf < today);
	const scores = level(await scoreUnits(db, reportPeriod, asOf, today));
	const ranking = withChange(
		scores,
		level(
			await scoreUnits(
				db,
				addMonths(reportPeriod, -1),
				previousAsOf(reportPeriod, null, periodEnd(reportPeriod)),
				today
			)
		)
	);
	const overdue = await overdueOn(db, asOf, today, f);
	const targets = await targetFigures(db, asOf, before, f);
	const nextUntil = week ? addDays(asOf, 7) : periodEnd(addMonths(period, 1));
	const dueNext = await dueBetween(db, asOf, nextUntil, f);
	const facts = week ? await weekFacts(db, week, asOf, f) : null;
	const place = issuer ? placeOf(issuer.name) : null;
	const names = new Map(scores.categories.flatMap((c) => c.items.map((r) => [r.unit.id, r.unit.name])));
	const t = now.tiles;
	const completed = t.completedOnTime + t.completedLate;
	const completedBefore = then.tiles.completedOnTime + then.tiles.completedLate;
	const counts = countStatuses(reports!.status);
	const day = chineseDate(asOf);
	const reportMonth = `${Number(reportPeriod.slice(0, 4))}年${Number(reportPeriod.slice(5))}月`;
	const label = week
		? `${chineseDate(week)}至${monthDay(addDays(week, 6))}`
		: `${Number(period.slice(0, 4))}年${Number(period.slice(5))}月`;

	// Who is named: units leading overdue indicators and units whose report is missing.
	const named = new Map<
		number,
		{ unitId: number; name: string; indicatorIds: number[]; reasons: string[] }
	>();
	const name = (unitId: number) =>
		named.get(unitId) ??
		named.set(unitId, { unitId, name: names.get(unitId) ?? '', indicatorIds: [], reasons: [] }).get(unitId)!;
	for (const r of overdue)
		for (const u of r.lead) {
			const n = name(u.id);
			n.name = u.name;
			n.indicatorIds.push(r.indicatorId);
		}
	for (const n of named.values()) n.reasons.push(`牵头的${n.indicatorIds.length}项指标逾期未完成`);
	const missing = [...reports!.status].filter(([, s]) => s === 'missing').map(([id]) => id);
	const late = [...reports!.status].filter(([, s]) => s === 'late').map(([id]) => id);
	for (const id of missing) name(id).reasons.push(`未报送${reportMonth}月报`);
	const rectificationDue = await rectificationDueOn(db, today);

	const publicRanking = ranking.filter((r) => r.public);
	const praised = publicRanking
		.filter((r) => r.score >= 100 && reports!.status.get(r.unit.id) === 'on_time')
		.map((r) => r.unit.name);
	const overdueLeads = [...named.values()].filter((n) => n.indicatorIds.length);
	const behind = scores.categories.flatMap((c) =>
		c.items.filter((r) => r.counts.behind > 0).map((r) => r.unit.name)
	);
	const reached = targets.filter((x) => x.rate !== null && x.rate >= 100);

	const sections = now.sections
		.filter((s) => s.parentId === null)
		.map((s) => {
			const c = s.counts;
			const done = c.completed_on_time + c.completed_late;
			return {
				name: s.name,
				total: done + c.red + c.yellow + c.green,
				completed: done,
				red: c.red,
				yellow: c.yellow,
				green: c.green
			};
		});
	const categoryLines = scores.categories
		.filter((c) => c.public)
		.map((c) => {
			const rows = ranking.filter((r) => r.category === c.name);
			const top = rows.filter((r) => r.rank <= 3).map((r) => r.unit.name);
			const low = rows.filter((r) => r.rank > 3 && r.score < 90).map((r) => r.unit.name);
			return `${c.name}${rows.length}个单位中，${listNames(top)}位居前列${low.length ? `；${listNames(low, 5)}得分低于90分` : ''}`;
		});
	const unranked = scores.categories.filter((c) => !c.public).map((c) => c.name);

	const texts: BulletinTexts = {
		overview: week
			? `${label}，各单位报送月报${facts!.reported.length}份；本周完成指标${facts!.completed.length}项，累计完成${completed}项；` +
				`本周新增逾期指标${facts!.fellOverdue.length}项，截至${monthDay(asOf)}逾期未完成${t.red}项（较上周${signed(t.red - then.tiles.red)}）；` +
				`本周到期指标${facts!.becameDue.length}项；本周发出督办通知${facts!.urged.length}份，今年累计${facts!.urgedSoFar}份。`
			: `截至${day}（统计日期），${place ? `${place}承担的` : '全省'}工作要点共${t.indicators}项指标，累计完成${completed}项（按期${t.completedOnTime}项、逾期${t.completedLate}项），` +
				`完成率${pct(t.indicators ? Math.round((completed / t.indicators) * 1000) / 10 : null)}，本期完成${completed - completedBefore}项；` +
				`逾期未完成（红灯）指标${t.red}项，涉及${t.redUnits}个单位，较上期${signed(t.red - then.tiles.red)}；黄灯指标${t.yellow}项。` +
				`${reportMonth}月报应报${counts.expected}个单位，按时报送${counts.onTime}个、逾期报送${counts.late}个、未报送${counts.missing}个，报送率${pct(counts.rate)}。`,
		targets: [
			...sections.map(
				(s) => `${s.name}：共${s.total}项，已完成${s.completed}项，红灯${s.red}项、黄灯${s.yellow}项。`
			),
			targets.length
				? `有量化目标的${targets.length}项中，已达到目标${reached.length}项；各项目标、最新完成值和完成率见附件。`
				: ''
		]
			.filter(Boolean)
			.join('\n'),
		units: week
			? undefined
			: [
					`按${TEXT_OF_COMPONENTS}计分（满分100分）排名，${scores.tieRule}`,
					...categoryLines.map((l) => `${l}。`),
					unranked.length ? `${unranked.join('，')}不参加公开排名。` : ''
				]
					.filter(Boolean)
					.join('\n'),
		praise: week
			? undefined
			: praised.length
				? `${listNames(praised, 8)}月报按时报送、无逾期和滞后指标，予以表扬。`
				: '本期没有全项达标的单位。',
		criticism: named.size
			? `对以下单位予以通报批评：${enumerate(
					[
						overdueLeads.length
							? `牵头指标逾期未完成的：${overdueLeads.map((n) => `${n.name}（${n.indicatorIds.length}项）`).join('、')}`
							: '',
						missing.length
							? `未报送${reportMonth}月报的：${listNames(missing.map((id) => names.get(id) ?? ''))}`
							: ''
					].filter(Boolean)
				)}`
			: '本期无通报批评的单位。',
		problems:
			enumerate(
				[
					overdue.length ? `部分任务逾期未完成，${overdue.length}项指标已超过完成时限仍未办结（见附件）` : '',
					missing.length
						? `月报报送不及时，${listNames(
								missing.map((id) => names.get(id) ?? ''),
								5
							)}未报送${reportMonth}月报`
						: '',
					late.length
						? `${listNames(
								late.map((id) => names.get(id) ?? ''),
								5
							)}逾期报送${reportMonth}月报`
						: '',
					behind.length ? `部分指标进度滞后于序时进度或月度里程碑，涉及${listNames(behind, 5)}` : ''
				].filter(Boolean)
			) || '本期未发现突出问题。',
		rectification: named.size
			? `请${listNames([...named.values()].map((n) => n.name))}对照附件查找原因，于${chineseDate(rectificationDue)}前在系统中反馈整改情况。一周内处理完毕，逾期将纳入考核。`
			: '本期无需整改的单位。',
		next: dueNext.length
			? `${week ? '下周' : '下月'}到期指标${dueNext.length}项（见附件），请牵头单位抓紧推进，确保按期完成。`
			: `${week ? '下周' : '下月'}无到期指标。`
	};

	return {
		title: `关于${label}${place ?? ''}政府数字化转型工作进展情况的通报`,
		office: issuer ? levelOffice(settings.officeName, issuer.name) : settings.officeName,
		issuer,
		date: today,
		asOf,
		previousAsOf: before,
		period,
		week,
		texts: Object.fromEntries(Object.entries(texts).filter(([, v]) => v !== undefined)),
		tables: {
			sections,
			targets,
			ranking: week ? [] : publicRanking,
			unranked,
			overdue,
			reportStatus: [...reports!.status].map(([id, s]) => ({
				unit: names.get(id) ?? String(id),
				status: STATUS_TEXT[s] ?? s
			})),
			dueNext,
			week: facts,
			trend: now.trend.map((p) => ({
				date: periodEnd(p.period) < asOf ? periodEnd(p.period) : asOf,
				completed: p.completed,
				red: p.overdue,
				submissionRate: p.submissionRate
			}))
		},
		rectification: { dueOn: rectificationDue, units: [...named.values()] }
	};
}
