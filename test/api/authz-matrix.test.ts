import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.ts';
import { runJob } from '../../tasks/index.ts';
import {
	importPlan,
	SAMPLE_FILES,
	sendBody,
	startTestServer,
	uploadForm,
	type Client,
	type TestServer
} from '../support/harness.ts';
import { query } from '../../db/client.ts';

/**
 * The authorisation matrix: every route of the router table × every role (system admin, security admin,
 * audit admin, office, leader, the unit that owns the data, another unit, a machine client with a
 * service token, and a city's supervisor (杭州市督查员: the office role over 杭州市政府's subtree), to whom
 * the provincial department's data does not exist). Who may call what is written down here per route; a route
 * missing from the table fails the test, so a new route cannot be forgotten. A caller who may not
 * gets 403 or 404, and a refused change changes nothing.
 */
type Who = 'A' | 'S' | 'D' | 'O' | 'L' | 'U' | 'X' | 'M' | 'C';
const EVERYONE: Who[] = ['A', 'S', 'D', 'O', 'L', 'U', 'X', 'M', 'C'];
type Case = { path: string; body?: unknown; allow: string; skip?: string };

let s: TestServer;
const as = {} as Record<Who, Client & { username: string }>;
const id = {
	indicator: 0,
	report: 0,
	request: 0,
	notice: 0,
	attachment: 0,
	alert: 0,
	bulletin: 0,
	draft: 0,
	cityBulletin: 0,
	cityDraft: 0,
	adjustment: 0,
	mail: 0,
	plan: 0,
	group: 0,
	unit: 0,
	user: 0,
	session: '',
	service: 0,
	token: 0,
	milestonePlan: 0,
	part: 0
};

