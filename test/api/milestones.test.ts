import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAlerts } from '../../api/services/alerts.ts';
import { query } from '../../db/client.ts';
import { runJob } from '../../tasks/index.ts';
import { reasonText } from '../../web/src/lib/rules/reasons.ts';
import { importPlan, startTestServer, type Client, type TestServer } from '../support/harness.ts';

/** Monthly milestone plans (挂图作战): the unit plans, the office decides, lights and scores follow. */
let s: TestServer;
let office: Client;
let civ: Client;
let ids: Record<string, number>;

const LONG = { SESSION_IDLE_MINUTES: '500000', SESSION_MAX_HOURS: '9000' };
/** Percent (m − 2) × 10 and value (m − 2) × 12 万人 by the end of month m, March to December. */
const RAMP = Array.from({ length: 10 }, (_, i) => ({
	period: `2020-${String(i + 3).padStart(2, '0')}`,
	deliverable: `第${i + 1}阶段成果`,
	percent: (i + 1) * 10,
	value: (i + 1) * 12
}));

beforeAll(async () => {
	s = await startTestServer({ start: new Date('2020-03-05T02:00:00Z'), env: LONG });
	office = await s.as('office');
	({ ids } = await importPlan(
		office,
		[
			['领域', '', '里程碑任务', '日活跃用户数达到120万人', '2020年12月底前', '省民政厅'],
			['领域', '', '里程碑任务', '新增注册用户达到120万人', '2020年12月底前', '省民政厅'],
			['领域', '', '里程碑任务', '联合推进事项', '2020年12月底前', '省民政厅、省财政厅']
		],
		2020,
		'2020-01-01'
	));
	civ = await s.as('unit', '省民政厅');
});
afterAll(() => s.close());

const save = (client: Client, indicatorId: number, body: object) =>
	client.put(`/api/v1/indicators/${indicatorId}/milestones`, body);
const lightsOf = async (indicatorId: number) =>
	(await openAlerts(s.db, s.clock.today(), { indicatorIds: [indicatorId] })).map(
		(a) => `${a.kind}:${a.light}`
	);

describe('milestone plans', () => {
	it('are checked: the accountable unit only, months in the plan year, never falling', async () => {
		const fin = await s.as('unit', '省财政厅');
		const co = await save(fin, ids['联合推进事项']!, { milestones: RAMP });
		expect(co.status).toBe(403);
		expect(co.data.error.key).toBe('milestone.not_accountable');
		const falling = await save(civ, ids['日活跃用户数达到120万人']!, {
			milestones: [RAMP[1], { ...RAMP[2], percent: 15 }]
		});
		expect(falling.status).toBe(422);
		expect(falling.data.error).toMatchObject({
			key: 'milestone.percent_decreasing',
			message: '2020-05 的完成比例（15%）低于前一个月的里程碑'
		});
		const outside = await save(civ, ids['日活跃用户数达到120万人']!, {
			milestones: [{ ...RAMP[0], period: '2021-01' }]
		});
		expect(outside.data.error.key).toBe('milestone.period_out_of_year');
		const noValue = await save(civ, ids['联合推进事项']!, { milestones: [RAMP[0]] });
		expect(noValue.data.error.key).toBe('milestone.value_without_target');
		const blank = await save(civ, ids['日活跃用户数达到120万人']!, {
			milestones: [{ ...RAMP[0], deliverable: ' ' }]
		});
		expect(blank.status).toBe(400);
		expect(
			(await office.get(`/api/v1/indicators/${ids['联合推进事项']}/milestones`)).data.units
		).toHaveLength(1);
	});

	it('go draft → submitted → returned with reasons → a new version → approved; a change is a new version, the approved one in force until its successor is approved', async () => {
		const id = ids['日活跃用户数达到120万人']!;
		const mine = (await civ.get('/api/v1/milestone-plans/mine')).data.items;
		expect(mine.map((m: any) => m.text)).toEqual([
			'日活跃用户数达到120万人',
			'新增注册用户达到120万人',
			'联合推进事项'
		]);
		const draft = await save(civ, id, { milestones: RAMP });
		expect(draft.data).toMatchObject({ version: 1, status: 'draft' });
		expect((await office.get('/api/v1/milestone-plans?status=draft')).data.total).toBe(0);
		const sent = await save(civ, id, { milestones: RAMP, submit: true });
		expect(sent.data).toMatchObject({ id: draft.data.id, version: 1, status: 'submitted' });
		expect((await save(civ, id, { milestones: RAMP })).data.error.key).toBe('milestone.pending');
		const queue = (await office.get('/api/v1/milestone-plans?status=submitted')).data;
		expect(queue.items.map((v: any) => [v.unitName, v.version, v.milestones.length])).toEqual([
			['省民政厅', 1, 10]
		]);

		expect((await civ.post(`/api/v1/milestone-plans/${sent.data.id}/decide`, { approve: true })).status).toBe(
			403
		);
		const noReason = await office.post(`/api/v1/milestone-plans/${sent.data.id}/decide`, { approve: false });
		expect(noReason.data.error.key).toBe('milestone.note_required');
		const back = await office.post(`/api/v1/milestone-plans/${sent.data.id}/decide`, {
			approve: false,
			note: '3月目标偏低'
		});
		expect(back.data).toMatchObject({ status: 'returned', decisionNote: '3月目标偏低' });
		const bell = (await civ.get('/api/v1/notifications')).data.items[0];
		expect(bell).toMatchObject({
			title: '里程碑计划第 1 版被退回：日活跃用户数达到120万人',
			link: `/milestones?indicator=${id}`
		});

		const v2 = await save(civ, id, { milestones: RAMP, note: '已按意见调整', submit: true });
		expect(v2.data).toMatchObject({ version: 2, status: 'submitted' });
		const approved = await office.post(`/api/v1/milestone-plans/${v2.data.id}/decide`, { approve: true });
		expect(approved.data).toMatchObject({ status: 'approved', inForceOn: '2020-03-05' });

		const v3 = await save(civ, id, { milestones: RAMP.slice(1), submit: true });
		const during = (await civ.get(`/api/v1/indicators/${id}/milestones`)).data.units[0];
		expect([during.inForce.version, during.open.version, during.history.length]).toEqual([2, 3, 3]);
		await office.post(`/api/v1/milestone-plans/${v3.data.id}/decide`, { approve: true });
		const after = (await office.get(`/api/v1/indicators/${id}/milestones`)).data.units[0];
		expect(after.inForce.version).toBe(3);
		expect(after.history.map((v: any) => `${v.version}:${v.status}`)).toEqual([
			'3:approved',
			'2:superseded',
			'1:returned'
		]);
		// Back to the full ramp for the lights below.
		const v4 = await save(civ, id, { milestones: RAMP, submit: true });
		await office.post(`/api/v1/milestone-plans/${v4.data.id}/decide`, { approve: true });

		const steps = await query<{ action: string }>(
			s.db,
			sql`select action from audit_log where object_type = 'milestone_plan' order by id`
		);
		expect(steps.map((r) => r.action)).toEqual([
			'milestone_plan.save',
			'milestone_plan.submit',
			'milestone_plan.return',
			'milestone_plan.submit',
			'milestone_plan.approve',
			'milestone_plan.submit',
			'milestone_plan.approve',
			'milestone_plan.submit',
			'milestone_plan.approve'
		]);
	});
});

