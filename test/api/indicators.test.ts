import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvTable, importForm, planTitle, startTestServer, type TestServer } from '../support/harness.ts';

let s: TestServer;
let office: Awaited<ReturnType<TestServer['as']>>;
let planId: number;
const ids: Record<string, number> = {};

const unitId = async (name: string) =>
	(await office.get('/api/v1/units')).data.items.find((u: { name: string }) => u.name === name).id as number;

beforeAll(async () => {
	s = await startTestServer();
	office = await s.as('office');
	const rows = [
		['领域一', '子领域甲', '任务A', '甲指标：大数据局牵头', '2020年3月底前', '省大数据局、省财政厅'],
		['领域一', '子领域甲', '任务A', '乙指标：财政厅牵头', '2020年6月底前', '省财政厅、省大数据局'],
		['领域一', '子领域乙', '任务B', '丙指标：仅市场监管局', '2020年9月底前', '省市场监管局'],
		['领域二', '子领域丙', '任务C', '丁指标：各设区市', '2020年12月底前', '各设区市政府'],
		['领域二', '子领域丙', '任务C', '戊指标：待明确单位', '2020年11月底前', '省级有关单位']
	];
	const res = await office.post(
		'/api/v1/imports',
		importForm(csvTable(rows), { title: planTitle(), year: '2020' })
	);
	planId = res.data.planId;
	const list = await office.get(`/api/v1/indicators?planId=${planId}`);
	for (const item of list.data.items) ids[item.text.slice(0, 1)] = item.id;
});
afterAll(() => s.close());

const texts = (res: { data: { items: { text: string }[] } }) => res.data.items.map((i) => i.text.slice(0, 1));

describe('indicator list filters and paging', () => {
	it('filters by unit and role, section, due range, text and unresolved groups', async () => {
		const dsj = await unitId('省大数据局');
		const q = (query: string) => office.get(`/api/v1/indicators?planId=${planId}&${query}`);
		expect(texts(await q(`unitId=${dsj}`))).toEqual(['甲', '乙']);
		expect(texts(await q(`unitId=${dsj}&role=lead`))).toEqual(['甲']);
		expect(texts(await q(`unitId=${dsj}&role=co`))).toEqual(['乙']);
		expect(texts(await q(`unitId=${await unitId('宁波市政府')}`))).toEqual(['丁']);
		expect(texts(await q('dueFrom=2020-06-01&dueTo=2020-09-30'))).toEqual(['乙', '丙']);
		expect(texts(await q('q=市场监管'))).toEqual(['丙']);
		expect(texts(await q('unresolved=1'))).toEqual(['戊']);
		expect(texts(await q('sort=-due&pageSize=2'))).toEqual(['丁', '戊']);
		const plan = await office.get(`/api/v1/plans/${planId}`);
		const sub = plan.data.sections[0].children.find((c: { name: string }) => c.name === '子领域乙');
		expect(texts(await q(`sectionId=${sub.id}`))).toEqual(['丙']);
		expect(texts(await q(`sectionId=${plan.data.sections[1].id}`))).toEqual(['丁', '戊']);
	});

	it('pages with totals', async () => {
		const page2 = await office.get(`/api/v1/indicators?planId=${planId}&pageSize=2&page=2`);
		expect(page2.data).toMatchObject({ total: 5, page: 2, pageSize: 2 });
		expect(texts(page2)).toEqual(['丙', '丁']);
	});

	it('rejects bad filters with 400 and says which', async () => {
		const res = await office.get('/api/v1/indicators?dueFrom=2020-13-01&pageSize=9999');
		expect(res.status).toBe(400);
		expect(res.data.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
			'dueFrom',
			'pageSize'
		]);
	});

	it('plan detail counts tasks and indicators per section', async () => {
		const plan = await office.get(`/api/v1/plans/${planId}`);
		expect(
			plan.data.sections.map((s: { name: string; tasks: number; indicators: number }) => [
				s.name,
				s.tasks,
				s.indicators
			])
		).toEqual([
			['领域一', 2, 3],
			['领域二', 1, 2]
		]);
	});
});

