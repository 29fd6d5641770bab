import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../../tasks/index.ts';
import {
	csvTable,
	importForm,
	importPlan,
	startTestServer,
	type Client,
	type TestServer
} from '../support/harness.ts';

/**
 * Supervision by subtree: a city's supervisor (the office role with 杭州市政府 as its unit) has the office's
 * tools over 杭州市政府 and everything under it, and nothing else — 宁波's counties and the provincial
 * departments do not exist for it, by list or by guessed id. Its own government's work goes to the level
 * above. The directory is a tree the office maintains without cycles, and retires units from a year on.
 */
let s: TestServer;
let office: Client;
let hzdb: Client;
const unitIds: Record<string, number> = {};
const ids: Record<string, number> = {};
const reportOf: Record<string, number> = {};
const requestOf: Record<string, number> = {};
const noticeOf: Record<string, number> = {};
const OWNERS = {
	西湖指标: '西湖区政府',
	杭州市指标: '杭州市政府',
	海曙指标: '海曙区政府',
	省厅指标: '省司法厅'
};
const HANGZHOU = ['西湖区政府', '杭州市政府'];
const OTHERS = ['海曙区政府', '省司法厅'];

const patch = (c: Client, path: string, body: unknown) => c.request('PATCH', path, body);
const text = (res: { data: ArrayBuffer }) => new TextDecoder().decode(res.data);
const namesIn = (text: string) => Object.values(OWNERS).filter((n) => text.includes(n));

beforeAll(async () => {
	s = await startTestServer({ start: new Date('2020-04-05T02:00:00Z') });
	office = await s.as('office');
	const plan = await importPlan(
		office,
		Object.entries(OWNERS).map(([text, unit]) => ['领域', '', `${unit}任务`, text, '2020年3月底前', unit]),
		2020,
		'2020-03-01'
	);
	Object.assign(ids, plan.ids);
	for (const u of (await office.get('/api/v1/units')).data.items) unitIds[u.name] = u.id;
	for (const [text, unit] of Object.entries(OWNERS)) {
		const reporter = await s.as('unit', unit);
		const items = [{ indicatorId: ids[text], progressStatus: 'behind', progress: `${unit}的进展` }];
		reportOf[unit] = (
			await reporter.post('/api/v1/reports/mine/2020-03/submit', { revision: null, items })
		).data.report.id;
		requestOf[unit] = (
			await reporter.post('/api/v1/requests', {
				kind: 'extension',
				indicatorId: ids[text],
				newDueOn: '2020-06-30',
				statement: '申请延期'
			})
		).data.id;
		noticeOf[unit] = (
			await office.post('/api/v1/notices', {
				unitId: unitIds[unit],
				indicatorIds: [ids[text]],
				level: 'blue',
				message: '请加快进度'
			})
		).data.id;
	}
	await runJob('daily', { ...s.deps, mailer: null }, s.clock.now());
	hzdb = await s.as('office', '杭州市政府');
});
afterAll(() => s.close());