// Setting up makes bulletins of two levels: longer than the default hook time on a loaded machine.
beforeAll(async () => {
	s = await startTestServer({
		start: new Date('2020-04-05T02:00:00Z'),
		// The machine client makes far more than its 120 calls a minute here, on a stopped clock.
		env: { SESSION_IDLE_MINUTES: '500000', SESSION_MAX_HOURS: '9000', SERVICE_RATE_LIMIT: '100000' }
	});
	as.O = await s.as('office', undefined, 'office@matrix.test');
	as.A = await s.as('admin');
	as.S = await s.as('security');
	as.D = await s.as('auditor');
	as.L = await s.as('leader');
	as.U = await s.as('unit', '省司法厅', 'sf@matrix.test');
	as.X = await s.as('unit', '省信访局');
	as.C = await s.as('office', '杭州市政府');
	const machine = (await as.O.post('/api/v1/service-accounts', { username: 'cockpit', name: '领导驾驶舱' }))
		.data;
	as.M = Object.assign(s.anonymous(), { username: 'cockpit' });
	as.M.headers.authorization = `Bearer ${machine.token.token}`;
	id.service = machine.account.id;
	id.token = machine.token.id;
	// Its first call records the token's use; later ones (within the minute) change nothing.
	expect((await as.M.get('/api/v1/health')).status).toBe(200);
	const plan = await importPlan(
		as.O,
		[['领域', '', '矩阵任务', '矩阵指标', '2020年3月底前', '省司法厅、省级有关单位']],
		2020,
		'2020-03-01'
	);
	id.plan = plan.planId;
	id.indicator = plan.ids['矩阵指标']!;
	id.group = (await as.O.get('/api/v1/units/groups')).data.items.find(
		(g: any) => g.name === '省级有关单位'
	).id;
	id.unit = (await as.O.get('/api/v1/units')).data.items.find((u: any) => u.name === '省司法厅').id;
	id.part = (await as.U.get('/api/v1/parts')).data.items[0].id;
	id.attachment = (await as.U.post('/api/v1/attachments', uploadForm(SAMPLE_FILES.pdf, '证明.pdf'))).data.id;
	const items = [
		{ indicatorId: id.indicator, progressStatus: 'behind', progress: '进展', attachmentIds: [id.attachment] }
	];
	id.report = (
		await as.U.post('/api/v1/reports/mine/2020-03/submit', { revision: null, items })
	).data.report.id;
	id.request = (
		await as.U.post('/api/v1/requests', {
			kind: 'extension',
			indicatorId: id.indicator,
			newDueOn: '2020-09-30',
			statement: '理由'
		})
	).data.id;
	id.milestonePlan = (
		await as.U.put(`/api/v1/indicators/${id.indicator}/milestones`, {
			milestones: [{ period: '2020-03', deliverable: '完成', percent: 100 }],
			submit: true
		})
	).data.id;
	id.notice = (
		await as.O.post('/api/v1/notices', {
			unitId: id.unit,
			indicatorIds: [id.indicator],
			level: 'red',
			message: '督办'
		})
	).data.id;
	await runJob('daily', { ...s.deps, mailer: null }, s.clock.now());
	id.alert = (await as.O.get(`/api/v1/alerts?indicatorId=${id.indicator}`)).data.items[0].id;
	id.bulletin = (await as.O.post('/api/v1/bulletins', { period: '2020-03' })).data.id;
	await as.O.post(`/api/v1/bulletins/${id.bulletin}/publish`);
	id.draft = (await as.O.post('/api/v1/bulletins', { period: '2020-03' })).data.id;
	id.cityBulletin = (await as.C.post('/api/v1/bulletins', { period: '2020-03' })).data.id;
	expect((await as.C.post(`/api/v1/bulletins/${id.cityBulletin}/publish`)).status).toBe(200);
	id.cityDraft = (await as.C.post('/api/v1/bulletins', { period: '2020-03' })).data.id;
	id.adjustment = (
		await as.O.post('/api/v1/scoring/adjustments', {
			period: '2020-03',
			unitId: id.unit,
			points: -1,
			reason: '材料不实'
		})
	).data.id;
	id.mail = (await as.A.get('/api/v1/mail')).data.items[0].id;
	const victim = await s.as('leader');
	id.user = (await as.A.get('/api/v1/users')).data.items.find((u: any) => u.username === victim.username).id;
	id.session = (await as.S.get('/api/v1/security/sessions?pageSize=500')).data.items.find(
		(x: any) => x.userId === id.user
	).id;
}, 180_000);
afterAll(() => s.close());

