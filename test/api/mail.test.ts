import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smtpMailer } from '../../api/lib/mailer.ts';
import { loadPlan2020 } from '../../api/services/setup.ts';
import { openAlerts } from '../../api/services/alerts.ts';
import { runJob } from '../../tasks/index.ts';
import { importPlan, startTestServer, type Client, type TestServer } from '../support/harness.ts';
import { queuedMail, startSmtp } from '../support/smtp.ts';
import { query, withTransaction } from '../../db/client.ts';
import { outbox as outboxTable } from '../../db/schema/index.ts';

let s: TestServer;
let office: Client;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
beforeAll(async () => {
	s = await startTestServer({
		start: new Date('2020-06-01T02:00:00Z'),
		env: { SESSION_IDLE_MINUTES: '500000', SESSION_MAX_HOURS: '9000' }
	});
	office = await s.as('office', undefined, 'office@duban.test');
	smtp = await startSmtp();
});
afterAll(async () => {
	await smtp.stop();
	await s.close();
});

const morning = (day: string) => new Date(`${day}T06:00:00+08:00`);
const daily = async (day: string) =>
	(await runJob('daily', { ...s.deps, mailer: null }, morning(day))) as Promise<any>;
const outbox = async (like: string) =>
	await query<{
		id: number;
		recipient: string;
		subject: string;
		text: string;
		html: string;
		status: string;
		attempts: number;
	}>(s.db, sql`select * from outbox where recipient like ${like} order by id`);