describe('a city supervisor sees its subtree only', () => {
	it('the directory: 杭州市政府 and its 13 districts and counties, nothing of 宁波 or the province', async () => {
		const names = (await hzdb.get('/api/v1/units')).data.items.map((u: { name: string }) => u.name);
		expect(names).toContain('杭州市政府');
		expect(names).toContain('西湖区政府');
		expect(names).toHaveLength(14);
		for (const other of ['宁波市政府', '海曙区政府', '省司法厅', '省大数据局'])
			expect(names).not.toContain(other);
	});

	it('indicators, their detail and exports', async () => {
		const list = (await hzdb.get('/api/v1/indicators?pageSize=100')).data.items.map(
			(i: { text: string }) => i.text
		);
		expect(list.sort()).toEqual(['杭州市指标', '西湖指标']);
		for (const hidden of ['海曙指标', '省厅指标'])
			expect((await hzdb.get(`/api/v1/indicators/${ids[hidden]}`)).status).toBe(404);
		const csv = text(await hzdb.get('/api/v1/indicators/export?format=csv'));
		expect(csv).toContain('西湖指标');
		expect(csv).not.toContain('海曙指标');
		expect(csv).not.toContain('省厅指标');
		expect((await office.get('/api/v1/indicators?pageSize=100')).data.items).toHaveLength(4);
	});

	it('dashboard, red list and ranking', async () => {
		const summary = (await hzdb.get('/api/v1/dashboard/summary?asOf=2020-04-05')).data;
		expect(summary.tiles.indicators).toBe(2);
		const rows = summary.matrix.rows.map((r: { unit: { name: string } }) => r.unit.name);
		expect(rows.sort()).toEqual([...HANGZHOU].sort());
		const red = (await hzdb.get('/api/v1/dashboard/list?asOf=2020-04-05&kind=red')).data.items;
		expect(red.map((i: { text: string }) => i.text).sort()).toEqual(['杭州市指标', '西湖指标']);
		for (const i of red) for (const u of i.units) expect(HANGZHOU).toContain(u.name);
		const ranking = (await hzdb.get('/api/v1/dashboard/ranking?period=2020-03')).data;
		const ranked = ranking.items.map((r: { unit: { name: string } }) => r.unit.name);
		expect(ranked.length).toBeGreaterThan(0);
		for (const name of ranked) expect(HANGZHOU).toContain(name);
		// Re-ranked among themselves: each category's first row is first.
		const firstOf = new Map<string, number>();
		for (const r of ranking.items as { category: string; rank: number }[])
			if (!firstOf.has(r.category)) firstOf.set(r.category, r.rank);
		expect([...firstOf.values()].every((rank) => rank === 1)).toBe(true);
		const province = (await office.get('/api/v1/dashboard/summary?asOf=2020-04-05')).data;
		expect(province.tiles.indicators).toBe(4);
	});

	it('the review queue, requests, notices and alerts, and their exports', async () => {
		const reports = (await hzdb.get('/api/v1/reports')).data.items.map(
			(r: { unit: { name: string } }) => r.unit.name
		);
		expect(reports.sort()).toEqual([...HANGZHOU].sort());
		const requests = (await hzdb.get('/api/v1/requests')).data.items.map(
			(r: { unitName: string }) => r.unitName
		);
		expect(requests.sort()).toEqual([...HANGZHOU].sort());
		const notices = (await hzdb.get('/api/v1/notices')).data.items.map(
			(n: { unit: { name: string } }) => n.unit.name
		);
		expect(notices.sort()).toEqual([...HANGZHOU].sort());
		const alerts = (await hzdb.get('/api/v1/alerts')).data.items;
		expect(alerts.length).toBeGreaterThan(0);
		for (const a of alerts) expect(HANGZHOU).toContain(a.unit?.name);
		const csv = text(await hzdb.get('/api/v1/reports/export?format=csv'));
		expect(namesIn(csv).sort()).toEqual([...HANGZHOU].sort());
	});

	it('guessed ids of 宁波 and the province are 404, reading or writing', async () => {
		for (const unit of OTHERS) {
			expect((await hzdb.get(`/api/v1/reports/${reportOf[unit]}`)).status).toBe(404);
			expect((await hzdb.post(`/api/v1/reports/${reportOf[unit]}/accept`, {})).status).toBe(404);
			expect((await hzdb.get(`/api/v1/requests/${requestOf[unit]}`)).status).toBe(404);
			expect((await hzdb.post(`/api/v1/requests/${requestOf[unit]}/decide`, { approve: true })).status).toBe(
				404
			);
			expect((await hzdb.get(`/api/v1/notices/${noticeOf[unit]}`)).status).toBe(404);
			expect((await hzdb.get(`/api/v1/dashboard/unit?unitId=${unitIds[unit]}`)).status).toBe(404);
			const notice = await hzdb.post('/api/v1/notices', {
				unitId: unitIds[unit],
				indicatorIds: [ids[Object.keys(OWNERS).find((k) => OWNERS[k as keyof typeof OWNERS] === unit)!]],
				level: 'red',
				message: '越级督办'
			});
			expect(notice.status).toBe(404);
			expect(notice.data.error.key).toBe('not_found.unit');
		}
		expect((await hzdb.get(`/api/v1/dashboard/unit?unitId=${unitIds['西湖区政府']}`)).status).toBe(200);
	});

	it('decides for the units below it; its own government’s work goes to the province', async () => {
		const back = await hzdb.post(`/api/v1/reports/${reportOf['西湖区政府']}/return`, {
			reason: '请补充数据'
		});
		expect(back.status).toBe(200);
		const own = await hzdb.post(`/api/v1/reports/${reportOf['杭州市政府']}/accept`, {});
		expect(own.status).toBe(403);
		expect(own.data.error.key).toBe('role.level_above');
		const decided = await hzdb.post(`/api/v1/requests/${requestOf['西湖区政府']}/decide`, { approve: true });
		expect(decided.status).toBe(200);
		const urged = await hzdb.post('/api/v1/notices', {
			unitId: unitIds['西湖区政府'],
			indicatorIds: [ids['西湖指标']],
			level: 'yellow',
			message: '请于三日内报送进展'
		});
		expect(urged.status).toBe(201);
		// In 杭州's own series; issued at once with the province's, each series stays gapless and distinct.
		expect(urged.data.number).toBe('杭州市督办〔2020〕1号');
		const urge = (c: Client) =>
			c.post('/api/v1/notices', {
				unitId: unitIds['西湖区政府'],
				indicatorIds: [ids['西湖指标']],
				level: 'blue',
				message: '请加快进度'
			});
		const numbers = (await Promise.all([urge(hzdb), urge(hzdb), urge(office), urge(office)])).map(
			(r) => r.data.number as string
		);
		const issuedBefore = Object.keys(noticeOf).length;
		expect(numbers.filter((n) => n.startsWith('杭州市')).sort()).toEqual([
			'杭州市督办〔2020〕2号',
			'杭州市督办〔2020〕3号'
		]);
		expect(numbers.filter((n) => !n.startsWith('杭州市')).sort()).toEqual(
			[issuedBefore + 1, issuedBefore + 2].map((n) => `督办〔2020〕${n}号`).sort()
		);
		// The unit reads the number as issued.
		const xihu = await s.as('unit', '西湖区政府');
		expect((await xihu.get(`/api/v1/notices/${urged.data.id}`)).data.number).toBe('杭州市督办〔2020〕1号');
		// The plan itself stays the province's.
		const imported = await hzdb.post(
			'/api/v1/imports',
			importForm(csvTable([['a']]), { title: 'x', year: '2020' })
		);
		expect(imported.status).toBe(403);
	});
});

