import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smtpMailer } from '../../api/lib/mailer.ts';
import { runJob } from '../../tasks/index.ts';
import {
	csvTable,
	importForm,
	planTitle,
	SAMPLE_FILES,
	startTestServer,
	uploadForm,
	type Client,
	type TestServer
} from '../support/harness.ts';
import { startSmtp } from '../support/smtp.ts';
import { query } from '../../db/client.ts';

let s: TestServer;
let office: Client;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
beforeAll(async () => {
	s = await startTestServer({
		start: new Date('2020-06-01T02:00:00Z'),
		env: { SESSION_IDLE_MINUTES: '500000', SESSION_MAX_HOURS: '9000' }
	});
	office = await s.as('office', undefined, 'office-n@duban.test');
	smtp = await startSmtp();
});
afterAll(async () => {
	await smtp.stop();
	await s.close();
});

const at = (iso: string) => s.clock.set(new Date(iso));
const morning = (day: string) => new Date(`${day}T06:00:00+08:00`);
const daily = async (day: string) =>
	(await runJob('daily', { ...s.deps, mailer: null }, morning(day))) as Promise<any>;
const mailTo = async (address: string) =>
	await query<{ subject: string; text: string }>(
		s.db,
		sql`select subject, text from outbox where recipient = ${address} order by id`
	);

let seq = 0;
/** A plan on fresh units (created by the import), so no other test's data reaches their bell or mail. */
async function plan(rows: [task: string, indicator: string, deadline: string, units: string][]) {
	const res = await office.post(
		'/api/v1/imports',
		importForm(csvTable(rows.map((r) => ['领域', '', ...r])), {
			title: planTitle(),
			year: '2020',
			issuedOn: '2020-01-01',
			createUnits: '1'
		})
	);
	expect(res.status, JSON.stringify(res.data)).toBe(200);
	const list = (await office.get(`/api/v1/indicators?planId=${res.data.planId}&pageSize=500`)).data;
	const ids: Record<string, number> = {};
	for (const item of list.items) ids[item.text] = item.id;
	return ids;
}
/** A fresh unit with one user (with a mail address) signed in. */
async function freshUnit(prefix: string) {
	const name = `${prefix}${++seq}单位`;
	return { name, email: `u${seq}@notify.test` };
}
const unitIdOf = async (name: string) =>
	(await office.get('/api/v1/units')).data.items.find((u: any) => u.name === name).id as number;
const bell = async (c: Client) => (await c.get('/api/v1/notifications')).data;
const fill = (form: any) =>
	form.items.map((i: any) => ({
		indicatorId: i.indicatorId,
		progressStatus: 'on_track',
		progress: '已推进'
	}));

