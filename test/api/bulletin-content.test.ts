import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoHistory } from '../../api/services/demo-history.ts';
import { createDemoAccounts, loadPlan2020 } from '../../api/services/setup.ts';
import { startTestServer, type Client, type TestServer } from '../support/harness.ts';
import { query } from '../../db/client.ts';
import { scoreItems, type ScoreItem } from '../../api/services/ranking.ts';
import { LAG_KINDS } from '../../web/src/lib/rules/enums.ts';
import { testDialect } from '../support/database.ts';

/**
 * The demo year up to 2020-10-15 (the 2020 table, its units and a simulated history), and the bulletins an
 * officer would publish from it. Every figure is recounted here from the tables, not through the services.
 */
let s: TestServer;
let office: Client;
let september: any;

const endOfDay = (day: string) => Date.parse(`${day}T00:00:00+08:00`) + 86_400_000;

/** Indicators red on a day: the overdue state rows (an indicator counts once, whoever owes it). */
async function overdueOn(day: string) {
	return new Set(
		(
			await query<{ id: number }>(
				s.db,
				sql`select indicator_id as id from alert where kind = 'overdue' and since <= ${day} and (resolved_on is null or resolved_on > ${day})`
			)
		).map((r) => r.id)
	);
}
const completedBy = async (day: string) =>
	(
		await query<{ n: number }>(
			s.db,
			sql`select count(*) as n from indicator where recurrence is null and completed_on <= ${day}`
		)
	)[0]!.n;

/** A unit's score recounted by hand from the state rows on `day`, with the default weights. */
async function scoreOf(unitId: number, period: string, day: string) {
	const red = await overdueOn(day);
	const rows = await query<{ kind: string; indicatorId: number; unitId: number }>(
		s.db,
		sql`select kind, indicator_id as "indicatorId", unit_id as "unitId" from alert
			where unit_id = ${unitId} and since <= ${day} and (resolved_on is null or resolved_on > ${day})`
	);
	const redLead = rows.filter((r) => r.kind === 'overdue').length;
	const behind = new Set(
		rows.filter((r) => (LAG_KINDS as readonly string[]).includes(r.kind)).map((r) => r.indicatorId)
	).size;
	const redCo = (
		await query<{ id: number }>(
			s.db,
			sql`select a.indicator_id as id from assignment a join indicator i on i.id = a.indicator_id
				where a.unit_id = ${unitId} and a.role = 'co' and i.kind = 'joint' and (a.completed_on is null or a.completed_on > ${day})`
		)
	).filter((r) => red.has(r.id)).length;
	const report = (
		await query<{ late: number }>(
			s.db,
			sql`select late from report where unit_id = ${unitId} and period = ${period} and first_submitted_at < ${endOfDay(day)}`
		)
	)[0];
	const returns = (
		await query<{ n: number }>(
			s.db,
			sql`select count(*) as n from report_version v join report r on r.id = v.report_id
			where r.unit_id = ${unitId} and r.period = ${period} and v.action = 'return' and v.at < ${endOfDay(day)}`
		)
	)[0]!.n;
	// The month's reports are due on its last day; seen at the end of that day, one not in is missing.
	const missing = report ? 0 : 1;
	const late = report?.late ? 1 : 0;
	return 100 - 10 * missing - 3 * late - behind - 5 * redLead - 2 * redCo - returns;
}

beforeAll(
	async () => {
		s = await startTestServer({ env: { SESSION_IDLE_MINUTES: '500000', SESSION_MAX_HOURS: '9000' } });
		const ctx = { ...s.deps, actor: null, ip: null };
		await loadPlan2020(ctx);
		await createDemoAccounts(ctx);
		await loadDemoHistory(ctx, '2020-10-15');
		s.clock.set(new Date('2020-10-15T02:00:00Z'));
		office = await s.as('office');
		september = (await office.post('/api/v1/bulletins', { period: '2020-09' })).data;
		// The demo year is some hundred thousand statements: on PostgreSQL each is a round trip to the server.
	},
	testDialect === 'postgres' ? 600_000 : 180_000
);
afterAll(() => s.close());