const cases = (): Record<string, Case> => ({
	'GET /api/v1/health': { path: '/health', allow: 'ASDOLUXMC' },
	'POST /api/v1/auth/login': { path: '', allow: '', skip: 'anyone may try to sign in' },
	'GET /api/v1/auth/me': { path: '/auth/me', allow: 'ASDOLUXC' },
	'POST /api/v1/auth/logout': { path: '', allow: '', skip: 'ends the caller’s own session' },
	'POST /api/v1/auth/password': { path: '', allow: '', skip: 'changes the caller’s own password' },
	'POST /api/v1/auth/totp/setup': { path: '', allow: '', skip: 'the caller’s own second factor' },
	'POST /api/v1/auth/totp/enable': { path: '', allow: '', skip: 'the caller’s own second factor' },
	'POST /api/v1/auth/totp/disable': { path: '', allow: '', skip: 'the caller’s own second factor' },
	'GET /api/v1/meta': { path: '/meta', allow: 'AOLUXMC' },
	'GET /api/v1/units': { path: '/units', allow: 'ASOLUXMC' },
	'POST /api/v1/units': {
		path: '/units',
		body: { name: '矩阵新单位', kind: 'other', parentId: id.unit },
		allow: 'O'
	},
	'PATCH /api/v1/units/:id': { path: `/units/${id.unit}`, body: { retiredIn: 2030 }, allow: 'O' },
	'GET /api/v1/units/groups': { path: '/units/groups', allow: 'ASOLUXMC' },
	'GET /api/v1/placeholders': { path: '/placeholders', allow: 'O' },
	'POST /api/v1/placeholders': { path: '/placeholders', body: { name: '矩阵待明确名称' }, allow: 'O' },
	'DELETE /api/v1/placeholders/:id': { path: `/placeholders/${id.group}`, allow: 'O' },
	'GET /api/v1/placeholders/indicators': { path: '/placeholders/indicators', allow: 'O' },
	'GET /api/v1/plans': { path: '/plans', allow: 'AOLUXMC' },
	'GET /api/v1/plans/:id': { path: `/plans/${id.plan}`, allow: 'AOLUXMC' },
	'GET /api/v1/plans/:id/stats': { path: `/plans/${id.plan}/stats`, allow: 'AOLUXMC' },
	'GET /api/v1/plans/:id/export': { path: `/plans/${id.plan}/export?format=json`, allow: 'AOLUXMC' },
	'GET /api/v1/indicators': { path: '/indicators', allow: 'AOLUXMC' },
	'GET /api/v1/indicators/export': { path: '/indicators/export?format=csv', allow: 'AOLUXMC' },
	'GET /api/v1/indicators/:id': { path: `/indicators/${id.indicator}`, allow: 'AOLUM' },
	'GET /api/v1/indicators/:id/timeline': { path: `/indicators/${id.indicator}/timeline`, allow: 'AOLUM' },
	'GET /api/v1/indicators/:id/due-dates': { path: `/indicators/${id.indicator}/due-dates`, allow: 'AOLUM' },
	'GET /api/v1/indicators/:id/reports': {
		path: `/indicators/${id.indicator}/reports?period=2020-03`,
		allow: 'AOLUM'
	},
	'PUT /api/v1/indicators/:id/kind': {
		path: `/indicators/${id.indicator}/kind`,
		body: { kind: 'each' },
		allow: 'O'
	},
	'POST /api/v1/indicators/:id/resolve-group': {
		path: `/indicators/${id.indicator}/resolve-group`,
		body: { groupId: id.group, unitIds: [id.unit] },
		allow: 'O'
	},
	'GET /api/v1/indicators/:id/deadline-events': {
		path: `/indicators/${id.indicator}/deadline-events`,
		allow: 'AOLUM'
	},
	'POST /api/v1/indicators/:id/deadline-events': {
		path: `/indicators/${id.indicator}/deadline-events`,
		body: { occurredOn: '2020-03-02' },
		allow: 'OU'
	},
	'PUT /api/v1/indicators/:id/targets/:targetId': {
		path: `/indicators/${id.indicator}/targets/1`,
		body: { aggregation: 'each' },
		allow: 'O'
	},
	'GET /api/v1/work-calendar/:year': { path: '/work-calendar/2020', allow: 'AOLUXC' },
	'PUT /api/v1/work-calendar/days/:day': {
		path: '/work-calendar/days/2020-10-01',
		body: { kind: 'workday', name: '冒名' },
		allow: 'O'
	},
	'GET /api/v1/imports/template': { path: '/imports/template', allow: 'O' },
	'GET /api/v1/imports/progress/:key': { path: '/imports/progress/abcdefgh', allow: 'O' },
	'POST /api/v1/imports': { path: '/imports', body: { title: 'x', year: 2020 }, allow: 'O' },
	'GET /api/v1/users': { path: '/users', allow: 'AS' },
	'POST /api/v1/users': {
		path: '/users',
		body: { username: 'intruder', name: '冒名', role: 'office', password: 'Passw0rd!x' },
		allow: 'A'
	},
	'POST /api/v1/users/:id/disable': { path: `/users/${id.user}/disable`, allow: 'A' },
	'POST /api/v1/users/:id/enable': { path: `/users/${id.user}/enable`, allow: 'A' },
	'POST /api/v1/users/:id/reset-password': { path: `/users/${id.user}/reset-password`, allow: 'A' },
	'PUT /api/v1/security/users/:id/role': {
		path: `/security/users/${id.user}/role`,
		body: { role: 'office' },
		allow: 'S'
	},
	'POST /api/v1/security/users/:id/unlock': { path: `/security/users/${id.user}/unlock`, allow: 'S' },
	'POST /api/v1/security/users/:id/reset-totp': { path: `/security/users/${id.user}/reset-totp`, allow: 'S' },
	'POST /api/v1/security/users/:id/end-sessions': {
		path: `/security/users/${id.user}/end-sessions`,
		allow: 'S'
	},
	'GET /api/v1/security/sessions': { path: '/security/sessions', allow: 'S' },
	'DELETE /api/v1/security/sessions/:id': { path: `/security/sessions/${id.session}`, allow: 'S' },
	'GET /api/v1/security/policy': { path: '/security/policy', allow: 'S' },
	'PUT /api/v1/security/policy': { path: '/security/policy', body: { passwordMinLength: 20 }, allow: 'S' },
	'GET /api/v1/audit': { path: '/audit', allow: 'D' },
	'GET /api/v1/audit/export': { path: '/audit/export?format=csv', allow: 'D' },
	'GET /api/v1/audit/verify': { path: '/audit/verify', allow: 'D' },
	'GET /api/v1/audit/units': { path: '/audit/units', allow: 'D' },
	'GET /api/v1/reports/mine/:period': { path: '/reports/mine/2020-03', allow: 'UX' },
	'PUT /api/v1/reports/mine/:period': {
		path: '/reports/mine/2020-04',
		body: { revision: null, items: [] },
		allow: 'UX'
	},
	'POST /api/v1/reports/mine/:period/submit': {
		path: '/reports/mine/2020-04/submit',
		body: { revision: null, items: [] },
		allow: 'UX'
	},
	'GET /api/v1/reports': { path: '/reports', allow: 'OLUXC' },
	'GET /api/v1/reports/export': { path: '/reports/export?format=csv', allow: 'OLUXC' },
	'GET /api/v1/reports/:id': { path: `/reports/${id.report}`, allow: 'OLU' },
	'POST /api/v1/reports/:id/accept': { path: `/reports/${id.report}/accept`, allow: 'O' },
	'POST /api/v1/reports/:id/return': {
		path: `/reports/${id.report}/return`,
		body: { reason: '退回' },
		allow: 'O'
	},
	'GET /api/v1/reports/:id/versions': { path: `/reports/${id.report}/versions`, allow: 'OLU' },
	'GET /api/v1/reports/:id/compare': { path: `/reports/${id.report}/compare?from=1&to=1`, allow: 'OLU' },
	'POST /api/v1/requests': {
		path: '/requests',
		body: { kind: 'completion', indicatorId: id.indicator, statement: '完成' },
		allow: 'U'
	},
	'GET /api/v1/requests': { path: '/requests', allow: 'AOLUXC' },
	'GET /api/v1/requests/:id': { path: `/requests/${id.request}`, allow: 'AOLU' },
	'POST /api/v1/requests/:id/decide': {
		path: `/requests/${id.request}/decide`,
		body: { approve: true },
		allow: 'O'
	},
	'GET /api/v1/milestone-plans': { path: '/milestone-plans', allow: 'AOLUXC' },
	'GET /api/v1/milestone-plans/mine': { path: '/milestone-plans/mine', allow: 'UX' },
	'GET /api/v1/milestone-plans/:id': { path: `/milestone-plans/${id.milestonePlan}`, allow: 'AOLU' },
	'POST /api/v1/milestone-plans/:id/decide': {
		path: `/milestone-plans/${id.milestonePlan}/decide`,
		body: { approve: false, note: '退回' },
		allow: 'O'
	},
	'GET /api/v1/indicators/:id/milestones': { path: `/indicators/${id.indicator}/milestones`, allow: 'AOLUM' },
	'PUT /api/v1/indicators/:id/milestones': {
		path: `/indicators/${id.indicator}/milestones`,
		body: { milestones: [{ period: '2020-03', deliverable: '冒名', percent: 50 }] },
		allow: 'U'
	},
	'POST /api/v1/notices': {
		path: '/notices',
		body: { unitId: id.unit, indicatorIds: [id.indicator], level: 'red', message: '冒名' },
		allow: 'O'
	},
	'GET /api/v1/parts': { path: `/parts?indicatorId=${id.indicator}`, allow: 'OLUXC' },
	'GET /api/v1/parts/:id': { path: `/parts/${id.part}`, allow: 'OLU' },
	'POST /api/v1/parts/:id/children': {
		path: `/parts/${id.part}/children`,
		body: { signBy: '2020-04-10', children: [{ unitId: id.unit, dueOn: '2020-04-20' }] },
		allow: 'U'
	},
	'POST /api/v1/parts/:id/sign': { path: `/parts/${id.part}/sign`, allow: 'U' },
	'POST /api/v1/parts/:id/override-sign-off': {
		path: `/parts/${id.part}/override-sign-off`,
		body: { reason: '越级' },
		allow: 'O'
	},
	'GET /api/v1/notices': { path: '/notices', allow: 'AOLUXC' },
	'GET /api/v1/notices/:id': { path: `/notices/${id.notice}`, allow: 'AOLU' },
	'POST /api/v1/notices/:id/acknowledge': { path: `/notices/${id.notice}/acknowledge`, allow: 'U' },
	'POST /api/v1/notices/:id/answers': {
		path: `/notices/${id.notice}/answers`,
		body: { text: '办理情况' },
		allow: 'U'
	},
	'POST /api/v1/notices/:id/review': {
		path: `/notices/${id.notice}/review`,
		body: { accept: true },
		allow: 'O'
	},
	'POST /api/v1/attachments': {
		path: '',
		allow: 'UX',
		skip: 'uploads only ever belong to the caller’s own unit'
	},
	'GET /api/v1/attachments/:id': { path: `/attachments/${id.attachment}`, allow: 'OLU' },
	'GET /api/v1/alerts': { path: '/alerts', allow: 'AOLUXMC' },
	'GET /api/v1/alerts/:id/history': { path: `/alerts/${id.alert}/history`, allow: 'AOLUM' },
	'GET /api/v1/notifications': { path: '/notifications', allow: 'AOLUXC' },
	'POST /api/v1/notifications/read-all': {
		path: '',
		allow: 'AOLUXC',
		skip: 'marks only the caller’s own notifications'
	},
	'POST /api/v1/notifications/:id/read': {
		path: '',
		allow: 'AOLUXC',
		skip: 'marks only the caller’s own notifications'
	},
	'GET /api/v1/mail': { path: '/mail', allow: 'A' },
	'GET /api/v1/mail/jobs': { path: '/mail/jobs', allow: 'A' },
	'POST /api/v1/mail/send-now': { path: '/mail/send-now', allow: 'A' },
	'GET /api/v1/mail/:id': { path: `/mail/${id.mail}`, allow: 'A' },
	'POST /api/v1/mail/:id/retry': { path: `/mail/${id.mail}/retry`, allow: 'A' },
	'GET /api/v1/dashboard/summary': { path: '/dashboard/summary?asOf=2020-04-01', allow: 'OLMC' },
	'GET /api/v1/dashboard/list': { path: '/dashboard/list?asOf=2020-04-01', allow: 'OLMC' },
	'GET /api/v1/dashboard/ranking': { path: '/dashboard/ranking?period=2020-03', allow: 'OLMC' },
	'GET /api/v1/dashboard/unit': { path: `/dashboard/unit?unitId=${id.unit}`, allow: 'OLUXM' },
	'GET /api/v1/bulletins': { path: '/bulletins', allow: 'AOLUXC' },
	'POST /api/v1/bulletins': { path: '/bulletins', body: { period: '2020-03' }, allow: 'OC' },
	'GET /api/v1/bulletins/:id': { path: `/bulletins/${id.draft}`, allow: 'O' },
	'PUT /api/v1/bulletins/:id': {
		path: `/bulletins/${id.draft}`,
		body: { texts: { units: '改' } },
		allow: 'O'
	},
	'POST /api/v1/bulletins/:id/publish': { path: `/bulletins/${id.draft}/publish`, allow: 'O' },
	'GET /api/v1/bulletins/:id/export': {
		path: `/bulletins/${id.bulletin}/export?format=xlsx`,
		allow: 'AOLUXC'
	},
	'GET /api/v1/bulletins/:id/document': { path: `/bulletins/${id.draft}/document`, allow: 'O' },
	'GET /api/v1/scoring/settings': { path: '/scoring/settings', allow: 'OLC' },
	'PUT /api/v1/scoring/settings': { path: '/scoring/settings', body: { scoreBehind: 2 }, allow: 'O' },
	'GET /api/v1/scoring/adjustments': { path: '/scoring/adjustments?period=2020-03', allow: 'OLC' },
	'POST /api/v1/scoring/adjustments': {
		path: '/scoring/adjustments',
		body: { period: '2020-03', unitId: id.unit, points: 2, reason: '经验被推广' },
		allow: 'O'
	},
	'DELETE /api/v1/scoring/adjustments/:id': { path: `/scoring/adjustments/${id.adjustment}`, allow: 'O' },
	'GET /api/v1/service-accounts': { path: '/service-accounts', allow: 'AO' },
	'POST /api/v1/service-accounts': {
		path: '/service-accounts',
		body: { username: 'intruder-bot', name: '冒名' },
		allow: 'AO'
	},
	'POST /api/v1/service-accounts/:id/tokens': { path: `/service-accounts/${id.service}/tokens`, allow: 'AO' },
	'DELETE /api/v1/service-accounts/:id/tokens/:tokenId': {
		path: `/service-accounts/${id.service}/tokens/${id.token}`,
		allow: 'AO'
	}
});