describe('bulletins per level', () => {
	type Bulletin = { id: number; number: string | null; issuer: { name: string } | null };
	const provincial: number[] = [];
	let own = 0;
	const publish = (c: Client, id: number) => c.post(`/api/v1/bulletins/${id}/publish`);
	const draft = async (c: Client) =>
		(await c.post('/api/v1/bulletins', { period: '2020-03' })).data.id as number;

	it('a city supervisor writes and publishes its own: about 杭州 only, in its own series, beside the province’s', async () => {
		provincial.push(await draft(office));
		expect((await publish(office, provincial[0]!)).data.number).toBe('督查通报〔2020〕1号');

		// As of today, when 杭州's indicators (due at the end of March) are overdue.
		const made = await hzdb.post('/api/v1/bulletins', { period: '2020-03', asOf: '2020-04-05' });
		expect(made.status).toBe(201);
		own = made.data.id;
		expect(made.data.issuer).toEqual({ unitId: unitIds['杭州市政府'], name: '杭州市政府' });
		expect(made.data.title).toBe('关于2020年3月杭州市政府数字化转型工作进展情况的通报');
		expect(made.data.content.office).toBe('杭州市推进政府数字化转型联席会议办公室');
		const content = JSON.stringify(made.data.content);
		for (const name of HANGZHOU) expect(content).toContain(name);
		for (const name of OTHERS) expect(content).not.toContain(name);
		expect(made.data.content.texts.overview).toContain('杭州市承担的工作要点共2项指标');
		// The red list, report matrix and ranking are the dashboard's for 杭州, re-ranked from 1.
		const overdue = made.data.content.tables.overdue.map((r: { indicator: string }) => r.indicator);
		expect(overdue).toContain('杭州市指标');
		for (const text of overdue) expect(['杭州市指标', '西湖指标']).toContain(text);
		const reported = made.data.content.tables.reportStatus.map((r: { unit: string }) => r.unit);
		expect(reported.sort()).toEqual([...HANGZHOU].sort());
		const ranking = made.data.content.tables.ranking as { unit: { name: string }; rank: number }[];
		expect(ranking.length).toBeGreaterThan(0);
		for (const r of ranking) expect(HANGZHOU).toContain(r.unit.name);
		expect(ranking.some((r) => r.rank === 1)).toBe(true);

		const edited = await hzdb.put(`/api/v1/bulletins/${own}`, { texts: { next: '杭州下月安排' } });
		expect(edited.status).toBe(200);
		const published = await publish(hzdb, own);
		expect(published.status).toBe(200);
		expect(published.data.number).toBe('杭州市督查通报〔2020〕1号');
		const rectified = published.data.rectification.map((n: { unit: string }) => n.unit);
		expect(rectified).toContain('杭州市政府');
		for (const name of rectified) expect(HANGZHOU).toContain(name);
		const doc = (await hzdb.get(`/api/v1/bulletins/${own}/document`)).data;
		expect(doc.issuer).toBe('杭州市推进政府数字化转型联席会议办公室');
		expect(doc.docNumber).toBe('杭州市督查通报〔2020〕1号');
		expect(doc.mainRecipients).toBe('杭州市各有关单位：');
		const docx = await hzdb.get(`/api/v1/bulletins/${own}/export?format=docx`);
		expect(docx.status).toBe(200);

		// The province's series goes on from its own last number.
		provincial.push(await draft(office));
		expect((await publish(office, provincial[1]!)).data.number).toBe('督查通报〔2020〕2号');
	});

	it('concurrent publishes, of both levels, get distinct numbers in their own series', async () => {
		const drafts = [await draft(hzdb), await draft(hzdb), await draft(hzdb)];
		const theirs = [await draft(office), await draft(office)];
		const done = await Promise.all([
			...drafts.map((id) => publish(hzdb, id)),
			...theirs.map((id) => publish(office, id)),
			publish(hzdb, drafts[0]!)
		]);
		const numbers = done.filter((r) => r.status === 200).map((r) => r.data.number as string);
		// The same draft published twice at once is numbered once; the second is refused.
		expect(done.filter((r) => r.status === 409)).toHaveLength(1);
		expect(numbers.filter((n) => n.startsWith('杭州市')).sort()).toEqual(
			[2, 3, 4].map((n) => `杭州市督查通报〔2020〕${n}号`)
		);
		expect(numbers.filter((n) => !n.startsWith('杭州市')).sort()).toEqual(
			[3, 4].map((n) => `督查通报〔2020〕${n}号`)
		);
		provincial.push(...theirs);
	});

	it('each level lists its own and the published ones above it; the province all, by issuer; units the levels above them', async () => {
		const list = async (c: Client, q = '') =>
			(await c.get(`/api/v1/bulletins?pageSize=100${q}`)).data.items as Bulletin[];
		// 杭州's supervisor reads its own four and the province's four published ones (sent to every city),
		// never the province's drafts.
		const provincialDraft = await draft(office);
		const mine = await list(hzdb);
		expect(mine.filter((b) => b.issuer?.name === '杭州市政府')).toHaveLength(4);
		expect(
			mine
				.filter((b) => b.issuer === null)
				.map((b) => b.id)
				.sort()
		).toEqual([...provincial].sort());
		expect(mine).toHaveLength(8);
		expect((await hzdb.get(`/api/v1/bulletins/${provincial[0]}`)).status).toBe(200);
		expect((await hzdb.get(`/api/v1/bulletins/${provincialDraft}`)).status).toBe(404);
		expect(await list(office)).toHaveLength(9);
		expect((await list(office, '&issuer=province')).map((b) => b.issuer)).toEqual(Array(5).fill(null));
		expect(await list(office, `&issuer=${unitIds['杭州市政府']}`)).toHaveLength(4);
		// The province reads 杭州's but does not write in its name.
		const other = await draft(hzdb);
		expect((await office.get(`/api/v1/bulletins/${other}`)).status).toBe(200);
		const refused = await publish(office, other);
		expect(refused.status).toBe(403);
		expect(refused.data.error.key).toBe('bulletin.other_level');
		expect((await office.put(`/api/v1/bulletins/${other}`, { texts: { next: '改' } })).status).toBe(403);
		// 杭州 reads the province's but does not write in its name either.
		const overwritten = await hzdb.put(`/api/v1/bulletins/${provincial[0]}`, { texts: { next: '改' } });
		expect(overwritten.status).toBe(403);
		expect(overwritten.data.error.key).toBe('bulletin.other_level');

		// 西湖区 reads 杭州's and the province's; 海曙区 the province's only.
		const xihu = await s.as('unit', '西湖区政府');
		const xihuReads = await list(xihu);
		expect(xihuReads.map((b) => b.id)).toContain(own);
		expect(xihuReads.filter((b) => b.issuer === null)).toHaveLength(4);
		expect(xihuReads.map((b) => b.id)).not.toContain(other);
		const haishu = await s.as('unit', '海曙区政府');
		expect((await list(haishu)).every((b) => b.issuer === null)).toBe(true);
		expect((await haishu.get(`/api/v1/bulletins/${own}`)).status).toBe(404);
	});

	it('宁波’s supervisor, made through the API, reads none of 杭州’s', async () => {
		const admin = await s.as('admin');
		const made = await admin.post('/api/v1/users', {
			username: 'nbdb',
			name: '宁波市督查员',
			role: 'office',
			unitName: '宁波市政府',
			password: 'Ningbo#Supervise2020'
		});
		expect(made.status, JSON.stringify(made.data)).toBe(201);
		const nbdb = s.anonymous();
		expect(
			(await nbdb.post('/api/v1/auth/login', { username: 'nbdb', password: 'Ningbo#Supervise2020' })).status
		).toBe(200);
		// Its first password is the administrator's: changed before anything else.
		const changed = await nbdb.post('/api/v1/auth/password', {
			currentPassword: 'Ningbo#Supervise2020',
			newPassword: 'Yongjiang#Watch2020'
		});
		expect(changed.status).toBe(200);
		// The province's published bulletins, and nothing of 杭州's.
		const reads = (await nbdb.get('/api/v1/bulletins?pageSize=100')).data.items as Bulletin[];
		expect(reads.map((b) => b.id).sort()).toEqual([...provincial].sort());
		for (const path of [`/${own}`, `/${own}/document`, `/${own}/export?format=docx`])
			expect((await nbdb.get(`/api/v1/bulletins${path}`)).status).toBe(404);
		expect((await nbdb.put(`/api/v1/bulletins/${own}`, { texts: { next: '改' } })).status).toBe(404);
		// Its own series starts at 1 too.
		const ningbo = (await nbdb.post('/api/v1/bulletins', { period: '2020-03' })).data;
		expect(JSON.stringify(ningbo.content)).toContain('海曙区政府');
		expect(JSON.stringify(ningbo.content)).not.toContain('西湖区政府');
		expect((await publish(nbdb, ningbo.id)).data.number).toBe('宁波市督查通报〔2020〕1号');
		expect((await hzdb.get(`/api/v1/bulletins/${ningbo.id}`)).status).toBe(404);
	});
});

