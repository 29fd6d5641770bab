import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAlerts } from '../../api/services/alerts.ts';
import { runJob } from '../../tasks/index.ts';
import { importPlan, startTestServer, type Client, type TestServer } from '../support/harness.ts';
import { query } from '../../db/client.ts';

let s: TestServer;
let office: Client;
beforeAll(async () => {
	s = await startTestServer({
		start: new Date('2020-07-05T02:00:00Z'),
		env: { SESSION_IDLE_MINUTES: '500000', SESSION_MAX_HOURS: '9000' }
	});
	office = await s.as('office');
});
afterAll(() => s.close());

const behindOf = async (indicatorId: number) =>
	(await openAlerts(s.db, s.clock.today(), { indicatorIds: [indicatorId] }))
		.filter((a) => a.kind === 'behind_schedule')
		.map((a) => ({ unit: a.unit?.name, reason: a.reason }));

/** Submits a unit's June report: every item on track, this indicator's targets at `value`. */
async function reportJune(unit: Client, indicatorId: number, value: number) {
	const form = (await unit.get('/api/v1/reports/mine/2020-06')).data;
	const res = await unit.post('/api/v1/reports/mine/2020-06/submit', {
		revision: null,
		items: form.items.map((i: any) => ({
			indicatorId: i.indicatorId,
			progressStatus: 'on_track',
			progress: '进展',
			values: i.indicatorId === indicatorId ? i.targets.map((t: any) => ({ targetId: t.id, value })) : []
		}))
	});
	expect(res.status).toBe(200);
}

describe('lights follow what a target means', () => {
	it('a target in 万 gives a reason with 万 and the unit: “30 万 / 120 万人”', async () => {
		const { ids } = await importPlan(
			office,
			[['领域', '', '活跃任务', '日活跃用户数达到120万人', '2020年12月底前', '省民政厅']],
			2020,
			'2020-01-01'
		);
		const id = ids['日活跃用户数达到120万人']!;
		await reportJune(await s.as('unit', '省民政厅'), id, 30);
		// 序时进度 on 07-05 of a plan from 01-01 to 12-31 is 51%; 30 of 120 is 25%.
		expect(await behindOf(id)).toEqual([
			{ unit: '省民政厅', reason: '序时进度 51%，日活跃用户数（30 万 / 120 万人）实际 25%，落后 26 个百分点' }
		]);
		const view = (await office.get(`/api/v1/indicators/${id}`)).data;
		expect(view.targets[0].progress).toEqual({
			state: 'measured',
			actual: 30,
			goal: 120,
			percent: 25,
			met: false,
			summed: false
		});
	});

	it('a summed target adds the owners’ parts: one unit’s report puts out the other’s light at once', async () => {
		const { ids } = await importPlan(
			office,
			[['领域', '', '合计任务', '新增注册用户达到120万人', '2020年12月底前', '省商务厅、省财政厅']],
			2020,
			'2020-01-01'
		);
		const id = ids['新增注册用户达到120万人']!;
		await reportJune(await s.as('unit', '省商务厅'), id, 30);
		expect(await behindOf(id)).toEqual([
			{ unit: '省商务厅', reason: '序时进度 51%，新增注册用户（30 万 / 120 万人）实际 25%，落后 26 个百分点' }
		]);
		// 30 + 30 of 120 is 50%, level with 51%: the light goes out in the same response cycle, no daily round.
		await reportJune(await s.as('unit', '省财政厅'), id, 30);
		expect(await behindOf(id)).toEqual([]);
		const view = (await office.get(`/api/v1/indicators/${id}`)).data;
		expect(view.targets[0].progress).toMatchObject({
			state: 'measured',
			actual: 60,
			goal: 120,
			summed: true
		});

		// By 08-31 (67% of the year) the sum is behind: the reason says it is the units' sum.
		s.clock.set(new Date('2020-08-31T02:00:00Z'));
		await runJob('daily', { ...s.deps, mailer: null }, new Date('2020-08-31T06:00:00+08:00'));
		const later = (await openAlerts(s.db, '2020-08-31', { indicatorIds: [id] })).filter(
			(a) => a.kind === 'behind_schedule'
		);
		expect(later.map((a) => a.unit?.name).sort()).toEqual(['省商务厅', '省财政厅'].sort());
		expect(later[0]!.reason).toBe(
			'序时进度 67%，新增注册用户（各单位合计 60 万 / 120 万人）实际 50%，落后 17 个百分点'
		);
		s.clock.set(new Date('2020-07-05T02:00:00Z'));
	});

	it('a relative target has no light until its baseline is entered, then counts from the baseline', async () => {
		const { ids } = await importPlan(
			office,
			[['领域', '', '相对任务', '交易额比2019年翻一番', '2020年12月底前', '省教育厅']],
			2020,
			'2020-01-01'
		);
		const id = ids['交易额比2019年翻一番']!;
		await reportJune(await s.as('unit', '省教育厅'), id, 120);
		const before = (await office.get(`/api/v1/indicators/${id}`)).data.targets[0];
		expect(before.progress).toEqual({ state: 'no_baseline' });
		expect(await behindOf(id)).toEqual([]);

		// Baseline 100 → goal 200; 120 is 20% of the way from 100 to 200, behind 51%: yellow at once.
		const set = await office.put(`/api/v1/indicators/${id}/targets/${await targetIdOf(id)}`, {
			baseline: 100
		});
		expect(set.status).toBe(200);
		expect(set.data.targets[0].progress).toMatchObject({
			state: 'measured',
			actual: 120,
			goal: 200,
			percent: 20
		});
		expect(await behindOf(id)).toEqual([
			{ unit: '省教育厅', reason: '序时进度 51%，交易额比2019年（120 / 200）实际 20%，落后 31 个百分点' }
		]);
	});
});

const targetIdOf = async (indicatorId: number) =>
	(
		await query<{ id: number }>(
			s.db,
			sql`select id from indicator_target where indicator_id = ${indicatorId}`
		)
	)[0]!.id;