describe('reminders', () => {
	it('report reminders go only to units without a submitted report, 5 and 1 day before the due day', async () => {
		s.clock.set(new Date('2020-06-20T02:00:00Z'));
		await importPlan(
			office,
			[
				['领域', '', '提醒任务', '提醒指标甲', '2020年12月底前', '省交通运输厅'],
				['领域', '', '提醒任务', '提醒指标乙', '2020年12月底前', '省邮政管理局']
			],
			2020,
			'2020-06-01'
		);
		const done = await s.as('unit', '省交通运输厅', 'jt@duban.test');
		await s.as('unit', '省邮政管理局', 'yz@duban.test');
		const form = (await done.get('/api/v1/reports/mine/2020-06')).data;
		await done.post('/api/v1/reports/mine/2020-06/submit', {
			revision: null,
			items: form.items.map((i: any) => ({
				indicatorId: i.indicatorId,
				progressStatus: 'on_track',
				progress: '已推进'
			}))
		});
		await daily('2020-06-25'); // 5 days before June 30
		await daily('2020-06-26'); // 4 days before: no report reminder
		await daily('2020-06-29'); // 1 day before
		const yz = await outbox('yz@duban.test');
		expect(yz.map((m) => m.subject)).toEqual([
			expect.stringContaining('【督办提醒】省邮政管理局 2020-06-25'),
			expect.stringContaining('【督办提醒】省邮政管理局 2020-06-29')
		]);
		expect(yz[0]!.text).toContain('2020-06 月报将于 2020-06-30 截止');
		expect(yz[0]!.text).toContain('还有 5 天');
		expect(await outbox('jt@duban.test')).toEqual([]);
	});

	it('an overdue indicator is reminded every 7 days and not in between; then the office digest asks for a notice', async () => {
		s.clock.set(new Date('2020-06-20T02:00:00Z'));
		const { ids } = await importPlan(office, [
			[
				'领域',
				'',
				'逾期任务',
				'逾期提醒指标',
				'2020年6月30日前',
				'省林业局测试'.replace('省林业局测试', '省农业农村厅')
			]
		]);
		await s.as('unit', '省农业农村厅', 'ny@duban.test');
		const overdueMails = async () =>
			(await outbox('ny@duban.test')).filter(
				(m) => m.text.includes('逾期提醒指标') && m.text.includes('已逾期')
			);
		for (let d = 1; d <= 15; d++) await daily(`2020-07-${String(d).padStart(2, '0')}`);
		expect((await overdueMails()).map((m) => m.subject.match(/2020-07-\d\d/)![0])).toEqual([
			'2020-07-01',
			'2020-07-08',
			'2020-07-15'
		]);
		expect((await overdueMails())[1]!.text).toContain('已逾期 8 天，尚未办结（第 2 次逾期提醒）');
		const officeMail = (await outbox('office@duban.test')).find((m) => m.subject.includes('2020-07-08'))!;
		expect(officeMail.subject).toMatch(/需督办 [1-9]/);
		expect(officeMail.text).toContain('建议发督办通知：省农业农村厅');
		expect(officeMail.text).toContain(`/notices?issue=1&unitId=`);
		expect(officeMail.text).toContain(`indicatorId=${ids['逾期提醒指标']}&level=red`);
		expect(
			(await outbox('office@duban.test')).find((m) => m.subject.includes('2020-07-07'))?.text ?? ''
		).not.toContain('建议发督办通知：省农业农村厅');
	});

	it('a second run of the same day sends nothing twice', async () => {
		const before = (await query<{ n: number }>(s.db, sql`select count(*) as n from outbox`))[0]!.n;
		const notes = (await query<{ n: number }>(s.db, sql`select count(*) as n from notification`))[0]!.n;
		const again = await daily('2020-07-15');
		expect(again).toMatchObject({ mails: 0, notifications: 0, opened: 0 });
		expect((await query<{ n: number }>(s.db, sql`select count(*) as n from outbox`))[0]!.n).toBe(before);
		expect((await query<{ n: number }>(s.db, sql`select count(*) as n from notification`))[0]!.n).toBe(notes);
	});

	it('the digest is Chinese, plain text and HTML, lists items with deadlines, lights and links; nothing to say, no mail', async () => {
		const [mail] = (await outbox('ny@duban.test')).filter((m) => m.subject.includes('2020-07-08'));
		expect(mail!.subject).toContain('（红灯');
		expect(mail!.text).toMatch(/【红灯】逾期任务：逾期提醒指标（截止 2020-06-30）/);
		expect(mail!.text).toContain(`${s.config.publicUrl}/indicators/`);
		expect(mail!.html).toContain('● 红灯');
		expect(mail!.html).toContain(
			'<td style="padding:6px 8px;border:1px solid #ddd;white-space:nowrap">2020-06-30</td>'
		);
		// 省交通运输厅 submitted its report and has no indicator near its date: no mail at all.
		expect(await outbox('jt@duban.test')).toEqual([]);
	});

	it('the bell shows a unit user its unread count, and marking read clears it', async () => {
		const unit = await s.as('unit', '省农业农村厅');
		await daily('2020-07-22');
		const bell = (await unit.get('/api/v1/notifications?unread=1')).data;
		expect(bell.unread).toBeGreaterThan(0);
		expect(bell.items[0]).toMatchObject({ light: 'red', link: expect.stringMatching(/^\/indicators\/\d+$/) });
		await unit.post(`/api/v1/notifications/${bell.items[0].id}/read`);
		expect((await unit.get('/api/v1/notifications')).data.unread).toBe(bell.unread - 1);
		await unit.post('/api/v1/notifications/read-all');
		expect((await unit.get('/api/v1/notifications')).data.unread).toBe(0);
	});

	it('a red urge notice is mailed to the unit at once', async () => {
		s.clock.set(new Date('2020-07-23T02:00:00Z'));
		await s.as('unit', '省应急管理厅', 'yj@duban.test');
		const { ids } = await importPlan(office, [
			['领域', '', '督办任务', '督办邮件指标', '2020年6月30日前', '省应急管理厅']
		]);
		const unitId = (await office.get('/api/v1/units')).data.items.find(
			(u: any) => u.name === '省应急管理厅'
		).id;
		const notice = await office.post('/api/v1/notices', {
			unitId,
			indicatorIds: [ids['督办邮件指标']],
			level: 'red',
			message: '请于本周内完成'
		});
		const [mail] = await outbox('yj@duban.test');
		expect(mail!.subject).toBe(`【督办提醒·紧急】省应急管理厅 ${notice.data.number} 红色督办通知`);
		expect(mail!.text).toContain('请于本周内完成');
	});
});

