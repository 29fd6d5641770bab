import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../../tasks/index.ts';
import { scoreItems } from '../../api/services/ranking.ts';
import { importPlan, startTestServer, type Client, type TestServer } from '../support/harness.ts';
import { reportCellOf } from '../../web/src/lib/rules/enums.ts';

/**
 * A small world built by the test, so every dashboard figure can be counted independently:
 * plan issued 2020-01-01; today is 2020-04-20.
 *   A 按期完成  due 03-31, lead 省档案局→(省财政厅), completed 03-20
 *   B 逾期完成  due 02-29, lead 省审计厅→(省水利厅), completed 03-10
 *   C 红灯      due 03-31, lead 省商务厅, co 省水利厅 — open
 *   D 临期      due 05-05, lead 省财政厅 — open (yellow: due within 15 days)
 *   E 远期      due 12-31, lead 省商务厅 — open (green)
 * March reports: 省财政厅 on time, 省商务厅 late, 省水利厅 missing.
 */
let s: TestServer;
let office: Client;
let ids: Record<string, number>;
let planId: number;

beforeAll(async () => {
	s = await startTestServer({
		start: new Date('2020-03-01T02:00:00Z'),
		env: { SESSION_IDLE_MINUTES: '500000', SESSION_MAX_HOURS: '9000' }
	});
	office = await s.as('office');
	const plan = await importPlan(
		office,
		[
			['领域一', '子领域甲', '任务一', 'A按期完成', '2020年3月底前', '省财政厅'],
			['领域一', '子领域甲', '任务一', 'B逾期完成', '2020年2月底前', '省水利厅'],
			['领域一', '子领域乙', '任务二', 'C红灯', '2020年3月底前', '省商务厅、省水利厅'],
			['领域二', '子领域丙', '任务三', 'D临期', '2020年5月5日前', '省财政厅'],
			['领域二', '子领域丙', '任务三', 'E远期', '2020年12月底前', '省商务厅']
		],
		2020,
		'2020-01-01'
	);
	ids = plan.ids;
	planId = plan.planId;
	const units = {
		fin: await s.as('unit', '省财政厅'),
		trade: await s.as('unit', '省商务厅'),
		water: await s.as('unit', '省水利厅')
	};
	const complete = async (unit: Client, id: number, at: string) => {
		s.clock.set(new Date(at));
		const r = await unit.post('/api/v1/requests', { kind: 'completion', indicatorId: id, statement: '完成' });
		await office.post(`/api/v1/requests/${r.data.id}/decide`, { approve: true });
	};
	await complete(units.water, ids['B逾期完成']!, '2020-03-10T02:00:00Z');
	await complete(units.fin, ids['A按期完成']!, '2020-03-20T02:00:00Z');
	const submit = async (unit: Client, at: string) => {
		s.clock.set(new Date(at));
		const form = (await unit.get('/api/v1/reports/mine/2020-03')).data;
		const items = form.items.map((i: any) => ({
			indicatorId: i.indicatorId,
			progressStatus: 'on_track',
			progress: '进展'
		}));
		const res = await unit.post('/api/v1/reports/mine/2020-03/submit', { revision: null, items });
		expect(res.status).toBe(200);
	};
	await submit(units.fin, '2020-03-30T02:00:00Z');
	await submit(units.trade, '2020-04-03T02:00:00Z');
	s.clock.set(new Date('2020-04-20T02:00:00Z'));
	await runJob('daily', { ...s.deps, mailer: null }, s.clock.now());
});
afterAll(() => s.close());

