import type { Db } from '../../db/client.ts';
import { addDays, addMonths, lastPeriodDue, periodEnd } from '../lib/dates.ts';
import { countStatuses, listData, reportStatuses, summaryData } from './dashboard.ts';
import { rankingFor } from './ranking.ts';
import { getSettings } from './settings.ts';

export type BulletinTexts = { overview: string; sections: string; units: string; problems: string };

export type BulletinContent = {
	title: string;
	office: string;
	date: string;
	asOf: string;
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
		ranking: {
			rank: number;
			unit: string;
			score: number;
			change: number | null;
			missing: number;
			late: number;
			redLead: number;
			redCo: number;
		}[];
		redList: { unit: string; task: string; indicator: string; dueOn: string | null; daysOverdue: number }[];
		reportStatus: { unit: string; status: string }[];
		trend: { date: string; completed: number; red: number; submissionRate: number | null }[];
	};
};

const STATUS_TEXT: Record<string, string> = {
	on_time: '按时报送',
	late: '逾期报送',
	missing: '未报送',
	not_due: '未到期'
};
const cn = (n: number) => String(n);
const pct = (n: number | null) => (n === null ? '—' : `${n}%`);
const signed = (n: number) => (n > 0 ? `增加 ${n} 项` : n < 0 ? `减少 ${-n} 项` : '持平');

/** The day a bulletin speaks of: a month is told once its reports are in (end of the next month), a week on its Sunday. */
export function bulletinAsOf(period: string, week: string | null, today: string): string {
	const end = week ? addDays(week, 6) : periodEnd(addMonths(period, 1));
	return end < today ? end : today;
}

/** Names units the way the bulletins do: "A、B等N个单位". */
function nameUnits(names: string[], max = 3): string {
	const unique = [...new Set(names)];
	if (unique.length <= max) return unique.join('、');
	return `${unique.slice(0, max).join('、')}等${unique.length}个单位`;
}

/** Generates a bulletin from the data: totals with the change since the previous period, sections, units, problems. */
export function buildBulletin(db: Db, period: string, week: string | null, today: string): BulletinContent {
	const settings = getSettings(db);
	const asOf = bulletinAsOf(period, week, today);
	const previousAsOf = week ? addDays(asOf, -7) : bulletinAsOf(addMonths(period, -1), null, today);
	const now = summaryData(db, {}, asOf, today);
	const before = summaryData(db, {}, previousAsOf, today);
	const reportPeriod = week ? lastPeriodDue(asOf, settings.reportDueDay, true) : period;
	const [reports] = reportStatuses(db, null, undefined, asOf, [reportPeriod]);
	const ranking = rankingFor(db, reportPeriod, today).items;
	const previousRanking = new Map(
		rankingFor(db, addMonths(reportPeriod, -1), today).items.map((r) => [r.unit.id, r.rank])
	);
	const red = listData(db, {}, asOf, today, 'red', 'due', 1, 10_000).items;
	const t = now.tiles;
	const completed = t.completedOnTime + t.completedLate;
	const completedBefore = before.tiles.completedOnTime + before.tiles.completedLate;
	const { expected, rate, ...counts } = countStatuses(reports!.status);
	const unitNames = new Map(ranking.map((r) => [r.unit.id, r.unit.name]));

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
	const redUnits = red.flatMap((r) => r.units.map((u) => u.name));
	const missingUnits = [...reports!.status.entries()]
		.filter(([, s]) => s === 'missing')
		.map(([id]) => unitNames.get(id) ?? String(id));
	const lateUnits = [...reports!.status.entries()]
		.filter(([, s]) => s === 'late')
		.map(([id]) => unitNames.get(id) ?? String(id));
	const label = week
		? `${week} 至 ${addDays(week, 6)}`
		: `${Number(period.slice(0, 4))}年${Number(period.slice(5))}月`;

	const texts: BulletinTexts = {
		overview:
			`截至 ${asOf}，全省工作要点共 ${cn(t.indicators)} 项指标，已完成 ${cn(completed)} 项（按期 ${cn(t.completedOnTime)} 项、逾期 ${cn(t.completedLate)} 项），较上期${signed(completed - completedBefore)}；` +
			`推进中 ${cn(t.inProgress)} 项，其中红灯指标 ${cn(t.red)} 项（涉及 ${cn(t.redUnits)} 个单位，较上期${signed(t.red - before.tiles.red)}）、黄灯指标 ${cn(t.yellow)} 项，30 天内到期 ${cn(t.dueWithin30)} 项。` +
			`${reportPeriod} 月报应报 ${cn(expected)} 个单位，按时报送 ${cn(counts.onTime)} 个、逾期报送 ${cn(counts.late)} 个、未报送 ${cn(counts.missing)} 个，报送率 ${pct(rate)}。`,
		sections: sections
			.map(
				(s) =>
					`${s.name}：共 ${s.total} 项，已完成 ${s.completed} 项，红灯 ${s.red} 项、黄灯 ${s.yellow} 项。`
			)
			.join('\n'),
		units:
			ranking.length === 0
				? '本期暂无单位评分。'
				: `按月度评分排名，${nameUnits(ranking.filter((r) => r.rank === 1).map((r) => r.unit.name))}并列第一；` +
					`得分低于 90 分的有 ${ranking.filter((r) => r.score < 90).length} 个单位，请相关单位对照附件查找差距。`,
		problems:
			[
				red.length
					? `一是部分任务逾期未完成。${nameUnits(redUnits)}的 ${red.length} 项指标已超过完成时限仍未办结。`
					: '',
				missingUnits.length
					? `二是月报报送不及时。${nameUnits(missingUnits)}未报送 ${reportPeriod} 月报。`
					: '',
				lateUnits.length ? `${nameUnits(lateUnits)}逾期报送月报。` : ''
			]
				.filter(Boolean)
				.join('\n') || '本期未发现突出问题。'
	};

	return {
		title: `关于${label}政府数字化转型工作进展情况的通报`,
		office: settings.officeName,
		date: today,
		asOf,
		period,
		week,
		texts,
		tables: {
			sections,
			ranking: ranking.map((r) => ({
				rank: r.rank,
				unit: r.unit.name,
				score: r.score,
				change: previousRanking.has(r.unit.id) ? previousRanking.get(r.unit.id)! - r.rank : null,
				...r.counts
			})),
			redList: red.flatMap((r) =>
				r.units.map((u) => ({
					unit: u.name,
					task: r.task,
					indicator: r.text,
					dueOn: r.dueOn,
					daysOverdue: r.daysOverdue
				}))
			),
			reportStatus: [...reports!.status.entries()].map(([id, s]) => ({
				unit: unitNames.get(id) ?? String(id),
				status: STATUS_TEXT[s] ?? s
			})),
			trend: now.trend.map((p) => ({
				date: periodEnd(p.period) < asOf ? periodEnd(p.period) : asOf,
				completed: p.completed,
				red: p.overdue,
				submissionRate: p.submissionRate
			}))
		}
	};
}