describe('the 2020-09 bulletin as of 2020-09-30', () => {
	it('speaks of 2020-09-30 and compares with 2020-08-31; its figures are the state on those days', async () => {
		const c = september.content;
		expect(c.asOf).toBe('2020-09-30');
		expect(c.previousAsOf).toBe('2020-08-31');
		const red = await overdueOn('2020-09-30');
		const redBefore = await overdueOn('2020-08-31');
		const done = await completedBy('2020-09-30');
		expect(c.texts.overview).toContain('截至2020年9月30日（统计日期）');
		expect(c.texts.overview).toContain(`累计完成${done}项`);
		expect(c.texts.overview).toContain(`本期完成${done - (await completedBy('2020-08-31'))}项`);
		expect(c.texts.overview).toContain(`逾期未完成（红灯）指标${red.size}项`);
		const diff = red.size - redBefore.size;
		expect(c.texts.overview).toContain(
			`较上期${diff > 0 ? `增加${diff}项` : diff < 0 ? `减少${-diff}项` : '持平'}`
		);
		// The overdue list: one row per red indicator, the same set.
		const ids = c.tables.overdue.map((r: any) => r.indicatorId);
		expect(new Set(ids).size).toBe(ids.length);
		expect(new Set(ids)).toEqual(red);
		// …and the dashboard on that day says the same.
		const board = (await office.get('/api/v1/dashboard/summary?asOf=2020-09-30')).data;
		expect(board.tiles.red).toBe(red.size);
		const r = board.tiles.reports;
		expect(r.period).toBe('2020-09');
		expect(c.texts.overview).toContain(
			`应报${r.expected}个单位，按时报送${r.onTime}个、逾期报送${r.late}个、未报送${r.missing}个`
		);
		const list = (await office.get('/api/v1/dashboard/list?asOf=2020-09-30&kind=red&pageSize=500')).data;
		expect(list.items.map((i: any) => i.id).sort()).toEqual([...ids].sort());
	});

	it('ranks within 省级部门 and 设区市 only; every score is recounted by hand, traced item by item, and the dashboard shows the same', async () => {
		const rows = september.content.tables.ranking;
		expect(new Set(rows.map((r: any) => r.category))).toEqual(new Set(['省级部门', '设区市']));
		const names = rows.map((r: any) => r.unit.name);
		for (const hidden of ['省检察院', '省法院', '省人大常委会办公厅', '省电力公司', '杭州海关'])
			expect(names).not.toContain(hidden);
		expect(rows.filter((r: any) => r.category === '设区市')).toHaveLength(11);
		for (const cat of ['省级部门', '设区市']) expect(rows.find((r: any) => r.category === cat).rank).toBe(1);
		const items = new Map<number, ScoreItem[]>();
		for (const r of rows) {
			expect(r.score).toBe(await scoreOf(r.unit.id, '2020-09', '2020-09-30'));
			items.set(r.unit.id, await scoreItems(s.db, '2020-09', '2020-09-30', r.unit.id, r.counts));
			expect(100 + items.get(r.unit.id)!.reduce((a, i) => a + i.points, 0)).toBeCloseTo(r.score, 6);
		}
		// Units leading an overdue indicator carry its deduction, named by the indicator.
		for (const o of september.content.tables.overdue)
			for (const u of o.lead)
				expect(items.get(u.id)?.some((i) => i.indicatorId === o.indicatorId) ?? true).toBe(true);
		const board = (await office.get('/api/v1/dashboard/ranking?period=2020-09')).data;
		expect(board.asOf).toBe('2020-09-30');
		const shown = new Map(board.items.map((r: any) => [r.unit.id, [r.category, r.rank, r.score]]));
		for (const r of rows) expect(shown.get(r.unit.id)).toEqual([r.category, r.rank, r.score]);
	});

	it('a 加分 recorded by the office moves the unit’s score by exactly that, with its reason on the unit’s page', async () => {
		const unitId = (await query<{ id: number }>(s.db, sql`select id from unit where name = '省大数据局'`))[0]!
			.id;
		const before = (await office.get('/api/v1/dashboard/ranking?period=2020-09')).data.items.find(
			(r: any) => r.unit.id === unitId
		);
		const bad = await office.post('/api/v1/scoring/adjustments', {
			period: '2020-09',
			unitId,
			points: 0,
			reason: '无'
		});
		expect(bad.status).toBe(400);
		const added = await office.post('/api/v1/scoring/adjustments', {
			period: '2020-09',
			unitId,
			points: 2,
			reason: '公共数据平台经验被国务院办公厅推广'
		});
		expect(added.status).toBe(201);
		const after = (await office.get('/api/v1/dashboard/ranking?period=2020-09')).data.items.find(
			(r: any) => r.unit.id === unitId
		);
		expect(after.score).toBe(before.score + 2);
		// The unit's traced items (its own page's) end with the 加分.
		expect((await scoreItems(s.db, '2020-09', '2020-09-30', unitId, after.counts)).at(-1)).toMatchObject({
			component: 'adjustment',
			points: 2,
			cause: '加分：公共数据平台经验被国务院办公厅推广'
		});
		expect((await office.request('DELETE', `/api/v1/scoring/adjustments/${added.data.id}`)).status).toBe(200);
		const audit = await query<{ action: string }>(
			s.db,
			sql`select action from audit_log where action like 'score.adjust%'`
		);
		expect(audit.map((a) => a.action)).toEqual(['score.adjust', 'score.adjust.remove']);
	});

	it('the document has 一、二、三… headings, 三是 where there are three points, typed tables with 序号 and 合计', async () => {
		const doc = (await office.get(`/api/v1/bulletins/${september.id}/document`)).data;
		const headings = doc.body.filter((b: any) => b.kind === 'heading1').map((b: any) => b.text);
		expect(headings.slice(0, 3)).toEqual(['一、总体情况', '二、目标任务完成情况', '三、各单位得分排名']);
		expect(doc.docNumber).toBeNull();
		const overdue = doc.attachments.find((a: any) => a.title === '逾期未完成指标清单').blocks[0].table;
		expect(overdue.columns.map((c: any) => c.header)).toEqual([
			'序号',
			'具体指标',
			'责任单位',
			'完成时限',
			'逾期天数'
		]);
		expect(overdue.rows).toHaveLength(september.content.tables.overdue.length);
		expect(overdue.total[0]).toBe('合计');
		for (const r of overdue.rows) expect(r[2]).toMatch(/^牵头 /);
		const targets = doc.attachments.find((a: any) => a.title === '量化目标完成情况').blocks[0].table;
		expect(targets.columns.find((c: any) => c.header === '完成率').kind).toBe('percent');
		const problems = september.content.texts.problems as string;
		const points = (problems.match(/[一二三四五六]是/g) ?? []).map((p) => p[0]);
		expect(points).toEqual(['一', '二', '三', '四', '五', '六'].slice(0, points.length));
	});
});

