import ExcelJS from 'exceljs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	importPlan,
	SAMPLE_FILES,
	startTestServer,
	uploadForm,
	type Client,
	type TestServer
} from '../support/harness.ts';
import { query } from '../../db/client.ts';

let s: TestServer;
let office: Client;
beforeAll(async () => {
	// These tests jump the clock by weeks: sessions must outlive the jumps.
	s = await startTestServer({
		start: new Date('2020-03-20T02:00:00Z'),
		env: { SESSION_IDLE_MINUTES: '500000', SESSION_MAX_HOURS: '9000' }
	});
	office = await s.as('office');
});
afterAll(() => s.close());

const count = async (table: string) =>
	(await query<{ n: number }>(s.db, sql.raw(`select count(*) as n from ${table}`)))[0]!.n;
const at = (iso: string) => s.clock.set(new Date(iso));

function fill(form: any, overrides: Record<string, unknown> = {}) {
	return form.items.map((i: any) => ({
		indicatorId: i.indicatorId,
		progressStatus: 'on_track',
		percent: 40,
		progress: `${i.indicator.text}：本月推进顺利`,
		problems: '',
		nextSteps: '继续推进',
		values: i.targets.map((t: any) => ({ targetId: t.id, value: t.value / 2 })),
		attachmentIds: [],
		...overrides
	}));
}