describe('the directory as a tree', () => {
	it('a city supervisor adds a department under its level, never elsewhere; the tree refuses cycles', async () => {
		const added = await hzdb.post('/api/v1/units', {
			name: '西湖区数据资源局',
			kind: 'other',
			parentId: unitIds['西湖区政府']
		});
		expect(added.status).toBe(201);
		expect(added.data.parentId).toBe(unitIds['西湖区政府']);
		// No parent given: under its own government.
		const own = await hzdb.post('/api/v1/units', { name: '杭州市数据资源局', kind: 'other' });
		expect(own.data.parentId).toBe(unitIds['杭州市政府']);
		const elsewhere = await hzdb.post('/api/v1/units', {
			name: '海曙区数据局',
			kind: 'other',
			parentId: unitIds['海曙区政府']
		});
		expect(elsewhere.status).toBe(404);
		// Moved within 杭州; its own government it may not move.
		const moved = await patch(hzdb, `/api/v1/units/${added.data.id}`, { parentId: unitIds['杭州市政府'] });
		expect(moved.status).toBe(200);
		expect(moved.data.parentId).toBe(unitIds['杭州市政府']);
		expect((await patch(hzdb, `/api/v1/units/${unitIds['杭州市政府']}`, { parentId: null })).status).toBe(
			403
		);
		// A unit under its own descendant: refused, nothing changed.
		const cycle = await patch(office, `/api/v1/units/${unitIds['杭州市政府']}`, { parentId: own.data.id });
		expect(cycle.status).toBe(409);
		expect(cycle.data.error.key).toBe('unit.cycle');
		expect(cycle.data.error.message).toContain('下属单位');
		const self = await patch(office, `/api/v1/units/${unitIds['西湖区政府']}`, {
			parentId: unitIds['西湖区政府']
		});
		expect(self.status).toBe(409);
		const hz = (await office.get(`/api/v1/units?under=${unitIds['杭州市政府']}`)).data.items;
		expect(hz.find((u: { name: string }) => u.name === '杭州市政府').parentId).toBeNull();
		expect(hz).toHaveLength(16);
	});

	it('a 2021 directory no longer offers 下城区, and a 2021 plan cannot assign work to it', async () => {
		const in2020 = (await office.get('/api/v1/units?year=2020')).data.items.map(
			(u: { name: string }) => u.name
		);
		const in2021 = (await office.get('/api/v1/units?year=2021')).data.items.map(
			(u: { name: string }) => u.name
		);
		expect(in2020).toContain('下城区政府');
		expect(in2021).not.toContain('下城区政府');
		expect(in2021).not.toContain('江干区政府');
		expect(in2021).toContain('西湖区政府');
		const res = await office.post(
			'/api/v1/imports',
			importForm(csvTable([['领域', '', '任务', '指标', '2021年6月底前', '下城区政府']]), {
				title: '2021年工作要点',
				year: '2021'
			})
		);
		expect(res.status).toBe(422);
		expect(JSON.stringify(res.data)).toContain('自2021年起已撤销');
	});
});