describe('a unit hears of every decision on its work', () => {
	it('the office returns a report: the bell shows it at once with the reasons; the next digest mail carries it', async () => {
		at('2020-06-10T02:00:00Z');
		const u = await freshUnit('退回');
		const ids = await plan([['退回任务', '退回指标甲', '2020年12月底前', u.name]]);
		const unit = await s.as('unit', u.name, u.email);
		const form = (await unit.get('/api/v1/reports/mine/2020-06')).data;
		const sent = await unit.post('/api/v1/reports/mine/2020-06/submit', { version: null, items: fill(form) });
		const res = await office.post(`/api/v1/reports/${sent.data.report.id}/return`, {
			reason: '请补充量化数据',
			items: [{ indicatorId: ids['退回指标甲'], reason: '进展描述过于简单' }]
		});
		expect(res.status).toBe(200);

		const now = await bell(unit);
		expect(now.unread).toBe(1);
		expect(now.items[0]).toMatchObject({
			title: '2020-06 月报被退回，请修改后重新报送',
			light: 'red',
			link: '/workspace?period=2020-06'
		});
		expect(now.items[0].body).toContain('退回原因：请补充量化数据');
		expect(now.items[0].body).toContain('退回指标甲：进展描述过于简单');
		// Twenty days before the due day: not urgent, so no mail until the digest.
		expect(await mailTo(u.email)).toEqual([]);

		await daily('2020-06-11');
		const [digest] = await mailTo(u.email);
		// Its months without a report (January to May) are reminded in the same digest.
		expect(digest!.subject).toMatch(
			new RegExp(`^【督办提醒】${u.name} 2020-06-11 待办 \\d+ 项，新消息 1 条`)
		);
		expect(digest!.text).toContain('2020-06 月报被退回，请修改后重新报送');
		expect(digest!.text).toContain('进展描述过于简单');
		// It is mailed once: the next digest does not carry it again.
		await daily('2020-06-12');
		expect((await mailTo(u.email))[1]!.subject).not.toContain('新消息');
		expect((await mailTo(u.email))[1]!.text).not.toContain('月报被退回');

		// Through the real SMTP server, as the unit receives it.
		const mailer = smtpMailer(smtp.url)!;
		await runJob('send-mail', { ...s.deps, mailer }, new Date('2020-06-12T01:00:00Z'));
		mailer.close();
		const received = smtp.received.find((m) => m.subject?.includes(`${u.name} 2020-06-11`));
		expect(received?.text).toContain('退回原因：请补充量化数据');
	});

	it('a return close to the reporting deadline is mailed at once; an acceptance reaches the bell', async () => {
		at('2020-06-29T02:00:00Z');
		const u = await freshUnit('临期');
		await plan([['临期任务', '临期指标', '2020年12月底前', u.name]]);
		const unit = await s.as('unit', u.name, u.email);
		const form = (await unit.get('/api/v1/reports/mine/2020-06')).data;
		const sent = await unit.post('/api/v1/reports/mine/2020-06/submit', { version: null, items: fill(form) });
		await office.post(`/api/v1/reports/${sent.data.report.id}/return`, { reason: '数据有误' });
		const [mail] = await mailTo(u.email);
		expect(mail!.subject).toBe(`【督办提醒·紧急】${u.name} 2020-06 月报被退回，请修改后重新报送`);
		expect(mail!.text).toContain('退回原因：数据有误');

		const again = (await unit.get('/api/v1/reports/mine/2020-06')).data;
		await unit.post('/api/v1/reports/mine/2020-06/submit', {
			revision: again.report.revision,
			items: fill(again)
		});
		await office.post(`/api/v1/reports/${sent.data.report.id}/accept`);
		expect((await bell(unit)).items[0]).toMatchObject({ title: '2020-06 月报已审核通过', light: null });
	});

	it('requests approved or rejected, with the office’s note; an extension tells the co-units of the new date', async () => {
		at('2020-07-02T02:00:00Z');
		const lead = await freshUnit('申请牵头');
		const co = await freshUnit('申请配合');
		const ids = await plan([
			['申请任务', '办结指标', '2020年6月底前', lead.name],
			['申请任务', '延期指标', '2020年9月底前', `${lead.name}、${co.name}`],
			['申请任务', '驳回指标', '2020年9月底前', lead.name]
		]);
		const unit = await s.as('unit', lead.name, lead.email);
		const coUser = await s.as('unit', co.name);
		const ask = async (kind: string, text: string, extra = {}) =>
			(
				await unit.post('/api/v1/requests', {
					kind,
					indicatorId: ids[text],
					statement: '说明',
					...extra
				})
			).data.id;

		// The overdue reminder for 办结指标 is in the bell until the indicator is signed off.
		await daily('2020-07-01');
		const reminder = (await bell(unit)).items.find((n: any) => n.title.includes('办结指标'));
		expect(reminder).toMatchObject({ light: 'red' });

		await office.post(`/api/v1/requests/${await ask('completion', '办结指标')}/decide`, {
			approve: true,
			note: '材料齐全'
		});
		await office.post(
			`/api/v1/requests/${await ask('extension', '延期指标', { newDueOn: '2020-11-30' })}/decide`,
			{
				approve: true
			}
		);
		await office.post(
			`/api/v1/requests/${await ask('extension', '驳回指标', { newDueOn: '2020-12-31' })}/decide`,
			{
				approve: false,
				note: '理由不充分'
			}
		);
		const items = (await bell(unit)).items;
		const titled = (part: string) => items.find((n: any) => n.title.includes(part));
		expect(titled('办结申请已批准：办结指标')?.body).toBe('联席办意见：材料齐全');
		expect(titled('延期申请已批准：延期指标')?.body).toContain('截止日期调整为 2020-11-30');
		expect(titled('延期申请未同意：驳回指标')).toMatchObject({
			body: '联席办意见：理由不充分',
			light: 'yellow'
		});
		// The closed indicator's reminder is withdrawn from the bell, not just left unread.
		expect(items.some((n: any) => n.id === reminder.id)).toBe(false);
		expect(
			(
				await query<{ w: number | null }>(
					s.db,
					sql`select withdrawn_at as w from notification where id = ${reminder.id}`
				)
			)[0]!.w
		).not.toBeNull();

		const coItems = (await bell(coUser)).items;
		expect(coItems[0]).toMatchObject({ title: '计划调整：截止日期调整为 2020-11-30' });
		expect(coItems[0].body).toContain('延期指标（原截止 2020-09-30）');
	});

	it('a placeholder resolved to the unit, and urge notices: blue in the digest, red mailed at once', async () => {
		at('2020-07-06T02:00:00Z');
		const u = await freshUnit('明确');
		const ids = await plan([['明确任务', '待明确指标', '2020年10月底前', `${u.name}、省级有关单位`]]);
		const other = await freshUnit('被明确');
		await plan([['其他任务', '其他指标', '2020年12月底前', other.name]]);
		const otherUser = await s.as('unit', other.name, other.email);
		const group = (await office.get('/api/v1/units/groups')).data.items.find(
			(g: any) => g.name === '省级有关单位'
		);
		const otherId = await unitIdOf(other.name);
		await office.post(`/api/v1/indicators/${ids['待明确指标']}/resolve-group`, {
			groupId: group.id,
			unitIds: [otherId]
		});
		expect((await bell(otherUser)).items[0]).toMatchObject({
			title: '计划调整：新增配合任务',
			body: expect.stringContaining('待明确指标（截止 2020-10-31）'),
			link: `/indicators/${ids['待明确指标']}`
		});

		const blue = await office.post('/api/v1/notices', {
			unitId: otherId,
			indicatorIds: [ids['待明确指标']],
			level: 'blue',
			message: '请关注进度'
		});
		expect(await mailTo(other.email)).toEqual([]);
		expect((await bell(otherUser)).items[0]).toMatchObject({
			title: `${blue.data.number} 蓝色督办通知`,
			link: `/notices?notice=${blue.data.id}`
		});
		const red = await office.post('/api/v1/notices', {
			unitId: otherId,
			indicatorIds: [ids['待明确指标']],
			level: 'red',
			message: '请立即办理'
		});
		expect((await mailTo(other.email)).map((m) => m.subject)).toEqual([
			`【督办提醒·紧急】${other.name} ${red.data.number} 红色督办通知`
		]);
		await daily('2020-07-07');
		const digest = (await mailTo(other.email))[1]!;
		expect(digest.text).toContain(`${blue.data.number} 蓝色督办通知`);
		expect(digest.text).toContain('计划调整：新增配合任务');
		expect(digest.text).not.toContain(`${red.data.number} 红色督办通知`);
	});

	it('a report reminder is withdrawn from the bell once the report is submitted', async () => {
		at('2020-07-26T02:00:00Z');
		const u = await freshUnit('提醒');
		await plan([['提醒任务', '提醒指标', '2020年12月底前', u.name]]);
		const unit = await s.as('unit', u.name);
		await daily('2020-07-26'); // five days before 07-31
		const before = await bell(unit);
		expect(before.items.map((n: any) => n.title)).toContain('2020-07 月报将于 2020-07-31 截止');
		const form = (await unit.get('/api/v1/reports/mine/2020-07')).data;
		await unit.post('/api/v1/reports/mine/2020-07/submit', { version: null, items: fill(form) });
		const after = await bell(unit);
		expect(after.items.map((n: any) => n.title)).not.toContain('2020-07 月报将于 2020-07-31 截止');
		expect(after.unread).toBe(before.unread - 1);
	});
});