/**
 * The bulletin routes again on 杭州's own bulletins (the table above has the province's): the province reads
 * them but writes only its own; 杭州 writes its own; the provincial units, outside 杭州, do not read them.
 * 杭州 reads the province's published bulletin (sent to every city), never its drafts.
 */
const levelCases = (): [string, Case][] => [
	['GET /api/v1/bulletins/:id', { path: `/bulletins/${id.bulletin}`, allow: 'AOLUXC' }],
	['GET /api/v1/bulletins/:id', { path: `/bulletins/${id.cityDraft}`, allow: 'OC' }],
	['GET /api/v1/bulletins/:id', { path: `/bulletins/${id.cityBulletin}`, allow: 'AOLC' }],
	[
		'PUT /api/v1/bulletins/:id',
		{ path: `/bulletins/${id.cityDraft}`, body: { texts: { units: '改' } }, allow: 'C' }
	],
	['POST /api/v1/bulletins/:id/publish', { path: `/bulletins/${id.cityDraft}/publish`, allow: 'C' }],
	[
		'GET /api/v1/bulletins/:id/export',
		{ path: `/bulletins/${id.cityBulletin}/export?format=docx`, allow: 'AOLC' }
	],
	['GET /api/v1/bulletins/:id/document', { path: `/bulletins/${id.cityBulletin}/document`, allow: 'AOLC' }],
	['GET /api/v1/bulletins', { path: `/bulletins?issuer=province`, allow: 'AOLUXC' }]
];

