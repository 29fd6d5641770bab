import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importPlan, startTestServer, type TestServer } from '../support/harness.ts';
import { plan2020Rows } from '../support/tables.ts';

// One export at a time and one waiting: the third of a burst is turned away at once.
let s: TestServer;
beforeAll(async () => {
	s = await startTestServer({ env: { HEAVY_JOBS: '1', HEAVY_QUEUE: '1' } });
});
afterAll(() => s.close());

describe('the bounded line in front of imports, exports and documents', () => {
	it('answers 503 with Retry-After and a stable code when full, serves the admitted ones, and admits again later', async () => {
		const office = await s.as('office');
		const { planId } = await importPlan(office, plan2020Rows());
		const burst = await Promise.all(
			Array.from({ length: 5 }, () => office.get(`/api/v1/plans/${planId}/export?format=xlsx`))
		);
		const statuses = burst.map((r) => r.status).sort();
		expect(statuses).toEqual([200, 200, 503, 503, 503]);
		const refused = burst.find((r) => r.status === 503)!;
		expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
		expect(refused.data.error).toMatchObject({
			code: 'service_unavailable',
			details: { reason: 'heavy_work_queue_full' }
		});
		expect(refused.data.error.message).toMatch(/^系统正忙.*请 \d+ 秒后再试$/);
		// Reads that are not heavy are never in that line.
		expect((await office.get(`/api/v1/plans/${planId}`)).status).toBe(200);
		expect((await office.get(`/api/v1/plans/${planId}/export?format=csv`)).status).toBe(200);
	});
});
