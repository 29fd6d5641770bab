import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { loadDemoHistory } from '../../api/services/demo-history.ts';
import { createDemoAccounts, loadPlan2020 } from '../../api/services/setup.ts';
import { startTestServer } from '../support/harness.ts';
import { query } from '../../db/client.ts';
import { addDays } from '../../api/lib/dates.ts';
import { testDialect } from '../support/database.ts';

/** A short demo history (to mid-April) is enough to see it is deterministic and marked as demo data. */
async function demoDatabase() {
	const s = await startTestServer();
	const ctx = { ...s.deps, actor: null, ip: null };
	await loadPlan2020(ctx);
	await createDemoAccounts(ctx);
	const counts = await loadDemoHistory(ctx, '2020-04-15');
	const rows = await query(
		s.db,
		sql`select r.period, u.name, r.status, r.late, r.submitted_at, count(i.id) as items from report r join unit u on u.id = r.unit_id left join report_item i on i.report_id = r.id group by r.id, u.id order by r.id`
	);
	// The overdue lights the demo's own daily rounds lit, with their indicators' due dates.
	const overdue = await query<{ dueOn: string; since: string }>(
		s.db,
		sql`select distinct i.due_on as "dueOn", al.since from alert al join indicator i on i.id = al.indicator_id
			where al.kind = 'overdue' order by al.since`
	);
	const again = await loadDemoHistory(ctx, '2020-04-15');
	const demoDate = (
		await query<{ value: string }>(s.db, sql`select value from setting where key = 'demoDate'`)
	)[0]?.value;
	await s.close();
	return { counts, rows, again, demoDate, overdue };
}

describe('demo history', () => {
	it(
		'is the same on every run, has on-time, late and missing reports, and loads only once',
		async () => {
			const a = await demoDatabase();
			const b = await demoDatabase();
			expect(a.rows).toEqual(b.rows);
			expect({ ...a.counts, ms: 0 }).toEqual({ ...b.counts, ms: 0 });
			expect(a.counts!.reports).toBeGreaterThan(100);
			expect(a.counts!.late).toBeGreaterThan(0);
			expect(a.counts!.missing).toBeGreaterThan(0);
			expect(a.again).toBeNull();
			expect(JSON.parse(a.demoDate!)).toBe('2020-04-15');
			// Made through the services on the simulated clock: each light is dated the day after its due
			// date (the February indicator's since 03-01), not the day the demo was loaded.
			expect(a.overdue.length).toBeGreaterThan(0);
			for (const { dueOn, since } of a.overdue) expect(since).toBe(addDays(dueOn, 1));
			// Two demo histories: on PostgreSQL each statement is a round trip to the server.
		},
		testDialect === 'postgres' ? 300_000 : 120_000
	);
});