async function fingerprint() {
	const tables = [
		'report',
		'report_item',
		'request',
		'urge_notice',
		'notice_answer',
		'notification',
		'unit_news',
		'indicator',
		'assignment',
		'pending_group',
		'unit_group',
		'bulletin',
		'outbox',
		'user',
		'plan',
		'attachment',
		'session',
		'setting',
		'holiday',
		'indicator_event',
		'indicator_target',
		'score_adjustment',
		'service_token',
		'milestone_plan',
		'milestone'
	];
	const rows = await Promise.all(tables.map((t) => query(s.db, sql.raw(`select * from "${t}" order by 1`))));
	return rows.map((r) => JSON.stringify(r)).join('\n');
}

describe('authorisation matrix', () => {
	it('covers every route of the router table', () => {
		const routes = createApp(s.deps)
			.routes.filter(
				(r) => r.path.startsWith('/api/v1/') && r.method !== 'ALL' && !r.path.endsWith('openapi.json')
			)
			.map((r) => `${r.method} ${r.path}`);
		const table = cases();
		expect([...new Set(routes)].filter((r) => !(r in table))).toEqual([]);
		expect(Object.keys(table).filter((k) => !routes.includes(k))).toEqual([]);
	});

	it('every route × every role: refused with 403/404 and no change unless allowed; allowed reads succeed', async () => {
		const table = cases();
		let checked = 0;
		for (const [route, c] of [...Object.entries(table), ...levelCases()]) {
			if (c.skip) continue;
			const method = route.split(' ')[0]!;
			for (const who of EVERYONE) {
				const allowed = c.allow.includes(who);
				// Allowed changes are exercised by the feature tests; here they would change the shared data.
				if (allowed && method !== 'GET') continue;
				const before = allowed ? '' : await fingerprint();
				const res = await as[who].request(method, `/api/v1${c.path}`, c.body);
				checked++;
				if (allowed) {
					expect(res.status, `${who} ${route}`).toBeLessThan(400);
				} else {
					expect([403, 404], `${who} ${route} → ${res.status}`).toContain(res.status);
					expect(await fingerprint(), `${who} ${route} changed data`).toBe(before);
				}
			}
		}
		console.log(
			`authorisation matrix: ${Object.keys(table).length} routes × ${EVERYONE.length} callers, ${checked} calls checked`
		);
		expect(checked).toBeGreaterThan(200);
		// A thousand calls, each refusal followed by a fingerprint of 25 tables: minutes on PostgreSQL under load.
	}, 300_000);
});