describe('office dashboard', () => {
	it('every tile equals an independent count of the test’s data', async () => {
		const res = await office.get(`/api/v1/dashboard/summary?planId=${planId}`);
		expect(res.status).toBe(200);
		expect(res.data.day).toBe('2020-04-20');
		expect(res.data.tiles).toEqual({
			indicators: 5,
			completedOnTime: 1,
			completedLate: 1,
			inProgress: 3,
			red: 1,
			redUnits: 1,
			yellow: 1,
			dueWithin30: 1,
			reports: {
				period: '2020-03',
				due: '2020-03-31',
				expected: 3,
				onTime: 1,
				late: 1,
				missing: 1,
				rate: 66.7
			}
		});
		const top = res.data.sections.filter((x: any) => x.parentId === null).map((x: any) => [x.name, x.counts]);
		expect(top).toEqual([
			['领域一', { red: 1, yellow: 0, green: 0, completed_on_time: 1, completed_late: 1 }],
			['领域二', { red: 0, yellow: 1, green: 1, completed_on_time: 0, completed_late: 0 }]
		]);
	});

	it('the submission rate counts only units with an open assignment that month', async () => {
		// In April 省水利厅 still has C open, 省财政厅 has D, 省商务厅 C and E: 3 expected. In May nothing changes.
		// A unit whose only indicator was completed before the month is not expected: 省水利厅 in February had B (due 02-29, completed 03-10) — still expected.
		const res = await office.get(`/api/v1/dashboard/summary?planId=${planId}`);
		const matrix = res.data.matrix;
		// Each unit's months come as one letter each.
		const row = (name: string) =>
			[...matrix.rows.find((r: any) => r.unit.name === name).cells].map(reportCellOf);
		expect(matrix.periods).toEqual(['2020-01', '2020-02', '2020-03', '2020-04']);
		expect(row('省财政厅')).toEqual(['missing', 'missing', 'on_time', 'not_due']);
		expect(row('省商务厅')).toEqual(['missing', 'missing', 'late', 'not_due']);
		expect(row('省水利厅')).toEqual(['missing', 'missing', 'missing', 'not_due']);
		const trend = res.data.trend.find((t: any) => t.period === '2020-03');
		expect(trend).toEqual({ period: '2020-03', completed: 2, overdue: 0, submissionRate: 66.7 });
	});

	it('the report matrix comes a page of units at a time, with the count and tally of all of them', async () => {
		const all = (await office.get(`/api/v1/dashboard/summary?planId=${planId}`)).data.matrix;
		expect(all).toMatchObject({ total: 3, page: 1, pageSize: 120 });
		// 省财政厅 m m o, 省商务厅 m m l, 省水利厅 m m m (April not yet due).
		expect(all.tally).toEqual({ onTime: 1, late: 1, missing: 7 });
		const pageOf = async (n: number) =>
			(await office.get(`/api/v1/dashboard/summary?planId=${planId}&matrixPage=${n}&matrixPageSize=2`)).data
				.matrix;
		const [first, second, beyond] = [await pageOf(1), await pageOf(2), await pageOf(3)];
		expect(first.rows.map((r: any) => r.unit.name)).toEqual(
			all.rows.slice(0, 2).map((r: any) => r.unit.name)
		);
		expect(second.rows).toEqual(all.rows.slice(2));
		expect(beyond.rows).toEqual([]);
		for (const m of [first, second, beyond])
			expect(m).toMatchObject({ total: 3, tally: all.tally, pageSize: 2 });
		const refused = await office.get(`/api/v1/dashboard/summary?matrixPageSize=501`);
		expect(refused.status).toBe(400);
	});

	it('an earlier day replays the lights of that day', async () => {
		const res = await office.get(`/api/v1/dashboard/summary?planId=${planId}&asOf=2020-03-05`);
		expect(res.data.tiles).toMatchObject({ completedOnTime: 0, completedLate: 0, inProgress: 5, red: 1 });
		expect((await office.get(`/api/v1/dashboard/summary?asOf=2020-05-01`)).status).toBe(400);
	});

	it('the red list names the red indicator and its red units (the accountable lead, not the supporting co-unit); the due-soon list the yellow one', async () => {
		const red = (await office.get(`/api/v1/dashboard/list?planId=${planId}&kind=red`)).data;
		expect(red.items.map((i: any) => [i.text, i.daysOverdue, i.units.map((u: any) => u.name)])).toEqual([
			['C红灯', 20, ['省商务厅']]
		]);
		const soon = (await office.get(`/api/v1/dashboard/list?planId=${planId}&kind=due_soon`)).data;
		expect(soon.items.map((i: any) => i.text)).toEqual(['D临期']);
	});

	it('ranks units for a month by score, with the weights and counts behind it', async () => {
		const res = await office.get('/api/v1/dashboard/ranking?period=2020-03');
		expect(res.data.weights).toEqual({ missing: 10, late: 3, behind: 1, redLead: 5, redCo: 2, returned: 1 });
		expect(res.data.asOf).toBe('2020-03-31');
		const mine = res.data.items.filter((r: any) =>
			['省财政厅', '省商务厅', '省水利厅'].includes(r.unit.name)
		);
		// At the end of 03-31: nothing overdue (C falls due that day); 省商务厅's report (04-03) and
		// 省水利厅's (never) were not in: both missing then. Equal scores: the earlier report first — none: tied.
		const none = { late: 0, behind: 0, redLead: 0, redCo: 0, returns: 0, adjustments: 0 };
		expect(mine.map((r: any) => [r.unit.name, r.score, r.counts])).toEqual([
			['省财政厅', 100, { ...none, missing: 0 }],
			['省水利厅', 90, { ...none, missing: 1 }],
			['省商务厅', 90, { ...none, missing: 1 }]
		]);
		expect(res.data.final).toBe(false);
		const ranks = mine.map((r: any) => r.rank);
		expect(ranks[0]).toBeLessThan(ranks[1]);
		expect(ranks[1]).toBe(ranks[2]);
		// Each score is 100 plus its traced items.
		for (const r of mine)
			expect(
				100 +
					(await scoreItems(s.db, '2020-03', '2020-03-31', r.unit.id, r.counts)).reduce(
						(a, i) => a + i.points,
						0
					)
			).toBe(r.score);
	});

	it('units and admins cannot read the office dashboard', async () => {
		const unit = await s.as('unit', '省财政厅');
		expect((await unit.get('/api/v1/dashboard/summary')).status).toBe(403);
		expect((await (await s.as('admin')).get('/api/v1/dashboard/ranking?period=2020-03')).status).toBe(403);
		const own = (await unit.get('/api/v1/dashboard/unit')).data;
		expect(own.deadlines.map((d: any) => d.text)).toEqual(['D临期']);
	});
});

