import { createRequire } from 'node:module';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addWorkingDays } from '../../api/lib/workdays.ts';
import { workCalendar } from '../../api/services/work-calendar.ts';
import { csvTable, importForm, planTitle, startTestServer, type TestServer } from '../support/harness.ts';
import { query } from '../../db/client.ts';

let s: TestServer;
let office: Awaited<ReturnType<TestServer['as']>>;
beforeAll(async () => {
	s = await startTestServer();
	office = await s.as('office');
});
afterAll(() => s.close());

describe('PRC working days', () => {
	it('skips holidays and counts 调休 make-up Saturdays (National Day 2020)', async () => {
		const cal = await workCalendar(s.db);
		expect(cal.isWorkingDay('2020-10-01')).toBe(false); // 国庆节
		expect(cal.isWorkingDay('2020-09-27')).toBe(true); // Sunday, 调休上班
		expect(cal.isWorkingDay('2020-10-10')).toBe(true); // Saturday, 调休上班
		expect(cal.isWorkingDay('2020-10-11')).toBe(false); // an ordinary Sunday
		// 2 working days after Wed 30 Sep: the holiday runs to 8 Oct, Fri 9 Oct and Sat 10 Oct are worked.
		expect(addWorkingDays('2020-09-30', 2, cal)).toBe('2020-10-10');
		expect(addWorkingDays('2020-09-25', 1, cal)).toBe('2020-09-27');
		expect(addWorkingDays('2020-09-25', 0, cal)).toBe('2020-09-25');
	});

	it('holds the State Council calendar for 2018–2026 as chinese-days packages it', async () => {
		const data = createRequire(import.meta.url)('chinese-days/dist/chinese-days.json') as Record<
			'holidays' | 'workdays',
			Record<string, string>
		>;
		const cal = await workCalendar(s.db);
		const years = (o: Record<string, string>) => Object.keys(o).filter((d) => d >= '2018' && d < '2027');
		for (const day of years(data.holidays)) expect(cal.isWorkingDay(day), day).toBe(false);
		for (const day of years(data.workdays)) expect(cal.isWorkingDay(day), day).toBe(true);
		expect(years(data.holidays).length).toBeGreaterThan(250);
	});

	it('the office extends the calendar (audited); others may not', async () => {
		const unit = await s.as('unit', '省大数据局');
		expect(
			(await unit.put('/api/v1/work-calendar/days/2027-01-01', { kind: 'holiday', name: '元旦' })).status
		).toBe(403);
		const res = await office.put('/api/v1/work-calendar/days/2027-01-01', { kind: 'holiday', name: '元旦' });
		expect(res.status).toBe(200);
		expect(res.data.items).toEqual([{ day: '2027-01-01', kind: 'holiday', name: '元旦' }]);
		expect((await workCalendar(s.db)).isWorkingDay('2027-01-01')).toBe(false);
		expect((await office.put('/api/v1/work-calendar/days/0050-01-01', { kind: 'holiday' })).status).toBe(400);
		const audit = await s.as('auditor');
		const log = await audit.get('/api/v1/audit?action=calendar.set_day');
		expect(JSON.stringify(log.data)).toContain('2027-01-01');
	});
});

describe('relative deadlines', () => {
	it('count from the event the office records, in PRC working days', async () => {
		const rows = [
			[
				'推广',
				'',
				'业务内测',
				'对完成接口联调的事项进行内部业务内测',
				'联调测试通过2个工作日内。',
				'省大数据局'
			]
		];
		const res = await office.post(
			'/api/v1/imports',
			importForm(csvTable(rows), { title: planTitle(), year: '2020' })
		);
		expect(res.data.rows[0].rule).toEqual({
			kind: 'relative',
			event: '联调测试通过',
			days: 2,
			workingDays: true
		});
		const list = await office.get(`/api/v1/indicators?planId=${res.data.planId}`);
		const id = list.data.items[0].id;
		expect(list.data.items[0].dueOn).toBeNull();
		const recorded = await office.post(`/api/v1/indicators/${id}/deadline-events`, {
			occurredOn: '2020-09-30'
		});
		expect(recorded.status).toBe(200);
		expect(recorded.data.dueOn).toBe('2020-10-10');
		const dated = await office.post(`/api/v1/indicators/${id}/deadline-events`, { occurredOn: '0020-01-01' });
		expect(dated.status).toBe(400);
	});

	it('a date per unit level goes to each assignment by the unit’s kind', async () => {
		const rows = [
			[
				'推广',
				'',
				'填报',
				'补填报送确认清单',
				'市级:9月7日前,区、县(市):9月14日前',
				'省大数据局、各设区市政府'
			]
		];
		const res = await office.post(
			'/api/v1/imports',
			importForm(csvTable(rows), { title: planTitle(), year: '2020' })
		);
		expect(res.status).toBe(200);
		expect(res.data.rows[0].dueOn).toBe('2020-09-14');
		const due = await query<{ name: string; due_on: string | null }>(
			s.db,
			sql`select u.name, a.due_on from assignment a join unit u on u.id = a.unit_id
				join indicator i on i.id = a.indicator_id where i.plan_id = ${res.data.planId}`
		);
		expect(due.find((d) => d.name === '杭州市政府')?.due_on).toBe('2020-09-07');
		expect(due.find((d) => d.name === '省大数据局')?.due_on).toBeNull();
	});
});

describe('targets with meaning', () => {
	it('the office enters a 翻一番 baseline and chooses each vs sum; shown on the indicator', async () => {
		const rows = [
			['领域', '', '智安', '全省“智安小区”数量在2019年基础上翻一番', '2020年底前', '省公安厅'],
			['领域', '', '开放', '设区市各推出5个以上数据开放创新应用', '2020年底前', '各设区市政府']
		];
		const res = await office.post(
			'/api/v1/imports',
			importForm(csvTable(rows), { title: planTitle(), year: '2020' })
		);
		const list = (await office.get(`/api/v1/indicators?planId=${res.data.planId}`)).data.items;
		const [doubling, perCity] = list;
		expect(doubling.targets[0]).toMatchObject({ relative: 'factor', value: 2, baseline: null });
		expect(perCity.targets[0]).toMatchObject({ aggregation: 'each', value: 5 });
		const get = await office.get(`/api/v1/indicators/${doubling.id}`);
		const targetId = (
			await query<{ id: number }>(
				s.db,
				sql`select id from indicator_target where indicator_id = ${doubling.id}`
			)
		)[0]!.id;
		expect(get.status).toBe(200);
		const set = await office.put(`/api/v1/indicators/${doubling.id}/targets/${targetId}`, { baseline: 1200 });
		expect(set.status).toBe(200);
		expect(set.data.targets[0]).toMatchObject({ baseline: 1200 });
		const negative = await office.put(`/api/v1/indicators/${doubling.id}/targets/${targetId}`, {
			baseline: -1
		});
		expect(negative.status).toBe(400);
		const perCityTarget = (
			await query<{ id: number }>(
				s.db,
				sql`select id from indicator_target where indicator_id = ${perCity.id}`
			)
		)[0]!.id;
		const noBaseline = await office.put(`/api/v1/indicators/${perCity.id}/targets/${perCityTarget}`, {
			baseline: 3
		});
		expect(noBaseline.status).toBe(400);
		const sum = await office.put(`/api/v1/indicators/${perCity.id}/targets/${perCityTarget}`, {
			aggregation: 'sum'
		});
		expect(sum.data.targets[0].aggregation).toBe('sum');
	});
});