describe('the milestone light', () => {
	it('behind this month’s milestone is yellow, on track is green (序时进度 no longer applies), missed once the month ends; the same on every page', async () => {
		const behind = ids['日活跃用户数达到120万人']!;
		const onTrack = ids['新增注册用户达到120万人']!;
		const low = RAMP.map((m) => ({ ...m, percent: m.percent / 2, value: null }));
		const plan = await save(civ, onTrack, { milestones: low, submit: true });
		await office.post(`/api/v1/milestone-plans/${plan.data.id}/decide`, { approve: true });

		// Every month's report, June's last: 30% against June's 40% (behind), 25% against 20% (on track).
		for (const period of ['2020-03', '2020-04', '2020-05', '2020-06']) {
			s.clock.set(new Date(`${period}-20T02:00:00Z`));
			const form = (await civ.get(`/api/v1/reports/mine/${period}`)).data;
			const res = await civ.post(`/api/v1/reports/mine/${period}/submit`, {
				revision: null,
				items: form.items.map((i: any) => ({
					indicatorId: i.indicatorId,
					progressStatus: 'on_track',
					progress: '进展',
					percent: i.indicatorId === behind ? 30 : 25
				}))
			});
			expect(res.status).toBe(200);
		}
		expect(await lightsOf(behind)).toEqual(['behind_milestone:yellow']);
		// 序时进度 on 06-20 is 47%: 25% would be yellow by it, but the approved plan says 20% by June.
		expect(await lightsOf(onTrack)).toEqual([]);
		const [alert] = await openAlerts(s.db, s.clock.today(), { indicatorIds: [behind] });
		expect(alert!.reason).toBe(
			'落后于 2020-06 月度里程碑“第4阶段成果”：计划完成比例40%，48万人，2020-06 月报实际完成比例30%'
		);
		expect(reasonText(alert!.kind, alert!.params, '2020-06-20', 'en')).toBe(
			'Behind the 2020-06 milestone "第4阶段成果": planned 40%, 48 万人, the 2020-06 report has 30%'
		);

		const form = (await civ.get('/api/v1/reports/mine/2020-06')).data;
		const item = form.items.find((i: any) => i.indicatorId === behind);
		expect(item.milestone).toMatchObject({ period: '2020-06', percent: 40, value: 48, due: true });
		const unitId = form.unit.id;
		const board = (await civ.get('/api/v1/dashboard/unit')).data.counts;
		const tiles = (await office.get(`/api/v1/dashboard/summary?unitId=${unitId}`)).data.tiles;
		// Yellow: the milestone light, and 联合推进事项 (no plan) behind 序时进度 — by every page alike.
		expect(form.counts).toMatchObject({ yellow: 2 });
		expect(board).toMatchObject(form.counts);
		expect(tiles.yellow).toBe(2);
		expect(await lightsOf(ids['联合推进事项']!)).toEqual(['behind_schedule:yellow']);
		const ranking = (await office.get('/api/v1/dashboard/ranking?period=2020-06')).data;
		const civRow = ranking.items.find((r: any) => r.unit.id === unitId);
		expect(civRow.counts.behind).toBe(2);

		// June ends with 30% reported against 40%: the milestone is missed from 07-01.
		s.clock.set(new Date('2020-07-02T02:00:00Z'));
		await runJob('daily', { ...s.deps, mailer: null }, new Date('2020-07-02T02:00:00Z'));
		expect(await lightsOf(behind)).toEqual(['milestone_missed:yellow']);
		const [missed] = await openAlerts(s.db, s.clock.today(), { indicatorIds: [behind] });
		expect(missed!.since).toBe('2020-07-01');
		expect(missed!.reason).toContain('2020-06 月度里程碑“第4阶段成果”未按期完成');
		expect(await lightsOf(onTrack)).toEqual([]);
	}, 60_000);
});