describe('the office’s rules', () => {
	it('the unit’s own page lists every point of its score with its cause, summing to the score', async () => {
		const row = september.content.tables.ranking.find((r: any) => r.score < 100);
		const unit = await s.as('unit', row.unit.name);
		const own = (await unit.get('/api/v1/dashboard/unit')).data.score;
		expect(own.category).toBe(row.category);
		expect(100 + own.items.reduce((a: number, i: any) => a + i.points, 0)).toBeCloseTo(own.score, 6);
		expect(own.items.every((i: any) => i.cause.length > 4)).toBe(true);
	});

	it('categories are validated with Chinese messages; a category made private leaves the next bulletin’s ranking', async () => {
		const rules = (await office.get('/api/v1/scoring/settings')).data;
		const twice = await office.request('PUT', '/api/v1/scoring/settings', {
			rankingCategories: [...rules.rankingCategories, rules.rankingCategories[0]]
		});
		expect(twice.status).toBe(400);
		expect(JSON.stringify(twice.data.error)).toContain('排名类别名称不能重复');
		const privateCities = rules.rankingCategories.map((c: any) =>
			c.name === '设区市' ? { ...c, public: false } : c
		);
		expect(
			(await office.request('PUT', '/api/v1/scoring/settings', { rankingCategories: privateCities })).status
		).toBe(200);
		const again = (await office.post('/api/v1/bulletins', { period: '2020-09' })).data.content;
		expect(again.tables.ranking.some((r: any) => r.category === '设区市')).toBe(false);
		expect(again.tables.unranked).toContain('设区市');
		await office.request('PUT', '/api/v1/scoring/settings', { rankingCategories: rules.rankingCategories });
	});
});