describe('monthly report lifecycle', () => {
	it('draft → submit → return with reasons → resubmit → accept: v1, v2, each decision kept', async () => {
		at('2020-03-20T02:00:00Z');
		const { ids } = await importPlan(office, [
			['领域', '', '任务甲', '日活跃用户数达到120万', '2020年12月底前', '省经信厅、省财政厅'],
			['领域', '', '任务甲', '建成一个平台', '2020年6月底前', '省财政厅、省经信厅']
		]);
		const unit = await s.as('unit', '省经信厅');
		const form = (await unit.get('/api/v1/reports/mine/2020-03')).data;
		expect(form.dueOn).toBe('2020-03-31');
		expect(form.report).toBeNull();
		const mine = form.items.filter(
			(i: any) => i.indicatorId in { [ids['日活跃用户数达到120万']!]: 1, [ids['建成一个平台']!]: 1 }
		);
		expect(mine.map((i: any) => i.role)).toEqual(['lead', 'co']);
		// Asked in the target's own unit: 120万 is value 120 in scale 10⁴, and the unit reports 万 too.
		expect(mine[0].targets[0]).toMatchObject({ label: '日活跃用户数', value: 120, scale: 4 });

		const draft = await unit.request('PUT', '/api/v1/reports/mine/2020-03', {
			revision: null,
			items: [
				{
					indicatorId: mine[0].indicatorId,
					progress: '草稿',
					values: [{ targetId: mine[0].targets[0].id, value: 50 }]
				}
			]
		});
		expect(draft.status).toBe(200);
		expect(draft.data.report).toMatchObject({ status: 'draft', version: 0, revision: 1 });
		expect(draft.data.items.find((i: any) => i.indicatorId === mine[0].indicatorId).values).toEqual({
			[mine[0].targets[0].id]: 50
		});
		// The office does not see drafts.
		expect((await office.get(`/api/v1/reports/${draft.data.report.id}`)).status).toBe(404);

		const incomplete = await unit.post('/api/v1/reports/mine/2020-03/submit', { revision: 1, items: [] });
		expect(incomplete.status).toBe(422);
		expect(incomplete.data.error.message).toMatch(/必填内容未完成/);
		expect(incomplete.data.error.details.some((d: any) => d.message.includes('请填写当月进展'))).toBe(true);

		// As the web app sends it: the answer is the report's new state only (Prefer: return=minimal).
		unit.headers.prefer = 'return=minimal';
		const submitted = await unit.post('/api/v1/reports/mine/2020-03/submit', {
			revision: 1,
			items: fill(form)
		});
		delete unit.headers.prefer;
		expect(submitted.status).toBe(200);
		expect(submitted.headers.get('preference-applied')).toBe('return=minimal');
		expect(submitted.data).toEqual({ period: '2020-03', report: expect.any(Object) });
		expect(submitted.data.report).toMatchObject({
			status: 'submitted',
			late: false,
			version: 1,
			revision: 2
		});
		const reportId = submitted.data.report.id;

		const editAfterSubmit = await unit.request('PUT', '/api/v1/reports/mine/2020-03', {
			revision: 2,
			items: []
		});
		expect(editAfterSubmit.status).toBe(409);

		const queue = await office.get('/api/v1/reports?period=2020-03&status=submitted');
		expect(queue.data.items.find((r: any) => r.id === reportId)).toMatchObject({
			version: 1,
			items: 2,
			returnedItems: 0,
			unit: { name: '省经信厅' }
		});

		const returned = await office.post(`/api/v1/reports/${reportId}/return`, {
			reason: '请补充量化数据',
			items: [{ indicatorId: mine[1].indicatorId, reason: '进展描述过于简单' }]
		});
		expect(returned.status).toBe(200);
		expect(returned.data.report).toMatchObject({
			status: 'returned',
			returnReason: '请补充量化数据',
			version: 1
		});
		const back = (await unit.get('/api/v1/reports/mine/2020-03')).data;
		expect(back.items.find((i: any) => i.indicatorId === mine[1].indicatorId).returnReason).toBe(
			'进展描述过于简单'
		);

		at('2020-04-03T02:00:00Z');
		const resubmitted = await unit.post('/api/v1/reports/mine/2020-03/submit', {
			revision: back.report.revision,
			items: fill(back, { progress: '已补充：平台完成招标，进度 40%' })
		});
		expect(resubmitted.data.report).toMatchObject({ status: 'submitted', late: false, version: 2 });
		expect(resubmitted.data.items.every((i: any) => i.returnReason === null)).toBe(true);

		const accepted = await office.post(`/api/v1/reports/${reportId}/accept`);
		expect(accepted.data.report).toMatchObject({ status: 'accepted', version: 2 });
		expect(
			(
				await unit.request('PUT', '/api/v1/reports/mine/2020-03', {
					revision: accepted.data.report.revision,
					items: []
				})
			).status
		).toBe(409);
		expect((await office.post(`/api/v1/reports/${reportId}/accept`)).status).toBe(409);

		const versions = (await office.get(`/api/v1/reports/${reportId}/versions`)).data.items;
		// The draft saved before the first submission is replaced by it.
		expect(versions.map((v: any) => `v${v.version} ${v.action}`)).toEqual([
			'v1 submit',
			'v1 return',
			'v2 submit',
			'v2 accept'
		]);
		const diff = (
			await office.get(`/api/v1/reports/${reportId}/compare?from=${versions[0].id}&to=${versions[2].id}`)
		).data;
		expect(diff.changes).toEqual(
			expect.arrayContaining([
				expect.objectContaining({ field: 'progress', to: '已补充：平台完成招标，进度 40%' })
			])
		);
	});

	it('a submission after the due day is late; a save over a newer version is refused with 409', async () => {
		at('2020-04-10T02:00:00Z');
		await importPlan(office, [['领域', '', '任务乙', '完成某事', '2020年9月底前', '省水利厅']]);
		const first = await s.as('unit', '省水利厅');
		const second = await s.as('unit', '省水利厅');
		const form = (await first.get('/api/v1/reports/mine/2020-03')).data;
		const saved = await first.request('PUT', '/api/v1/reports/mine/2020-03', {
			revision: null,
			items: fill(form)
		});
		expect(saved.data.report.revision).toBe(1);
		const stale = await second.request('PUT', '/api/v1/reports/mine/2020-03', {
			revision: null,
			items: fill(form, { progress: '覆盖' })
		});
		expect(stale.status).toBe(409);
		expect(stale.data.error.message).toContain('请刷新');
		expect((await first.get('/api/v1/reports/mine/2020-03')).data.items[0].progress).not.toBe('覆盖');
		const late = await second.post('/api/v1/reports/mine/2020-03/submit', { revision: 1, items: fill(form) });
		expect(late.data.report).toMatchObject({ status: 'submitted', late: true });
		const lateQueue = await office.get('/api/v1/reports?period=2020-03&late=1');
		expect(lateQueue.data.items.map((r: any) => r.unit.name)).toContain('省水利厅');
	});

	it('the form offers last month’s text to copy or carry forward', async () => {
		at('2020-05-05T02:00:00Z');
		await importPlan(office, [['领域', '', '任务丙', '持续推进工作', '2020年12月底前', '省商务厅']]);
		const unit = await s.as('unit', '省商务厅');
		const april = (await unit.get('/api/v1/reports/mine/2020-04')).data;
		await unit.post('/api/v1/reports/mine/2020-04/submit', {
			revision: null,
			items: fill(april, { progress: '四月进展' })
		});
		const may = (await unit.get('/api/v1/reports/mine/2020-05')).data;
		expect(may.items[0].previous).toMatchObject({ period: '2020-04', progress: '四月进展', percent: 40 });
	});
});

