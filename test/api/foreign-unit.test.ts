import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.ts';
import {
	importPlan,
	SAMPLE_FILES,
	startTestServer,
	uploadForm,
	type Client,
	type TestServer
} from '../support/harness.ts';
import { query } from '../../db/client.ts';

/**
 * Every endpoint of monthly reporting, called by a user of a unit that has nothing to do with the data,
 * gets 403 or 404 and changes nothing. The table must cover every such route of the router.
 */
let s: TestServer;
let owner: Client;
let stranger: Client;
const ids = { indicator: 0, report: 0, request: 0, notice: 0, attachment: 0 };

beforeAll(async () => {
	s = await startTestServer({ start: new Date('2020-04-05T02:00:00Z') });
	const office = await s.as('office');
	const plan = await importPlan(office, [
		['领域', '', '任务', '外单位不可见的指标', '2020年6月底前', '省司法厅']
	]);
	ids.indicator = plan.ids['外单位不可见的指标']!;
	owner = await s.as('unit', '省司法厅');
	stranger = await s.as('unit', '省信访局');
	ids.attachment = (
		await owner.post('/api/v1/attachments', uploadForm(SAMPLE_FILES.pdf, '材料.pdf'))
	).data.id;
	const form = (await owner.get('/api/v1/reports/mine/2020-03')).data;
	const items = form.items.map((i: any) => ({
		indicatorId: i.indicatorId,
		progressStatus: 'on_track',
		progress: '进展',
		attachmentIds: [ids.attachment]
	}));
	ids.report = (
		await owner.post('/api/v1/reports/mine/2020-03/submit', { revision: null, items })
	).data.report.id;
	ids.request = (
		await owner.post('/api/v1/requests', {
			kind: 'extension',
			indicatorId: ids.indicator,
			newDueOn: '2020-09-30',
			statement: '理由'
		})
	).data.id;
	const unitId = (await office.get('/api/v1/units')).data.items.find((u: any) => u.name === '省司法厅').id;
	ids.notice = (
		await office.post('/api/v1/notices', {
			unitId,
			indicatorIds: [ids.indicator],
			level: 'blue',
			message: '请推进'
		})
	).data.id;
});
afterAll(() => s.close());

const routes = () =>
	[
		['GET', `/api/v1/reports/${ids.report}`],
		['POST', `/api/v1/reports/${ids.report}/accept`],
		['POST', `/api/v1/reports/${ids.report}/return`, { reason: '退回' }],
		['GET', `/api/v1/reports/${ids.report}/versions`],
		['GET', `/api/v1/reports/${ids.report}/compare?from=1&to=1`],
		['GET', `/api/v1/requests/${ids.request}`],
		['POST', `/api/v1/requests`, { kind: 'completion', indicatorId: ids.indicator, statement: '冒名办结' }],
		[
			'POST',
			`/api/v1/requests`,
			{ kind: 'extension', indicatorId: ids.indicator, newDueOn: '2020-12-31', statement: '冒名延期' }
		],
		['POST', `/api/v1/requests/${ids.request}/decide`, { approve: true }],
		['GET', `/api/v1/notices/${ids.notice}`],
		[
			'POST',
			`/api/v1/notices`,
			{ unitId: 1, indicatorIds: [ids.indicator], level: 'red', message: '冒名督办' }
		],
		['POST', `/api/v1/notices/${ids.notice}/acknowledge`],
		['POST', `/api/v1/notices/${ids.notice}/answers`, { text: '冒名反馈' }],
		['POST', `/api/v1/notices/${ids.notice}/review`, { accept: true }],
		['GET', `/api/v1/attachments/${ids.attachment}`],
		['GET', `/api/v1/indicators/${ids.indicator}`],
		['GET', `/api/v1/indicators/${ids.indicator}/timeline`],
		['GET', `/api/v1/indicators/${ids.indicator}/due-dates`],
		['GET', `/api/v1/indicators/${ids.indicator}/reports?period=2020-03`]
	] as [string, string, unknown?][];

/** Routes a unit may call on its own unit's data only: listed above, or scoped to the caller by design. */
const OWN_SCOPE = [
	'GET /reports/export',
	'GET /reports/mine/:period',
	'PUT /reports/mine/:period',
	'POST /reports/mine/:period/submit',
	'GET /reports',
	'GET /requests',
	'GET /notices',
	'POST /attachments'
];