describe('another 统计日期 and the week', () => {
	it('the office may pick 2020-10-15 for September: the overdue indicators due on 09-30 appear, one row each, 牵头 and 配合 apart', async () => {
		const later = (await office.post('/api/v1/bulletins', { period: '2020-09', asOf: '2020-10-15' })).data
			.content;
		expect(later.asOf).toBe('2020-10-15');
		expect(later.texts.overview).toContain('截至2020年10月15日（统计日期）');
		const red = await overdueOn('2020-10-15');
		expect(red.size).toBeGreaterThan(september.content.tables.overdue.length);
		expect(new Set(later.tables.overdue.map((r: any) => r.indicatorId))).toEqual(red);
		expect(later.tables.overdue).toHaveLength(red.size);
		expect(
			(await office.post('/api/v1/bulletins', { period: '2020-09', asOf: '2020-10-16' })).data.error.message
		).toBe('统计日期不能晚于今天');
	});

	it('a weekly bulletin tells its seven days: reports, completions, new overdue items, due dates, notices', async () => {
		const week = (await office.post('/api/v1/bulletins', { period: '2020-09', week: '2020-09-21' })).data
			.content;
		expect(week.title).toBe('关于2020年9月21日至9月27日政府数字化转型工作进展情况的通报');
		expect(week.asOf).toBe('2020-09-27');
		expect(week.tables.ranking).toEqual([]);
		const reported = (
			await query<{ n: number }>(
				s.db,
				sql`select count(*) as n from report where first_submitted_at >= ${endOfDay('2020-09-20')} and first_submitted_at < ${endOfDay('2020-09-27')}`
			)
		)[0]!.n;
		const completed = (
			await query<{ n: number }>(
				s.db,
				sql`select count(*) as n from indicator where recurrence is null and completed_on between '2020-09-21' and '2020-09-27'`
			)
		)[0]!.n;
		expect(week.tables.week.reported).toHaveLength(reported);
		expect(week.texts.overview).toContain(
			`各单位报送月报${reported}份；本周完成指标${completed}项，累计完成${await completedBy('2020-09-27')}项`
		);
	});
});

describe('整改要求', () => {
	it('publishing issues a tracked notice to every unit named, on its bell, answered by the deadline the text gives', async () => {
		const draft = (await office.post('/api/v1/bulletins', { period: '2020-09', asOf: '2020-10-15' })).data;
		const named = draft.content.rectification.units;
		expect(named.length).toBeGreaterThan(0);
		const first = await s.as('unit', named[0].name);
		const published = (await office.post(`/api/v1/bulletins/${draft.id}/publish`)).data;
		const dueOn = published.content.rectification.dueOn;
		const [y, m, d] = dueOn.split('-').map(Number);
		expect(published.content.texts.rectification).toContain(`于${y}年${m}月${d}日前`);
		const notices = await query<{ unitId: number; answerDueOn: string }>(
			s.db,
			sql`select unit_id as "unitId", answer_due_on as "answerDueOn" from urge_notice where bulletin_id = ${draft.id}`
		);
		expect(notices.map((n) => n.unitId).sort()).toEqual(named.map((n: any) => n.unitId).sort());
		expect(new Set(notices.map((n) => n.answerDueOn))).toEqual(new Set([dueOn]));
		expect(published.rectification.every((n: any) => n.state === 'waiting')).toBe(true);
		const bell = (await first.get('/api/v1/notifications')).data.items;
		expect(bell.some((n: any) => n.title.includes('督办通知') && n.body.includes(published.number))).toBe(
			true
		);
		const mine = published.rectification.find((n: any) => n.unit === named[0].name);
		await first.post(`/api/v1/notices/${mine.id}/acknowledge`);
		expect(
			(await first.post(`/api/v1/notices/${mine.id}/answers`, { text: '已整改', attachmentIds: [] })).status
		).toBe(201);
		const again = (await office.get(`/api/v1/bulletins/${draft.id}`)).data;
		expect(again.rectification.find((n: any) => n.id === mine.id).state).toBe('answered');
	});
});