describe('bulletins', () => {
	it('a month’s bulletin names the right units and numbers; edited, published, read by a unit; docx and xlsx open again', async () => {
		// By default the month's last day, not today: C (due 03-31) is not yet overdue, the late report not in.
		const march = (await office.post('/api/v1/bulletins', { period: '2020-03' })).data.content;
		expect(march.title).toBe('关于2020年3月政府数字化转型工作进展情况的通报');
		expect(march.asOf).toBe('2020-03-31');
		expect(march.texts.overview).toContain('逾期未完成（红灯）指标0项');
		expect(march.texts.overview).toContain('按时报送1个、逾期报送0个、未报送2个');
		expect(march.tables.overdue).toEqual([]);
		// The office picks 2020-04-20 as 统计日期: the state on that day.
		const draft = await office.post('/api/v1/bulletins', { period: '2020-03', asOf: '2020-04-20' });
		expect(draft.status).toBe(201);
		const c = draft.data.content;
		expect(c.asOf).toBe('2020-04-20');
		expect(c.texts.overview).toContain('累计完成2项（按期1项、逾期1项）');
		expect(c.texts.overview).toContain('逾期未完成（红灯）指标1项，涉及1个单位');
		expect(c.texts.overview).toContain('按时报送1个、逾期报送1个、未报送1个');
		expect(c.texts.criticism).toContain('省商务厅（1项）');
		expect(c.texts.criticism).toContain('未报送2020年3月月报的：省水利厅');
		expect(
			c.tables.overdue.map((r: any) => [
				r.indicator,
				r.lead.map((u: any) => u.name),
				r.co.map((u: any) => u.name)
			])
		).toEqual([['C红灯', ['省商务厅'], ['省水利厅']]]);

		const unit = await s.as('unit', '省财政厅');
		expect((await unit.get(`/api/v1/bulletins/${draft.data.id}`)).status).toBe(404);
		const edited = await office.request('PUT', `/api/v1/bulletins/${draft.data.id}`, {
			texts: { units: '各单位总体按计划推进。' }
		});
		expect(edited.data.content.texts.units).toBe('各单位总体按计划推进。');
		const published = await office.post(`/api/v1/bulletins/${draft.data.id}/publish`);
		expect(published.data.number).toMatch(/^督查通报〔2020〕\d+号$/);
		expect(
			(await office.request('PUT', `/api/v1/bulletins/${draft.data.id}`, { texts: { units: '改' } })).status
		).toBe(409);
		const read = await unit.get(`/api/v1/bulletins/${draft.data.id}`);
		expect(read.data.content.texts.units).toBe('各单位总体按计划推进。');

		const docx = await unit.get(`/api/v1/bulletins/${draft.data.id}/export?format=docx`);
		const xml = (await (await JSZip.loadAsync(docx.data)).file('word/document.xml')!.async('string')).replace(
			/<[^>]+>/g,
			''
		);
		expect(xml).toContain('关于2020年3月政府数字化转型工作进展情况的通报');
		expect(xml).toContain(published.data.number);
		expect(xml).toContain('各单位总体按计划推进。');
		expect(xml).toContain('逾期未完成指标清单');
		const xlsx = await unit.get(`/api/v1/bulletins/${draft.data.id}/export?format=xlsx`);
		const wb = new ExcelJS.Workbook();
		await wb.xlsx.load(xlsx.data);
		expect(wb.worksheets.map((w) => w.name)).toEqual([
			'分领域进展情况',
			'各单位得分排名',
			'逾期未完成指标清单',
			'月报报送情况'
		]);
		const redSheet = wb.getWorksheet('逾期未完成指标清单')!;
		expect(redSheet.getRow(3).getCell(2).value).toBe('C红灯');
		expect(redSheet.getRow(3).getCell(3).value).toBe('牵头 省商务厅；配合 省水利厅');
	});
});