describe('input outside the limits, on every route of the matrix', () => {
	/** The route's dates and periods moved to where Date.UTC once cycled (years 0–99) or past the window. */
	const outOfWindow = (text: string) =>
		text.replace(/\b20\d\d-\d\d-\d\d\b/g, '0050-01-01').replace(/\b20\d\d-\d\d\b/g, '9999-12');

	it('a date or period outside 2000–2099 is a 400 for whoever may call the route, refused for the rest; nothing changes', async () => {
		let checked = 0;
		for (const [route, c] of Object.entries(cases())) {
			const body = c.body === undefined ? undefined : JSON.parse(outOfWindow(JSON.stringify(c.body)));
			const path = outOfWindow(c.path);
			if (c.skip || (path === c.path && JSON.stringify(body) === JSON.stringify(c.body))) continue;
			for (const who of EVERYONE) {
				const before = await fingerprint();
				const res = await as[who].request(route.split(' ')[0]!, `/api/v1${path}`, body);
				const expected = c.allow.includes(who) ? [400] : [400, 403, 404];
				expect(expected, `${who} ${route} ${path} → ${res.status}`).toContain(res.status);
				expect(await fingerprint(), `${who} ${route} changed data`).toBe(before);
				checked++;
			}
		}
		console.log(`authorisation matrix: ${checked} calls with dates outside the window, all refused`);
		expect(checked).toBeGreaterThan(40);
	});

	it('a body over 1 MB is a 413 on every route that takes one, for every caller; nothing changes', async () => {
		const pad = 'x'.repeat(1024 * 1024);
		// The report save takes more from a signed-in caller (fuzz and input-limits cover it); uploads are forms.
		const larger = /reports\/mine|attachments|imports/;
		let checked = 0;
		for (const [route, c] of Object.entries(cases())) {
			if (c.skip || c.body === undefined || larger.test(c.path)) continue;
			for (const who of EVERYONE) {
				const before = await fingerprint();
				const res = await sendBody(s.base, route.split(' ')[0]!, c.path, { ...c.body, pad }, as[who]);
				expect(res.status, `${who} ${route}`).toBe(413);
				expect(res.data.error.code).toBe('payload_too_large');
				expect(await fingerprint(), `${who} ${route} changed data`).toBe(before);
				checked++;
			}
		}
		console.log(`authorisation matrix: ${checked} oversized bodies, all 413`);
		expect(checked).toBeGreaterThan(50);
	});
});