describe('acceptance comments and plan changes', () => {
	it('the office accepts with a comment (overall and on an item): the unit sees it on its report and in the bell', async () => {
		at('2020-06-12T02:00:00Z');
		const u = await freshUnit('通过');
		const ids = await plan([['通过任务', '通过指标甲', '2020年12月底前', u.name]]);
		const unit = await s.as('unit', u.name, u.email);
		const form = (await unit.get('/api/v1/reports/mine/2020-06')).data;
		const sent = await unit.post('/api/v1/reports/mine/2020-06/submit', { version: null, items: fill(form) });
		const id = sent.data.report.id;

		const tooLong = await office.post(`/api/v1/reports/${id}/accept`, { comment: '长'.repeat(2001) });
		expect(tooLong.status).toBe(400);
		expect(tooLong.data.error.details[0]).toMatchObject({ path: 'comment', code: 'too_long' });

		const accepted = await office.post(`/api/v1/reports/${id}/accept`, {
			comment: '进展扎实，请保持',
			items: [{ indicatorId: ids['通过指标甲'], comment: '数据详实' }]
		});
		expect(accepted.status).toBe(200);
		const mine = (await unit.get('/api/v1/reports/mine/2020-06')).data;
		expect(mine.report).toMatchObject({ status: 'accepted', acceptComment: '进展扎实，请保持' });
		expect(mine.items[0].acceptComment).toBe('数据详实');
		const [n] = (await bell(unit)).items;
		expect(n).toMatchObject({ title: '2020-06 月报已审核通过' });
		expect(n.body).toBe('联席办意见：进展扎实，请保持；通过指标甲：数据详实');
		expect(n.message).toMatchObject({ code: 'report.accepted', params: { comment: '进展扎实，请保持' } });
		const row = (
			await query<{ after: string }>(
				s.db,
				sql`select after from audit_log where action = 'report.accept' and object_id = ${String(id)}`
			)
		)[0];
		expect(JSON.parse(row!.after)).toMatchObject({ comment: '进展扎实，请保持' });
	});

	it('a re-import that changes a unit’s assignments tells that unit what changed; units it leaves alone hear nothing', async () => {
		at('2020-06-15T02:00:00Z');
		const a = await freshUnit('调整甲');
		const b = await freshUnit('调整乙');
		const title = planTitle();
		const table = (rows: string[][]) =>
			importForm(csvTable(rows.map((r) => ['领域', '', ...r])), {
				title,
				year: '2020',
				issuedOn: '2020-01-01',
				createUnits: '1'
			});
		const first = await office.post(
			'/api/v1/imports',
			table([
				['调整任务', '调整指标一', '2020年9月底前', a.name],
				['调整任务', '调整指标二', '2020年10月底前', b.name]
			])
		);
		expect(first.status).toBe(200);
		const unitA = await s.as('unit', a.name, a.email);
		const unitB = await s.as('unit', b.name, b.email);
		// A plan's first import changes nobody's assignments.
		expect((await bell(unitA)).items).toEqual([]);

		const again = await office.post(
			'/api/v1/imports',
			table([
				['调整任务', '调整指标一', '2020年11月底前', a.name],
				['调整任务', '调整指标二', '2020年10月底前', b.name],
				['调整任务', '调整指标三', '2020年12月底前', a.name]
			])
		);
		expect(again.status, JSON.stringify(again.data)).toBe(200);
		const [n] = (await bell(unitA)).items;
		expect(n.title).toBe('计划调整：新增任务 1 项，截止日期变更 1 项');
		expect(n.body).toBe('新增（牵头）调整指标三；调整指标一：截止 2020-09-30 → 2020-11-30');
		expect((await bell(unitB)).items).toEqual([]);
		// And in the unit's next digest mail.
		await daily('2020-06-16');
		expect((await mailTo(a.email)).at(-1)!.text).toContain('计划调整：新增任务 1 项');
	});

	it('a relative deadline gets its date when the office records the starting event: its units are told', async () => {
		at('2020-06-17T02:00:00Z');
		const u = await freshUnit('起算');
		const ids = await plan([['起算任务', '起算指标', '接口注册完成后2日内', u.name]]);
		const unit = await s.as('unit', u.name, u.email);
		const res = await office.post(`/api/v1/indicators/${ids['起算指标']}/deadline-events`, {
			occurredOn: '2020-06-17'
		});
		expect(res.status, JSON.stringify(res.data)).toBe(200);
		const [n] = (await bell(unit)).items;
		expect(n).toMatchObject({ title: '计划调整：截止日期变更 1 项', body: '起算指标：截止 无 → 2020-06-19' });
	});
});

