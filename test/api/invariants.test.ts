import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importPlan, startTestServer, type Client, type TestServer } from '../support/harness.ts';

/** What the schema holds even when requests arrive at once (migration 0011). */
let s: TestServer;
let office: Client;
beforeAll(async () => {
	s = await startTestServer({ start: new Date('2020-05-10T02:00:00Z') });
	office = await s.as('office');
});
afterAll(() => s.close());

describe('invariants under concurrent writes', () => {
	it('six urge notices issued at once get six distinct numbers', async () => {
		const { ids } = await importPlan(office, [
			['领域', '', '并发任务', '并发指标', '2020年4月底前', '省民政厅']
		]);
		const unitId = (await office.get('/api/v1/units')).data.items.find((u: any) => u.name === '省民政厅').id;
		const issued = await Promise.all(
			Array.from({ length: 6 }, () =>
				office.post('/api/v1/notices', {
					unitId,
					indicatorIds: [ids['并发指标']],
					level: 'red',
					message: '请尽快完成'
				})
			)
		);
		expect(issued.map((r) => r.status)).toEqual(Array(6).fill(201));
		expect(new Set(issued.map((r) => r.data.number)).size).toBe(6);
	});

	it('a second pending request for the same indicator and unit is refused with the usual key', async () => {
		const { ids } = await importPlan(office, [
			['领域', '', '申请任务', '申请指标', '2020年12月底前', '省民政厅']
		]);
		const unit = await s.as('unit', '省民政厅');
		const ask = () =>
			unit.post('/api/v1/requests', {
				kind: 'completion',
				indicatorId: ids['申请指标'],
				statement: '已完成'
			});
		const answers = await Promise.all([ask(), ask(), ask()]);
		expect(answers.map((r) => r.status).sort()).toEqual([201, 409, 409]);
		expect(answers.find((r) => r.status === 409)!.data.error.key).toBe('request.pending_completion');
	});
});