describe('separation of duties (三员分立)', () => {
	it('the audit admin gets 403 on everything but the audit log, and every refusal is an audit row', async () => {
		const denials = async () =>
			(
				await query<{ n: number }>(
					s.db,
					sql`select count(*) as n from audit_log where action = 'authz.denied' and username = ${as.D.username}`
				)
			)[0]!;
		const before = (await denials()).n;
		let refused = 0;
		for (const [route, c] of Object.entries(cases())) {
			if (c.skip || /^\/(audit|auth|health)\b/.test(c.path)) continue;
			const res = await as.D.request(route.split(' ')[0]!, `/api/v1${c.path}`, c.body);
			expect(res.status, `auditor ${route}`).toBe(403);
			refused++;
		}
		expect(refused).toBeGreaterThan(60);
		console.log(`audit admin: ${refused} routes outside the audit log refused, each an audit row`);
		expect((await denials()).n - before).toBe(refused);
	});

	it('the security admin reaches only accounts, sessions and policies; no administrator makes business decisions', async () => {
		for (const who of ['A', 'S', 'D'] as Who[]) {
			for (const [route, c] of Object.entries(cases())) {
				// Service accounts are business accounts the system admin keeps (with the office): not a decision.
				if (
					c.skip ||
					route.startsWith('GET') ||
					!/[OLU]/.test(c.allow) ||
					c.path.startsWith('/service-accounts')
				)
					continue;
				const res = await as[who].request(route.split(' ')[0]!, `/api/v1${c.path}`, c.body);
				expect([403, 404], `${who} ${route}`).toContain(res.status);
			}
		}
		expect((await as.S.get('/api/v1/plans')).status).toBe(403);
		expect((await as.S.get('/api/v1/users')).status).toBe(200);
	});

	it('role round trips never cross the account kind: every cross-kind change is refused and changes nothing', async () => {
		const users = (await as.S.get('/api/v1/users')).data.items as {
			id: number;
			username: string;
			role: string;
		}[];
		const idOf = (who: Who) => users.find((u) => u.username === as[who].username)!.id;
		const business: Who[] = ['O', 'L', 'U'];
		const admins: Who[] = ['A', 'D'];
		let refused = 0;
		for (const [targets, roles] of [
			[business, ['admin', 'security', 'auditor']],
			[admins, ['office', 'leader', 'unit']]
		] as const) {
			for (const who of targets) {
				for (const role of roles) {
					const before = await fingerprint();
					const body = role === 'unit' ? { role, unitName: '省司法厅' } : { role };
					const res = await as.S.put(`/api/v1/security/users/${idOf(who)}/role`, body);
					expect(res.status, `${who} → ${role}`).toBe(422);
					expect(res.data.error.code).toBe('unprocessable');
					expect(await fingerprint(), `${who} → ${role} changed data`).toBe(before);
					// Whoever may not reset the account before the attempt still may not after it.
					const reset = await (targets === business ? as.S : as.A).post(
						`/api/v1/users/${idOf(who)}/reset-password`
					);
					expect(reset.status, `reset ${who} after → ${role}`).toBe(403);
					refused++;
				}
			}
		}
		expect(refused).toBe(15);
		// The callers are still signed in with their old roles.
		expect((await as.O.get('/api/v1/auth/me')).data.user.role).toBe('office');
		expect((await as.D.get('/api/v1/audit')).status).toBe(200);
	});
});