describe('answering urge notices', () => {
	let unitId: number;
	let unit: Client;
	let indicatorId: number;
	const u = { name: '', email: '' };
	beforeAll(async () => {
		at('2020-07-23T02:00:00Z'); // a Thursday
		Object.assign(u, await freshUnit('反馈'));
		const ids = await plan([['反馈任务', '反馈指标', '2020年6月底前', u.name]]);
		indicatorId = ids['反馈指标']!;
		unitId = await unitIdOf(u.name);
		unit = await s.as('unit', u.name, u.email);
	});
	const issue = async (level: string, extra = {}) =>
		(
			await office.post('/api/v1/notices', {
				unitId,
				indicatorIds: [indicatorId],
				level,
				message: '请报告进展',
				...extra
			})
		).data;

	it('the answer deadline is counted in working days by level (blue 5, yellow 3, red 2), or set by the office', async () => {
		at('2020-07-23T02:00:00Z');
		expect((await issue('blue')).answerDueOn).toBe('2020-07-30');
		expect((await issue('yellow')).answerDueOn).toBe('2020-07-28');
		const red = await issue('red');
		expect(red).toMatchObject({ answerDueOn: '2020-07-27', state: 'unacknowledged' });
		expect((await issue('blue', { answerDueOn: '2020-08-10' })).answerDueOn).toBe('2020-08-10');
		const past = await office.post('/api/v1/notices', {
			unitId,
			indicatorIds: [indicatorId],
			level: 'blue',
			message: 'x',
			answerDueOn: '2020-07-01'
		});
		expect(past.status).toBe(400);
	});

	it('the unit answers with text and an attachment; the office asks again with a reason; then accepts', async () => {
		at('2020-07-24T02:00:00Z');
		const n = await issue('yellow');
		await unit.post(`/api/v1/notices/${n.id}/acknowledge`);
		expect((await unit.get(`/api/v1/notices/${n.id}`)).data.state).toBe('awaiting');
		const file = (await unit.post('/api/v1/attachments', uploadForm(SAMPLE_FILES.pdf, '办理情况.pdf'))).data;
		const answered = await unit.post(`/api/v1/notices/${n.id}/answers`, {
			text: '已完成平台部署',
			attachmentIds: [file.id]
		});
		expect(answered.status).toBe(201);
		expect(answered.data.state).toBe('answered');
		expect(answered.data.answers[0]).toMatchObject({
			text: '已完成平台部署',
			status: 'pending',
			attachments: [{ id: file.id, name: '办理情况.pdf' }]
		});
		expect((await office.get(`/api/v1/attachments/${file.id}`)).status).toBe(200);
		const twice = await unit.post(`/api/v1/notices/${n.id}/answers`, { text: '再次' });
		expect(twice.status).toBe(409);
		expect(
			(await office.get(`/api/v1/notices?state=answered&unitId=${unitId}`)).data.items.map((x: any) => x.id)
		).toEqual([n.id]);

		const noReason = await office.post(`/api/v1/notices/${n.id}/review`, { accept: false });
		expect(noReason.status).toBe(400);
		at('2020-07-27T02:00:00Z'); // Monday
		const asked = await office.post(`/api/v1/notices/${n.id}/review`, {
			accept: false,
			note: '请附上验收报告'
		});
		expect(asked.data).toMatchObject({ state: 'awaiting', answerDueOn: '2020-07-30' });
		expect(asked.data.answers[0]).toMatchObject({ status: 'returned', decisionNote: '请附上验收报告' });
		expect((await bell(unit)).items[0]).toMatchObject({
			title: `${n.number} 需重新反馈办理情况`,
			body: '理由：请附上验收报告（请于 2020-07-30 前重新反馈）'
		});

		await unit.post(`/api/v1/notices/${n.id}/answers`, { text: '已补充验收报告' });
		const accepted = await office.post(`/api/v1/notices/${n.id}/review`, { accept: true, note: '' });
		expect(accepted.data).toMatchObject({ state: 'closed' });
		expect(accepted.data.answers.map((a: any) => a.status)).toEqual(['returned', 'accepted']);
		expect((await unit.post(`/api/v1/notices/${n.id}/answers`, { text: '又一次' })).status).toBe(409);

		const timeline = (await unit.get(`/api/v1/indicators/${indicatorId}/timeline`)).data.items;
		const titles = timeline.map((e: any) => e.title);
		expect(titles).toContain(`${n.number}办理情况反馈`);
		expect(titles).toContain(`${n.number}要求重新反馈`);
		expect(titles).toContain(`${n.number}反馈已通过（已办结）`);
		expect(timeline.find((e: any) => e.title === `${n.number}要求重新反馈`).detail).toBe('请附上验收报告');
	});

	it('an unanswered notice past its deadline is overdue, escalates in the office digest, and stops once the next level is issued', async () => {
		at('2020-08-03T02:00:00Z'); // Monday
		const n = await issue('blue'); // due 2020-08-10
		await unit.post(`/api/v1/notices/${n.id}/acknowledge`);
		at('2020-08-11T02:00:00Z');
		expect((await office.get(`/api/v1/notices/${n.id}`)).data.state).toBe('overdue');
		expect(
			(await office.get(`/api/v1/notices?state=overdue&unitId=${unitId}`)).data.items.map((x: any) => x.id)
		).toContain(n.id);
		await daily('2020-08-11');
		const digest = (await mailTo('office-n@duban.test')).find((m) => m.subject.includes('2020-08-11'))!;
		expect(digest.text).toContain(`逾期未反馈：${n.number} ${u.name}`);
		expect(digest.text).toContain('建议发出黄色督办通知');
		expect(digest.text).toContain(
			`/notices?issue=1&unitId=${unitId}&indicatorId=${indicatorId}&level=yellow`
		);
		expect((await bell(unit)).items.map((x: any) => x.title)).toContain(`${n.number} 督办通知逾期未反馈`);

		await issue('yellow');
		await daily('2020-08-12');
		const next = (await mailTo('office-n@duban.test')).find((m) => m.subject.includes('2020-08-12'));
		expect(next?.text ?? '').not.toContain(`逾期未反馈：${n.number}`);
	});
});

