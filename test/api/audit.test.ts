import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { archiveAudit, verifyAuditChain } from '../../api/services/audit.ts';
import { importPlan, startTestServer } from '../support/harness.ts';
import { query, execute, withTransaction } from '../../db/client.ts';
import { failureOf, rawWrite } from '../support/database.ts';
import { smtpMailer } from '../../api/lib/mailer.ts';
import { runJob } from '../../tasks/index.ts';
import { startSmtp } from '../support/smtp.ts';
import { actorText } from '../../web/src/lib/rules/jobs.ts';

describe('audit log', () => {
	it('records sign-ins and changes in a hash chain that the database keeps append-only', async () => {
		const s = await startTestServer();
		const office = await s.as('office');
		await s.anonymous().post('/api/v1/auth/login', { username: 'nobody', password: 'wrong-password' });
		await importPlan(office, [['领域', '', '审计任务', '审计指标', '2020年6月底前', '省大数据局']]);
		const rows = await query<{ action: string; result: string; username: string | null }>(
			s.db,
			sql`select action, result, username from audit_log order by id`
		);
		expect(rows).toEqual(
			expect.arrayContaining([
				{ action: 'auth.login', result: 'ok', username: expect.any(String) },
				{ action: 'auth.login', result: 'failed', username: 'nobody' },
				{ action: 'plan.import', result: 'ok', username: expect.any(String) }
			])
		);
		expect(await verifyAuditChain(s.db)).toMatchObject({ ok: true, rows: rows.length });

		expect(await failureOf(rawWrite(s.db, sql`update audit_log set action = 'x' where id = 1`))).toMatch(
			/append-only/
		);
		expect(await failureOf(rawWrite(s.db, sql`delete from audit_log where id = 1`))).toMatch(/append-only/);

		// Someone with the file drops the trigger and edits a row: verification names that row.
		await withTransaction(s, async ({ db }) => {
			// (PostgreSQL names a trigger with its table.)
			await execute(
				db,
				sql`drop trigger audit_log_no_update${s.dialect === 'postgres' ? sql` on audit_log` : sql``}`
			);
			await execute(
				db,
				sql`update audit_log set result = 'ok' where action = 'auth.login' and result = 'failed'`
			);
		});
		const broken = (
			await query<{ id: number }>(
				s.db,
				sql`select id from audit_log where action = 'auth.login' and username = 'nobody'`
			)
		)[0]!.id;
		expect(await verifyAuditChain(s.db)).toMatchObject({
			ok: false,
			firstBroken: { id: broken, reason: expect.stringContaining('被修改') }
		});
		await s.close();
	});

	it('archives old rows to a file first; the rows kept still verify', async () => {
		const s = await startTestServer({ start: new Date('2020-01-01T02:00:00Z') });
		await s.as('office');
		await s.as('leader');
		s.clock.set(new Date('2020-09-01T02:00:00Z'));
		await s.as('office');
		const total = (await query<{ n: number }>(s.db, sql`select count(*) as n from audit_log`))[0]!.n;
		let archived = '';
		const n = await archiveAudit(s.db, new Date('2020-06-01T00:00:00Z'), (lines) => (archived = lines));
		expect(n).toBeGreaterThan(0);
		expect(archived.trim().split('\n')).toHaveLength(n);
		expect((await query<{ n: number }>(s.db, sql`select count(*) as n from audit_log`))[0]!.n).toBe(
			total - n
		);
		expect(await verifyAuditChain(s.db)).toMatchObject({ ok: true, rows: total - n });
		expect(await failureOf(rawWrite(s.db, sql`delete from audit_log`))).toMatch(/append-only/);
		await s.close();
	});

	it('a job’s writes are audited as the system running it: system:<job>, shown as 系统：每日巡检', async () => {
		const s = await startTestServer({ start: new Date('2020-06-20T02:00:00Z') });
		const office = await s.as('office');
		await importPlan(office, [['领域', '', '审计任务', '逾期指标', '2020年6月底前', '省大数据局']]);
		await s.as('unit', '省大数据局', 'dsj@example.test');
		const smtp = await startSmtp();
		const mailer = smtpMailer(smtp.url)!;
		try {
			await runJob('daily', { ...s.deps, mailer: null }, new Date('2020-07-01T06:00:00+08:00'));
			await runJob('send-mail', { ...s.deps, mailer }, new Date('2020-07-01T06:01:00+08:00'));
		} finally {
			mailer.close();
			await smtp.stop();
		}
		expect(smtp.received.length).toBeGreaterThan(0);
		const rows = await query<{ action: string; username: string; user_id: number | null; after: string }>(
			s.db,
			sql`select action, username, user_id, after from audit_log where username like 'system:%' order by id`
		);
		expect(rows.map((r) => [r.username, r.action, r.user_id])).toEqual([
			['system:daily', 'alert.evaluate', null],
			['system:daily', 'mail.reminders', null],
			['system:send-mail', 'mail.send', null]
		]);
		expect(JSON.parse(rows[0]!.after)).toMatchObject({ day: '2020-07-01', opened: expect.any(Number) });
		expect(JSON.parse(rows[1]!.after)).toMatchObject({ day: '2020-07-01', mails: smtp.received.length });
		expect(JSON.parse(rows[2]!.after)).toMatchObject({ sent: expect.any(Array), failed: [] });
		expect(await verifyAuditChain(s.db)).toMatchObject({ ok: true });

		// The auditor finds them by that name.
		const auditor = await s.as('auditor');
		const found = await auditor.get('/api/v1/audit?username=system%3Adaily&page=1&pageSize=20');
		expect(found.status).toBe(200);
		expect(found.data.items.map((r: any) => [r.username, r.action])).toEqual([
			['system:daily', 'mail.reminders'],
			['system:daily', 'alert.evaluate']
		]);
		expect(found.data.items.map((r: any) => actorText(r.username))).toEqual([
			'系统：每日巡检',
			'系统：每日巡检'
		]);
		expect(actorText(auditor.username)).toBe(auditor.username);
		await s.close();
	});
});
