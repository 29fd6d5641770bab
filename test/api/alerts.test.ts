import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lightRowsOn, openAlerts } from '../../api/services/alerts.ts';
import { runJob } from '../../tasks/index.ts';
import { importPlan, startTestServer, type Client, type TestServer } from '../support/harness.ts';
import { query } from '../../db/client.ts';

let s: TestServer;
let office: Client;
beforeAll(async () => {
	s = await startTestServer({
		start: new Date('2020-06-01T02:00:00Z'),
		env: { SESSION_IDLE_MINUTES: '500000', SESSION_MAX_HOURS: '9000' }
	});
	office = await s.as('office');
});
afterAll(() => s.close());

const daily = async (at: string) =>
	(await runJob('daily', { ...s.deps, mailer: null }, new Date(at))) as Promise<any>;
const alertsOf = async (indicatorId: number) =>
	(await openAlerts(s.db, s.clock.today(), { indicatorIds: [indicatorId] })).map(
		(a) => `${a.unit?.name}:${a.kind}:${a.light}`
	);

describe('warning lights', () => {
	it('a due date is the whole day in Asia/Shanghai, with the process in UTC', async () => {
		expect(process.env.TZ).toBe('UTC');
		const { ids } = await importPlan(office, [
			['领域', '', '边界任务', '边界指标', '2020年6月30日前', '省财政厅']
		]);
		const id = ids['边界指标']!;
		// 23:30 on June 30 in Shanghai is 15:30 UTC the same day: still due, yellow.
		await daily('2020-06-30T15:30:00Z');
		expect(await alertsOf(id)).toEqual(['省财政厅:due_soon:yellow']);
		// 00:30 on July 1 in Shanghai is still June 30 in UTC: overdue, red.
		await daily('2020-06-30T16:30:00Z');
		expect(await alertsOf(id)).toEqual(['省财政厅:overdue:red']);
		const [red] = await openAlerts(s.db, '2020-07-01', { indicatorIds: [id] });
		expect(red).toMatchObject({
			since: '2020-07-01',
			reason: '已超过完成时限 2020-06-30（逾期 1 天），尚未办结'
		});
	});

	it('any earlier day’s lights are one query over the lights’ real dates', async () => {
		const lit = async (day: string) =>
			(await lightRowsOn(s.db, day)).map((r) => `${r.kind}|${r.indicatorId}|${r.unitId}|${r.period}`).sort();
		expect(await lit('2020-07-01')).toEqual(
			(await openAlerts(s.db, '2020-07-01'))
				.map((a) => `${a.kind}|${a.indicator?.id ?? null}|${a.unit?.id ?? null}|${a.period}`)
				.sort()
		);
		// On June 30 the boundary indicator was yellow (due soon), not yet red.
		expect((await lit('2020-06-30')).some((r) => r.startsWith('overdue|'))).toBe(false);
		expect((await lit('2020-06-30')).some((r) => r.startsWith('due_soon|'))).toBe(true);
	});

	it('a second run on the same day changes nothing', async () => {
		const before = await query(
			s.db,
			sql`select id, open_key, params, since, resolved_on from alert order by id`
		);
		const events = (await query<{ n: number }>(s.db, sql`select count(*) as n from alert_event`))[0]!.n;
		const again = await daily('2020-06-30T20:00:00Z');
		expect(again).toMatchObject({ opened: 0, resolved: 0, changed: 0 });
		expect(
			await query(s.db, sql`select id, open_key, params, since, resolved_on from alert order by id`)
		).toEqual(before);
		expect((await query<{ n: number }>(s.db, sql`select count(*) as n from alert_event`))[0]!.n).toBe(events);
	});

	it('a recurring monthly indicator is never overdue by its dates; its months are judged by the reports', async () => {
		const { ids } = await importPlan(office, [
			['领域', '', '月报任务', '每月底前上报当月工作完成情况', '每月底前', '省体育局']
		]);
		await daily('2020-08-15T02:00:00Z');
		expect(await alertsOf(ids['每月底前上报当月工作完成情况']!)).toEqual([]);
		const missing = (await openAlerts(s.db, '2020-08-15')).filter(
			(a) => a.unit?.name === '省体育局' && a.kind === 'report_missing'
		);
		expect(missing.map((a) => a.period)).toContain('2020-07');
	});

	it('an approved extension turns red into yellow at once; a completion resolves the alerts', async () => {
		s.clock.set(new Date('2020-07-02T02:00:00Z'));
		const { ids } = await importPlan(office, [
			['领域', '', '延期任务', '延期指标', '2020年6月底前', '省商务厅']
		]);
		const id = ids['延期指标']!;
		await daily('2020-07-02T02:00:00Z');
		expect(await alertsOf(id)).toEqual(['省商务厅:overdue:red']);
		const unit = await s.as('unit', '省商务厅');
		const ext = await unit.post('/api/v1/requests', {
			kind: 'extension',
			indicatorId: id,
			newDueOn: '2020-07-10',
			statement: '需要更多时间'
		});
		await office.post(`/api/v1/requests/${ext.data.id}/decide`, { approve: true });
		// In the decision's own transaction, not at the next daily round.
		expect(await alertsOf(id)).toEqual(['省商务厅:due_soon:yellow']);
		const view = (await office.get(`/api/v1/indicators/${id}`)).data;
		expect(view.light).toBe('yellow');
		const done = await unit.post('/api/v1/requests', {
			kind: 'completion',
			indicatorId: id,
			statement: '已完成'
		});
		await office.post(`/api/v1/requests/${done.data.id}/decide`, { approve: true });
		// The lights go out with the sign-off, before the next evaluation; that one finds nothing left.
		expect(await alertsOf(id)).toEqual([]);
		await daily('2020-07-02T04:00:00Z');
		expect(await alertsOf(id)).toEqual([]);
		const events = await query<{ event: string; cause: string; on: string }>(
			s.db,
			sql`select e.event, e.cause, e."on" from alert_event e join alert a on a.id = e.alert_id where a.indicator_id = ${id} order by e.id`
		);
		expect(events.at(-1)).toEqual({ event: 'resolved', cause: '{"cause":"signed_off"}', on: '2020-07-02' });
		// On-time statistics keep the original due date (06-30), whatever the extension.
		expect((await office.get(`/api/v1/indicators/${id}`)).data.light).toBe('completed_late');
		const history = (await office.get(`/api/v1/alerts?indicatorId=${id}`)).data.items;
		expect(history).toEqual([]);
	});

	it('reported progress behind the time-proportional expectation, or reported 滞后, is yellow with the numbers', async () => {
		s.clock.set(new Date('2020-07-05T02:00:00Z'));
		const { ids } = await importPlan(office, [
			['领域', '', '序时任务', '日活跃用户数达到120万', '2020年12月底前', '省民政厅'],
			['领域', '', '序时任务', '自报滞后的指标', '2020年12月底前', '省民政厅']
		]);
		const unit = await s.as('unit', '省民政厅');
		const form = (await unit.get('/api/v1/reports/mine/2020-06')).data;
		const items = form.items.map((i: any) => ({
			indicatorId: i.indicatorId,
			progressStatus: i.indicatorId === ids['自报滞后的指标'] ? 'behind' : 'on_track',
			percent: 50,
			progress: '进展',
			values: i.targets.map((t: any) => ({ targetId: t.id, value: 30 })) // 30万 of 120万
		}));
		await unit.post('/api/v1/reports/mine/2020-06/submit', { revision: null, items });
		await daily('2020-07-05T02:00:00Z');
		const behind = await openAlerts(s.db, '2020-07-05', { indicatorIds: [ids['日活跃用户数达到120万']!] });
		expect(behind).toEqual([expect.objectContaining({ kind: 'behind_schedule', light: 'yellow' })]);
		expect(behind[0]!.reason).toMatch(
			/^序时进度 5\d%，日活跃用户数（30 万 \/ 120 万）实际 25%，落后 \d+ 个百分点$/
		);
		expect(await alertsOf(ids['自报滞后的指标']!)).toEqual(['省民政厅:reported_behind:yellow']);
	});

	it('a unit sees only its own unit’s alerts', async () => {
		const unit = await s.as('unit', '省商务厅');
		const items = (await unit.get('/api/v1/alerts')).data.items;
		expect(items.length).toBeGreaterThan(0);
		expect(items.every((a: any) => a.unit?.name === '省商务厅')).toBe(true);
	});
});