describe('leaders', () => {
	it('see published bulletins in the bell and get a weekly digest of red items and the week’s bulletins', async () => {
		at('2020-08-14T02:00:00Z');
		const leader = await s.as('leader', undefined, 'leader-n@duban.test');
		const draft = (await office.post('/api/v1/bulletins', { period: '2020-07' })).data;
		const published = (await office.post(`/api/v1/bulletins/${draft.id}/publish`)).data;
		expect((await bell(leader)).items[0]).toMatchObject({
			title: `${published.number} ${published.title}`,
			link: `/bulletins/${draft.id}`
		});
		await daily('2020-08-17');
		const result = (await runJob('leader-digest', { ...s.deps, mailer: null }, morning('2020-08-17'))) as any;
		expect(result.reds).toBeGreaterThan(0);
		const [mail] = await mailTo('leader-n@duban.test');
		expect(mail!.subject).toMatch(/^【督办周报】截至 2020-08-17 红灯 \d+ 项，通报 1 期$/);
		expect(mail!.text).toContain(published.number);
		expect(mail!.text).toContain('超过完成时限，尚未办结');
		// Once a week per leader: running the same day again adds nothing.
		await runJob('leader-digest', { ...s.deps, mailer: null }, morning('2020-08-17'));
		expect(await mailTo('leader-n@duban.test')).toHaveLength(1);
	});
});