describe('a unit user sees only its own unit', () => {
	it('never sees another unit’s indicator through any filter', async () => {
		const unit = await s.as('unit', '省市场监管局');
		const base = `/api/v1/indicators?planId=${planId}`;
		const dsj = await unitId('省大数据局');
		for (const query of [
			'',
			`&unitId=${dsj}`,
			'&q=指标',
			'&unresolved=1',
			'&role=co',
			'&sort=due&pageSize=500'
		]) {
			const res = await unit.get(base + query);
			expect(res.status).toBe(200);
			expect(
				texts(res).every((t) => t === '丙'),
				query
			).toBe(true);
		}
		const units = (await office.get('/api/v1/units')).data.items;
		const counts = Object.fromEntries(units.map((u: any) => [u.name, u.assignments]));
		expect(counts['省市场监管局']).toBe(1);
		expect(counts['省大数据局']).toBe(2);
		const plans = await unit.get('/api/v1/plans');
		expect(plans.data.items.find((p: { id: number }) => p.id === planId).indicators).toBe(1);
	});

	it('gets 404 on another unit’s indicator and 403 on office actions, changing nothing', async () => {
		const unit = await s.as('unit', '杭州市政府');
		expect((await unit.get(`/api/v1/indicators/${ids['丁']}`)).status).toBe(200);
		const other = await unit.get(`/api/v1/indicators/${ids['甲']}`);
		expect(other.status).toBe(404);
		expect(other.data.error.message).toBe('指标不存在或无权查看');
		const groups = await office.get('/api/v1/units/groups');
		const placeholder = groups.data.items.find((g: { name: string }) => g.name === '省级有关单位');
		const res = await unit.post(`/api/v1/indicators/${ids['戊']}/resolve-group`, {
			groupId: placeholder.id,
			unitIds: [await unitId('杭州市政府')]
		});
		expect(res.status).toBe(403);
		expect((await office.get(`/api/v1/indicators/${ids['戊']}`)).data.pendingGroups[0].resolved).toBe(false);
	});
});

describe('resolving 省级有关单位', () => {
	it('the office resolves the placeholder to concrete units with the placeholder’s role', async () => {
		const groups = await office.get('/api/v1/units/groups');
		const placeholder = groups.data.items.find((g: { name: string }) => g.name === '省级有关单位');
		const units = [await unitId('省教育厅'), await unitId('省体育局')];
		const res = await office.post(`/api/v1/indicators/${ids['戊']}/resolve-group`, {
			groupId: placeholder.id,
			unitIds: units
		});
		expect(res.status).toBe(200);
		expect(res.data.leadUnits.map((u: { name: string; via: string }) => [u.name, u.via])).toEqual([
			['省教育厅', '省级有关单位'],
			['省体育局', '省级有关单位']
		]);
		expect(res.data.pendingGroups[0].resolved).toBe(true);
		const unresolved = await office.get(`/api/v1/indicators?planId=${planId}&unresolved=1`);
		expect(unresolved.data.total).toBe(0);
		const edu = await s.as('unit', '省教育厅');
		expect((await edu.get(`/api/v1/indicators/${ids['戊']}`)).status).toBe(200);
	});

	it('the plan export names the resolved units as 牵头单位, not the placeholder; a group keeps its name', async () => {
		const rows = (await office.get(`/api/v1/plans/${planId}/export?format=json`)).data as {
			indicator: string;
			lead_unit: string;
		}[];
		const lead = (first: string) => rows.find((r) => r.indicator.startsWith(first))!.lead_unit;
		expect(lead('戊')).toBe('省教育厅、省体育局');
		expect(lead('丁')).toBe('各设区市政府');
	});
});
