import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../../tasks/index.ts';
import {
	csvTable,
	importForm,
	importPlan,
	planTitle,
	startTestServer,
	type Client,
	type TestServer
} from '../support/harness.ts';
import { query } from '../../db/client.ts';

let s: TestServer;
let office: Client;
beforeAll(async () => {
	s = await startTestServer({
		start: new Date('2020-04-05T02:00:00Z'),
		env: { SESSION_IDLE_MINUTES: '500000', SESSION_MAX_HOURS: '9000' }
	});
	office = await s.as('office');
});
afterAll(() => s.close());

/** The units of the one row of a previewed table, as the import preview shows them. */
async function previewUnits(units: string) {
	const res = await office.post(
		'/api/v1/imports',
		importForm(csvTable([['领域', '', '任务', '一个指标', '2020年12月底前', units]]), {
			title: planTitle(),
			year: '2020',
			dryRun: 'true'
		})
	);
	return { errors: res.data.errors.map((e: any) => e.message), units: res.data.rows[0]?.units ?? [] };
}

const audits = async (action: string) =>
	await query<{ after: string | null; before: string | null }>(
		s.db,
		sql`select after, before from audit_log where action = ${action} order by id`
	);

describe('the office’s list of placeholder names', () => {
	it('lists the seeded placeholders; a name the office adds is 待明确 in the next import, one it removes is not', async () => {
		const list = (await office.get('/api/v1/placeholders')).data.items.map((p: any) => p.name);
		expect(list).toEqual(expect.arrayContaining(['省级有关单位', '首批试点所在县（市、区）政府']));

		// No pattern catches this name: before it is on the list it is an unknown unit.
		expect((await previewUnits('数字化改革专班')).errors).toEqual([
			expect.stringContaining('未知单位“数字化改革专班”')
		]);
		const added = await office.post('/api/v1/placeholders', { name: ' 数字化改革专班 ' });
		expect(added.status).toBe(201);
		expect(added.data).toMatchObject({ name: '数字化改革专班', open: 0 });
		expect(await previewUnits('省财政厅、数字化改革专班')).toEqual({
			errors: [],
			units: [
				{ type: 'unit', name: '省财政厅', role: 'lead' },
				{ type: 'placeholder', name: '数字化改革专班', role: 'co' }
			]
		});
		expect((await audits('placeholder.add')).at(-1)!.after).toContain('数字化改革专班');

		const removed = await office.request('DELETE', `/api/v1/placeholders/${added.data.id}`);
		expect(removed.status).toBe(200);
		expect((await previewUnits('数字化改革专班')).errors).toHaveLength(1);
		expect((await audits('placeholder.remove')).at(-1)!.before).toContain('数字化改革专班');
	});

	it('refuses what is not a placeholder name, with a code and a message in Chinese', async () => {
		const refusals = [
			[{ name: '省财政厅' }, 409, 'conflict', '单位名录中已有“省财政厅”'],
			[{ name: '省级有关单位' }, 409, 'conflict', '已在待明确名称清单中'],
			[{ name: '各设区市政府' }, 409, 'conflict', '已有的单位组'],
			[{ name: '甲单位、乙单位' }, 400, 'bad_request', '一次只能添加一个名称'],
			[{ name: '   ' }, 400, 'bad_request', '请求参数有误'],
			[{}, 400, 'bad_request', '请求参数有误']
		] as const;
		for (const [body, status, code, message] of refusals) {
			const res = await office.post('/api/v1/placeholders', body);
			expect([res.status, res.data.error.code], JSON.stringify(body)).toEqual([status, code]);
			expect(res.data.error.message).toContain(message);
		}
		const unit = await s.as('unit', '省财政厅');
		expect((await unit.post('/api/v1/placeholders', { name: '某某专班' })).status).toBe(403);
		expect((await office.request('DELETE', '/api/v1/placeholders/999999')).status).toBe(404);
	});

	it('a name in use on an indicator cannot be removed', async () => {
		await importPlan(office, [['领域', '', '任务', '用到省级有关单位', '2020年12月底前', '省级有关单位']]);
		const group = (await office.get('/api/v1/placeholders')).data.items.find(
			(p: any) => p.name === '省级有关单位'
		);
		expect(group.open).toBeGreaterThan(0);
		const res = await office.request('DELETE', `/api/v1/placeholders/${group.id}`);
		expect(res.status).toBe(409);
		expect(res.data.error).toMatchObject({
			code: 'conflict',
			message: expect.stringContaining('已用于计划中的指标')
		});
	});
});

describe('待明确责任单位', () => {
	it('lists open indicators owed by an unresolved placeholder, overdue ones first; resolving one takes it off', async () => {
		const added = await office.post('/api/v1/placeholders', { name: '改革试点单位' });
		expect(added.status).toBe(201);
		const { ids } = await importPlan(
			office,
			[
				['领域', '', '待明确任务', '三月底的待明确指标', '2020年3月底前', '省级有关单位'],
				['领域', '', '待明确任务', '年底的待明确指标', '2020年12月底前', '改革试点单位'],
				['领域', '', '待明确任务', '配合单位待明确的指标', '2020年3月底前', '省财政厅、改革试点单位'],
				['领域', '', '待明确任务', '单位明确的指标', '2020年3月底前', '省财政厅']
			],
			2020,
			'2020-01-01'
		);
		await runJob('daily', { ...s.deps, mailer: null }, s.clock.now());
		const items = (await office.get('/api/v1/placeholders/indicators')).data.items;
		const mine = items.filter((i: any) => Object.values(ids).includes(i.id));
		expect(mine.map((i: any) => [i.text, i.pending, i.role, i.dueOn, i.overdue, i.daysOverdue])).toEqual([
			['三月底的待明确指标', '省级有关单位', 'lead', '2020-03-31', true, 5],
			// A placeholder among the co-units does not make the indicator overdue: the lead owes it.
			['配合单位待明确的指标', '改革试点单位', 'co', '2020-03-31', false, 0],
			['年底的待明确指标', '改革试点单位', 'lead', '2020-12-31', false, 0]
		]);
		// Overdue exactly as the dashboard's red list counts it: the same light.
		const red = (await office.get('/api/v1/dashboard/list?kind=red&pageSize=200')).data.items;
		expect(red.find((r: any) => r.id === ids['三月底的待明确指标'])).toMatchObject({ pending: true });

		const group = (await office.get('/api/v1/placeholders')).data.items.find(
			(p: any) => p.name === '省级有关单位'
		);
		const unitId = (await office.get('/api/v1/units')).data.items.find((u: any) => u.name === '省财政厅').id;
		const resolved = await office.post(`/api/v1/indicators/${ids['三月底的待明确指标']}/resolve-group`, {
			groupId: group.id,
			unitIds: [unitId]
		});
		expect(resolved.status).toBe(200);
		const after = (await office.get('/api/v1/placeholders/indicators')).data.items.map((i: any) => i.id);
		expect(after).not.toContain(ids['三月底的待明确指标']);
		expect(after).toContain(ids['年底的待明确指标']);
	});
});