describe('sending through SMTP', () => {
	it('SMTP down: mails stay queued, are retried with backoff, and arrive exactly once when it is back', async () => {
		const queued = (
			await query<{ n: number }>(s.db, sql`select count(*) as n from outbox where status = 'queued'`)
		)[0]!.n;
		expect(queued).toBeGreaterThan(3);
		const mailer = smtpMailer(smtp.url)!;
		const send = async (at: Date) => (await runJob('send-mail', { ...s.deps, mailer }, at)) as Promise<any>;
		await smtp.stop();
		const t0 = new Date('2020-07-24T02:00:00Z');
		const down = await send(t0);
		expect(down).toMatchObject({ sent: 0, retried: queued, failed: 0 });
		// Before the backoff has passed nothing is tried again.
		expect(await send(new Date(t0.getTime() + 30_000))).toMatchObject({ sent: 0, retried: 0 });
		await smtp.start();
		const up = await send(new Date(t0.getTime() + 61_000));
		expect(up).toMatchObject({ sent: queued, retried: 0, failed: 0, queued: 0 });
		expect(await send(new Date(t0.getTime() + 3_600_000))).toMatchObject({ sent: 0 });
		const ids = smtp.received.map((m) => m.messageId);
		expect(new Set(ids).size).toBe(queued);
		const stored = (
			await query<{ message_id: string }>(s.db, sql`select message_id from outbox where status = 'sent'`)
		).map((r) => r.message_id);
		for (const id of ids) expect(stored).toContain(id);
		const digest = smtp.received.find((m) => m.subject?.includes('省农业农村厅'))!;
		expect(digest.text).toContain('已逾期');
		expect(digest.html).toContain('红灯');
		mailer.close();
	});

	it('two senders at once (the minute’s round beside a catch-up, 立即发送 beside the round) send each mail once', async () => {
		const at = new Date('2020-08-10T02:00:00Z');
		const keys = Array.from({ length: 6 }, (_, i) => `twice-${i}`);
		await withTransaction({ db: s.db }, ({ db }) =>
			db.insert(outboxTable).values(queuedMail(keys, 'twice@example.test', at))
		);
		const mailer = smtpMailer(smtp.url)!;
		const before = smtp.received.length;
		await Promise.all([
			runJob('send-mail', { ...s.deps, mailer }, at),
			runJob('send-mail', { ...s.deps, mailer }, at)
		]);
		const ids = smtp.received.slice(before).map((m) => m.messageId);
		expect(ids.filter((id) => id?.startsWith('<twice-')).sort()).toEqual(keys.map((k) => `<${k}@duban>`));
		expect((await outbox('twice@%')).map((m) => m.status)).toEqual(keys.map(() => 'sent'));
		mailer.close();
	});

	it('after the last attempt a mail is marked failed and shows in the admin’s mail log, who can retry it', async () => {
		s.clock.set(new Date('2020-07-27T02:00:00Z'));
		await daily('2020-07-29');
		const mailer = smtpMailer(smtp.url)!;
		smtp.refuse(true);
		let at = new Date('2020-07-29T01:00:00Z').getTime();
		for (let i = 0; i < 6; i++) {
			await runJob('send-mail', { ...s.deps, mailer }, new Date(at));
			at += 7 * 3_600_000;
		}
		smtp.refuse(false);
		const admin = await s.as('admin');
		const failed = (await admin.get('/api/v1/mail?status=failed')).data;
		expect(failed.total).toBeGreaterThan(0);
		expect(failed.items[0]).toMatchObject({ attempts: 6, lastError: expect.stringContaining('451') });
		const retried = await admin.post(`/api/v1/mail/${failed.items[0].id}/retry`);
		expect(retried.data.status).toBe('queued');
		const before = smtp.received.length;
		await runJob('send-mail', { ...s.deps, mailer }, new Date(at));
		expect(smtp.received.length).toBeGreaterThan(before);
		expect((await office.get('/api/v1/mail')).status).toBe(403);
		mailer.close();
	});
});

describe('replaying 2020', () => {
	it('over a fresh init with no reports or completions, on 2020-07-01 exactly the indicators due by 06-30 are red, for each accountable unit', async () => {
		const fresh = await startTestServer();
		const ctx = { ...fresh.deps, actor: null, ip: null };
		await loadPlan2020(ctx);
		for (const day of ['2020-06-29', '2020-06-30', '2020-07-01']) {
			await runJob('daily', { ...fresh.deps, mailer: null }, new Date(`${day}T06:00:00+08:00`));
		}
		const red = (await openAlerts(fresh.db, '2020-07-01')).filter((a) => a.kind === 'overdue');
		// The lead of a joint indicator, every unit of an each-owes one; co-units of a joint one support.
		const expected = await query<{ indicator_id: number; unit_id: number }>(
			fresh.db,
			sql`select a.indicator_id, a.unit_id from assignment a join indicator i on i.id = a.indicator_id
				where i.due_on <= '2020-06-30' and (i.kind = 'each' or a.role = 'lead') order by 1, 2`
		);
		expect(
			red
				.filter((a) => a.unit)
				.map((a) => [a.indicator!.id, a.unit!.id])
				.sort((x, y) => x[0]! - y[0]! || x[1]! - y[1]!)
		).toEqual(expected.map((e) => [e.indicator_id, e.unit_id]));
		expect(red.every((a) => a.light === 'red' && a.indicator!.dueOn! <= '2020-06-30')).toBe(true);
		expect(expected.length).toBeGreaterThan(10);
		await fresh.close();
	});
});