async function fingerprint() {
	const q = async (text: string) => JSON.stringify(await query(s.db, sql.raw(text)));
	return (
		await Promise.all([
			q('select id, status, version, late from report order by id'),
			q('select id, indicator_id, progress, return_reason from report_item order by id'),
			q('select id, status, decided_at from request order by id'),
			q('select id, acknowledged_at from urge_notice order by id'),
			q('select id, status, due_on, completed_on from indicator order by id'),
			q('select id, owner_id from attachment order by id')
		])
	).join('\n');
}

describe('another unit', () => {
	it('the table covers every reporting route', () => {
		const app = createApp(s.deps);
		const covered = new Set(
			routes().map(
				([method, path]) =>
					`${method} ${path.replace(/\?.*/, '').replace('/api/v1', '').replace(/\/\d+/g, '/:id')}`
			)
		);
		const all = app.routes
			.filter((r) => /^\/api\/v1\/(reports|requests|notices|attachments)/.test(r.path) && r.method !== 'ALL')
			.map((r) => `${r.method} ${r.path.replace('/api/v1', '')}`);
		const missing = [...new Set(all)].filter((r) => !covered.has(r) && !OWN_SCOPE.includes(r));
		expect(missing).toEqual([]);
	});

	it('gets 403 or 404 on every route and changes nothing', async () => {
		const before = await fingerprint();
		for (const [method, path, body] of routes()) {
			const res = await stranger.request(method, path, body);
			expect([403, 404], `${method} ${path}`).toContain(res.status);
		}
		expect(await fingerprint()).toBe(before);
	});

	it('sees none of the owner’s data in its own-scope lists', async () => {
		for (const path of ['/api/v1/reports', '/api/v1/requests', '/api/v1/notices']) {
			const res = await stranger.get(path);
			expect(res.status).toBe(200);
			expect(res.data.total, path).toBe(0);
		}
		const form = (await stranger.get('/api/v1/reports/mine/2020-03')).data;
		expect(form.items.map((i: any) => i.indicatorId)).not.toContain(ids.indicator);
		const sneak = await stranger.request('PUT', '/api/v1/reports/mine/2020-03', {
			revision: null,
			items: [{ indicatorId: ids.indicator, progress: '冒填' }]
		});
		// The stranger owes no report at all this month (with one, the foreign indicator would be a 400).
		expect(sneak.status).toBe(404);
	});

	it('a co-unit on the same indicator reads the submitted report and its attachment, not the drafts', async () => {
		const office = await s.as('office');
		const { ids: shared } = await importPlan(office, [
			['领域', '', '协同任务', '共享指标', '2020年6月底前', '省司法厅、省信访局']
		]);
		const lead = await s.as('unit', '省司法厅');
		const co = await s.as('unit', '省信访局');
		const file = (await lead.post('/api/v1/attachments', uploadForm(SAMPLE_FILES.png, '图.png'))).data.id;
		const form = (await lead.get('/api/v1/reports/mine/2020-04')).data;
		const items = form.items.map((i: any) => ({
			indicatorId: i.indicatorId,
			progressStatus: 'on_track',
			progress: '四月进展',
			attachmentIds: i.indicatorId === shared['共享指标'] ? [file] : []
		}));
		const draft = await lead.request('PUT', '/api/v1/reports/mine/2020-04', { revision: null, items });
		const draftView = (await co.get(`/api/v1/indicators/${shared['共享指标']}/reports?period=2020-04`)).data
			.items;
		expect(draftView.find((r: any) => r.unit.name === '省司法厅').item).toBeNull();
		expect((await co.get(`/api/v1/attachments/${file}`)).status).toBe(404);
		await lead.post('/api/v1/reports/mine/2020-04/submit', { revision: draft.data.report.revision, items });
		const view = (await co.get(`/api/v1/indicators/${shared['共享指标']}/reports?period=2020-04`)).data.items;
		expect(view.find((r: any) => r.unit.name === '省司法厅').item.progress).toBe('四月进展');
		expect((await co.get(`/api/v1/attachments/${file}`)).status).toBe(200);
	});
});