describe('completion sign-off and extensions', () => {
	it('only the lead unit asks for sign-off; the office returns it, then approves; completed late against the original date', async () => {
		at('2020-06-20T02:00:00Z');
		const { ids, planId } = await importPlan(office, [
			['领域', '', '任务丁', '建成数据平台', '2020年6月底前', '省自然资源厅、省建设厅']
		]);
		const id = ids['建成数据平台']!;
		const co = await s.as('unit', '省建设厅');
		const lead = await s.as('unit', '省自然资源厅');
		const denied = await co.post('/api/v1/requests', {
			kind: 'completion',
			indicatorId: id,
			statement: '已完成'
		});
		expect(denied.status).toBe(403);
		expect(denied.data.error.message).toContain('只有牵头单位');

		const upload = await lead.post('/api/v1/attachments', uploadForm(SAMPLE_FILES.pdf, '验收报告.pdf'));
		expect(upload.status).toBe(201);
		const asked = await lead.post('/api/v1/requests', {
			kind: 'completion',
			indicatorId: id,
			statement: '平台已上线',
			attachmentIds: [upload.data.id]
		});
		expect(asked.status).toBe(201);
		expect(asked.data.attachments).toEqual([expect.objectContaining({ name: '验收报告.pdf' })]);
		const rejected = await office.post(`/api/v1/requests/${asked.data.id}/decide`, {
			approve: false,
			note: '请补充验收材料'
		});
		expect(rejected.data.status).toBe('rejected');
		expect((await office.get(`/api/v1/indicators/${id}`)).data.status).toBe('open');

		// An extension asked after the due date is marked late; approving it keeps the original date.
		at('2020-07-03T02:00:00Z');
		const ext = await co.post('/api/v1/requests', {
			kind: 'extension',
			indicatorId: id,
			newDueOn: '2020-08-31',
			statement: '设备到货延迟'
		});
		expect(ext.status).toBe(201);
		expect(ext.data.late).toBe(true);
		await office.post(`/api/v1/requests/${ext.data.id}/decide`, { approve: true });
		const moved = (await office.get(`/api/v1/indicators/${id}`)).data;
		expect(moved).toMatchObject({ dueOn: '2020-08-31', originalDueOn: '2020-06-30' });
		const history = (await office.get(`/api/v1/indicators/${id}/due-dates`)).data;
		expect(history.changes).toEqual([
			expect.objectContaining({ fromDueOn: '2020-06-30', toDueOn: '2020-08-31', reason: '设备到货延迟' })
		]);

		at('2020-08-10T02:00:00Z');
		const again = await lead.post('/api/v1/requests', {
			kind: 'completion',
			indicatorId: id,
			statement: '已补充验收材料'
		});
		const approved = await office.post(`/api/v1/requests/${again.data.id}/decide`, { approve: true });
		expect(approved.data.status).toBe('approved');
		const done = (await office.get(`/api/v1/indicators/${id}`)).data;
		expect(done).toMatchObject({
			status: 'completed',
			completedOn: '2020-08-10',
			completion: 'completed_late'
		});
		const stats = (await office.get(`/api/v1/plans/${planId}/stats`)).data;
		expect(stats).toMatchObject({ indicators: 1, completedOnTime: 0, completedLate: 1, open: 0 });
		const timeline = (await office.get(`/api/v1/indicators/${id}/timeline`)).data.items;
		expect(timeline.map((e: any) => e.kind)).toEqual(
			expect.arrayContaining([
				'request.completion',
				'request.rejected',
				'request.extension',
				'due_date',
				'request.approved'
			])
		);
	});

	it('an extension before the due date is not late, and the new date must be later', async () => {
		at('2020-05-01T02:00:00Z');
		const { ids } = await importPlan(office, [
			['领域', '', '任务戊', '完成规划编制', '2020年6月底前', '省体育局']
		]);
		const unit = await s.as('unit', '省体育局');
		const bad = await unit.post('/api/v1/requests', {
			kind: 'extension',
			indicatorId: ids['完成规划编制'],
			newDueOn: '2020-06-01',
			statement: '理由'
		});
		expect(bad.status).toBe(400);
		const ok = await unit.post('/api/v1/requests', {
			kind: 'extension',
			indicatorId: ids['完成规划编制'],
			newDueOn: '2020-09-30',
			statement: '理由'
		});
		expect(ok.data.late).toBe(false);
		const queue = await office.get('/api/v1/requests?status=pending&kind=extension');
		expect(queue.data.items.map((r: any) => r.id)).toContain(ok.data.id);
	});
});

