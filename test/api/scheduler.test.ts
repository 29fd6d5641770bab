import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { manualClock } from '../../api/lib/clock.ts';
import { loadPlan2020 } from '../../api/services/setup.ts';
import { startScheduler } from '../../tasks/index.ts';
import { startTestServer } from '../support/harness.ts';
import { query } from '../../db/client.ts';

describe('scheduler', () => {
	it('catches up today’s daily round at start-up, once; a second start the same day runs nothing', async () => {
		const s = await startTestServer();
		await loadPlan2020({ ...s.deps, actor: null, ip: null });
		const clock = manualClock(new Date('2020-07-01T03:00:00Z'));
		const deps = { ...s.deps, clock, mailer: null };
		const stop = await startScheduler(deps);
		await stop();
		// The daily round's runs: the mail sender's every-minute schedule may also fire while a start is
		// catching up (the round runs on a worker thread, which takes a moment to start).
		const runs = () =>
			query<{ job: string; day: string; outcome: string }>(
				s.db,
				sql`select job, day, outcome from job_run where job = 'daily' order by id`
			);
		expect(await runs()).toEqual([{ job: 'daily', day: '2020-07-01', outcome: 'ok' }]);
		const [counts] = await query<{ counts: string }>(
			s.db,
			sql`select counts from job_run where job = 'daily'`
		);
		expect(JSON.parse(counts!.counts)).toMatchObject({ day: '2020-07-01', opened: expect.any(Number) });
		const stopAgain = await startScheduler(deps);
		await stopAgain();
		expect(await runs()).toHaveLength(1);
		clock.set(new Date('2020-07-02T03:00:00Z'));
		await (
			await startScheduler(deps)
		)();
		expect((await runs()).map((r) => r.day)).toEqual(['2020-07-01', '2020-07-02']);
		await s.close();
	});
});