describe('exports', () => {
	it('the plan table carries today’s status; list pages export their current filter as csv (BOM) and xlsx', async () => {
		const plan = await office.get(`/api/v1/plans/${planId}/export?format=xlsx`);
		const wb = new ExcelJS.Workbook();
		await wb.xlsx.load(plan.data);
		const ws = wb.worksheets[0]!;
		expect(ws.getRow(2).values).toEqual(expect.arrayContaining(['状态', '原定日期', '完成日期', '最新进展']));
		const statusOf = (text: string) => {
			for (let r = 3; r <= ws.rowCount; r++)
				if (ws.getCell(r, 4).value === text) return ws.getCell(r, 10).value;
		};
		expect(statusOf('C红灯')).toBe('红灯');
		expect(statusOf('B逾期完成')).toBe('逾期完成');

		const csv = await office.get(
			`/api/v1/indicators/export?planId=${planId}&q=${encodeURIComponent('红灯')}&format=csv`
		);
		const bytes = new Uint8Array(csv.data);
		expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
		const lines = new TextDecoder().decode(bytes).trim().split('\r\n');
		expect(lines).toHaveLength(2);
		expect(lines[1]).toContain('C红灯');
		expect(lines[1]).toContain('红灯');

		const reports = await office.get('/api/v1/reports/export?period=2020-03&format=xlsx');
		const rb = new ExcelJS.Workbook();
		await rb.xlsx.load(reports.data);
		const rows = rb.worksheets[0]!.getSheetValues().slice(3) as unknown[][]; // row 1 title, row 2 header
		expect(rows.map((r) => r[2]).sort()).toEqual(['省商务厅', '省商务厅', '省财政厅', '省财政厅'].sort());
		expect(reports.headers.get('content-disposition')).toContain(encodeURIComponent('2020-03月报.xlsx'));
	});
});

// Last: it changes the shared world the tests above count.
describe('freshness', () => {
	it('a change shows on the dashboard at once (the decision keeps the state current in its transaction)', async () => {
		const before = (await office.get(`/api/v1/dashboard/summary?planId=${planId}`)).data.tiles;
		const trade = await s.as('unit', '省商务厅');
		const r = await trade.post('/api/v1/requests', {
			kind: 'completion',
			indicatorId: ids['E远期'],
			statement: '提前完成'
		});
		await office.post(`/api/v1/requests/${r.data.id}/decide`, { approve: true });
		const after = (await office.get(`/api/v1/dashboard/summary?planId=${planId}`)).data.tiles;
		expect(after.completedOnTime).toBe(before.completedOnTime + 1);
		expect(after.inProgress).toBe(before.inProgress - 1);
	});
});