describe('urge notices', () => {
	it('are numbered per year, shown to the unit, acknowledged with time and person', async () => {
		at('2020-09-01T02:00:00Z');
		const { ids } = await importPlan(office, [
			['领域', '', '任务己', '推进项目建设', '2020年6月底前', '省民政厅']
		]);
		const unitId = (await office.get('/api/v1/units')).data.items.find((u: any) => u.name === '省民政厅').id;
		const issue = () =>
			office.post('/api/v1/notices', {
				unitId,
				indicatorIds: [ids['推进项目建设']],
				level: 'red',
				message: '请尽快完成'
			});
		const a = await issue();
		const b = await issue();
		expect(a.status).toBe(201);
		expect(b.data.seq).toBe(a.data.seq + 1);
		expect(a.data.number).toBe(`督办〔2020〕${a.data.seq}号`);
		const unit = await s.as('unit', '省民政厅');
		const mine = await unit.get('/api/v1/notices?unacknowledged=1');
		expect(mine.data.items.map((n: any) => n.id)).toEqual([b.data.id, a.data.id]);
		const ack = await unit.post(`/api/v1/notices/${a.data.id}/acknowledge`);
		expect(ack.data.acknowledgedAt).toBe('2020-09-01T02:00:00.000Z');
		expect(ack.data.acknowledgedByName).toContain('unit');
		expect((await unit.post(`/api/v1/notices/${a.data.id}/acknowledge`)).status).toBe(409);
		const open = await office.get(`/api/v1/notices?unacknowledged=1&unitId=${unitId}`);
		expect(open.data.items.map((n: any) => n.id)).toEqual([b.data.id]);
	});
});

describe('attachments', () => {
	it('stores under a generated name and downloads with the original Chinese name (RFC 6266)', async () => {
		const unit = await s.as('unit', '省医保局');
		const up = await unit.post('/api/v1/attachments', uploadForm(SAMPLE_FILES.png, '../../etc/截图 一.png'));
		expect(up.status).toBe(201);
		expect(up.data.name).toBe('截图 一.png');
		const row = (
			await query<{ stored_name: string }>(
				s.db,
				sql`select stored_name from attachment where id = ${up.data.id}`
			)
		)[0]!;
		expect(row.stored_name).toMatch(/^\d{4}-\d\d\/[0-9a-f-]{36}\.png$/);
		const down = await unit.get(`/api/v1/attachments/${up.data.id}`);
		expect(down.status).toBe(200);
		expect(down.headers.get('content-disposition')).toBe(
			`attachment; filename="__ _.png"; filename*=UTF-8''${encodeURIComponent('截图 一.png')}`
		);
		expect(new Uint8Array(down.data)).toEqual(SAMPLE_FILES.png);
		const stranger = await s.as('unit', '省教育厅');
		expect((await stranger.get(`/api/v1/attachments/${up.data.id}`)).status).toBe(404);
	});

	it('refuses content that does not match the extension (415) and oversize files (413)', async () => {
		const unit = await s.as('unit', '省医保局');
		const before = await count('attachment');
		const fake = await unit.post('/api/v1/attachments', uploadForm(SAMPLE_FILES.png, '报告.pdf'));
		expect(fake.status).toBe(415);
		expect(fake.data.error.message).toContain('不是 PDF');
		const zip = await unit.post(
			'/api/v1/attachments',
			uploadForm(Uint8Array.from([0x50, 0x4b, 3, 4, 0, 0]), '表.xlsx')
		);
		expect(zip.status).toBe(415);
		const exe = await unit.post('/api/v1/attachments', uploadForm(SAMPLE_FILES.pdf, 'run.exe'));
		expect(exe.status).toBe(415);
		const big = new Uint8Array(21 * 1024 * 1024);
		big.set(SAMPLE_FILES.pdf);
		const tooBig = await unit.post('/api/v1/attachments', uploadForm(big, '大文件.pdf'));
		expect(tooBig.status).toBe(413);
		expect(await count('attachment')).toBe(before);
	});

	it('accepts a real .xlsx (a zip package with xl/workbook.xml)', async () => {
		const unit = await s.as('unit', '省医保局');
		const wb = new ExcelJS.Workbook();
		wb.addWorksheet('数据').addRow(['a', 1]);
		const data = new Uint8Array(await wb.xlsx.writeBuffer());
		const res = await unit.post('/api/v1/attachments', uploadForm(data, '数据.xlsx'));
		expect(res.status).toBe(201);
	});
});
