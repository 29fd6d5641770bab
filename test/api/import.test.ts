import ExcelJS from 'exceljs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvTable, importForm, planTitle, startTestServer, type TestServer } from '../support/harness.ts';
import { query } from '../../db/client.ts';

let s: TestServer;
let office: Awaited<ReturnType<TestServer['as']>>;
beforeAll(async () => {
	s = await startTestServer();
	office = await s.as('office');
});
afterAll(() => s.close());

const count = async (table: string) =>
	(await query<{ n: number }>(s.db, sql.raw(`select count(*) as n from ${table}`)))[0]!.n;

const goodRows = (task: string) => [
	[
		'推动“掌上办”集成优化',
		'深化改革',
		task,
		'“浙里办”日活跃用户数达到120万',
		'2020年6月底前',
		'省大数据局、省级有关单位，各设区市政府'
	],
	['推动“掌上办”集成优化', '深化改革', task, '推出10个优质服务专区', '９月７日前', '省市场监管局'],
	['加强组织保障', '加强组织领导', `${task}-月报`, '每月底前上报当月工作完成情况', '每月底前', '省发展改革委']
];

describe('import dry run and commit', () => {
	it('previews counts, targets and assignments without writing anything', async () => {
		const before = ['plan', 'section', 'task', 'indicator', 'assignment'].map(count);
		const title = planTitle();
		const res = await office.post(
			'/api/v1/imports',
			importForm(csvTable(goodRows('打造平台')), { title, year: '2020', dryRun: '1' })
		);
		expect(res.status).toBe(200);
		expect(res.data).toMatchObject({
			committed: false,
			planId: null,
			sections: 4,
			tasks: 2,
			indicators: 3,
			// 省大数据局 + 11 cities; 省市场监管局; 省发展改革委 (省级有关单位 waits for the office)
			assignments: 14,
			errors: []
		});
		expect(res.data.rows[0]).toMatchObject({
			dueOn: '2020-06-30',
			targets: [{ label: '“浙里办”日活跃用户数', op: '>=', value: 120, scale: 4 }]
		});
		expect(res.data.rows[1].dueOn).toBe('2020-09-07');
		expect(res.data.rows[2]).toMatchObject({ dueOn: null, recurrence: 'monthly' });
		expect(['plan', 'section', 'task', 'indicator', 'assignment'].map(count)).toEqual(before);
	});

	it('commits in one go, and importing the same table again creates no duplicates', async () => {
		const title = planTitle();
		const form = () => importForm(csvTable(goodRows('打造平台')), { title, year: '2020' });
		const first = await office.post('/api/v1/imports', form());
		expect(first.status).toBe(200);
		expect(first.data.committed).toBe(true);
		expect(first.data.created).toMatchObject({ sections: 4, tasks: 2, indicators: 3, assignments: 14 });
		const planId = first.data.planId;
		const again = await office.post('/api/v1/imports', form());
		expect(again.data.planId).toBe(planId);
		expect(again.data.created).toMatchObject({
			sections: 0,
			tasks: 0,
			indicators: 0,
			assignments: 0,
			targets: 0
		});
		const list = await office.get(`/api/v1/indicators?planId=${planId}`);
		expect(list.data.total).toBe(3);
		const first3 = list.data.items[0];
		expect(first3.leadUnits.map((u: { name: string }) => u.name)).toEqual(['省大数据局']);
		expect(first3.coUnits).toHaveLength(11);
		expect(first3.coUnits[0]).toMatchObject({ name: '杭州市政府', via: '各设区市政府' });
		expect(first3.pendingGroups).toEqual([
			expect.objectContaining({ name: '省级有关单位', resolved: false })
		]);
	});

	it('a bad row rolls the whole import back and names row, column and the closest units', async () => {
		const before = ['plan', 'section', 'task', 'indicator', 'assignment', 'indicator_target'].map(count);
		const rows = [
			...goodRows('回滚任务'),
			['加强组织保障', '加强项目管理', '回滚任务2', '建设项目库', '2020年6月底前', '省发改委']
		];
		const res = await office.post(
			'/api/v1/imports',
			importForm(csvTable(rows), { title: planTitle(), year: '2020' })
		);
		expect(res.status).toBe(422);
		expect(res.data.error.message).toContain('未导入任何数据');
		expect(res.data.error.details.errors).toEqual([
			{
				row: 5,
				column: '责任单位',
				message: expect.stringContaining('未知单位“省发改委”，是否为：省发展改革委')
			}
		]);
		expect(['plan', 'section', 'task', 'indicator', 'assignment', 'indicator_target'].map(count)).toEqual(
			before
		);
	});

	it('creates missing units when asked to', async () => {
		const name = `测试新单位${Date.now().toString(36)}`;
		const rows = [['领域甲', '', '新单位任务', '完成某项工作', '2020年12月底前', `${name}、省大数据局`]];
		const res = await office.post(
			'/api/v1/imports',
			importForm(csvTable(rows), { title: planTitle(), year: '2020', createUnits: '1' })
		);
		expect(res.status).toBe(200);
		expect(res.data.newUnits).toEqual([name]);
		const units = await office.get('/api/v1/units');
		expect(units.data.items.find((u: { name: string }) => u.name === name)).toMatchObject({ kind: 'other' });
	});

	it('keeps an unparseable deadline as text with a warning, never a guessed date', async () => {
		const rows = [['领域乙', '', '长期任务', '常态化推进', '长期坚持', '省大数据局']];
		const res = await office.post(
			'/api/v1/imports',
			importForm(csvTable(rows), { title: planTitle(), year: '2020' })
		);
		expect(res.status).toBe(200);
		expect(res.data.warnings).toEqual([
			{ row: 2, column: '完成时间', message: expect.stringContaining('长期坚持') }
		]);
		expect(res.data.rows[0]).toMatchObject({
			deadlineText: '长期坚持',
			dueOn: null,
			recurrence: null,
			rule: null
		});
	});

	it('names the columns it found when a required one is missing', async () => {
		const csv = csvTable([['任务甲', '2020年6月底前']], ['工作任务', '完成时间']);
		const res = await office.post(
			'/api/v1/imports',
			importForm(csv, { title: planTitle(), year: '2020', dryRun: '1' })
		);
		expect(res.status).toBe(200);
		expect(res.data.errors).toHaveLength(1);
		expect(res.data.errors[0].message).toBe(
			'缺少必需的列：责任单位（或牵头单位）。找到的列：工作任务、完成时间'
		);
	});

	it('accepts header variants with separate lead and co columns', async () => {
		const csv = csvTable(
			[['重点任务甲', '建成平台', '2020年底前', '省大数据局', '省财政厅、省经信厅']],
			['重点任务', '工作内容', '完成时限', '牵头单位', '配合单位']
		);
		const res = await office.post(
			'/api/v1/imports',
			importForm(csv, { title: planTitle(), year: '2020', dryRun: '1' })
		);
		expect(res.data.errors).toEqual([]);
		expect(res.data.rows[0]).toMatchObject({
			dueOn: '2020-12-31',
			units: [
				{ name: '省大数据局', role: 'lead' },
				{ name: '省财政厅', role: 'co' },
				{ name: '省经信厅', role: 'co' }
			]
		});
	});

	it('reads .xlsx with merged section and task cells filled down, below a title row', async () => {
		const wb = new ExcelJS.Workbook();
		const ws = wb.addWorksheet('表1');
		ws.addRow(['附件：任务分工表']);
		ws.addRow(['一级领域', '工作任务', '具体指标', '完成时间', '责任单位']);
		ws.addRow(['数字政府', '合并任务', '指标一', '2020年3月底前', '省大数据局']);
		ws.addRow(['', '', '指标二', '2020年4月底前', '省财政厅']);
		ws.mergeCells('A3:A4');
		ws.mergeCells('B3:B4');
		const data = new Uint8Array(await wb.xlsx.writeBuffer());
		const res = await office.post(
			'/api/v1/imports',
			importForm(data, { title: planTitle(), year: '2020', dryRun: '1' }, '分工表.xlsx')
		);
		expect(res.data.errors).toEqual([]);
		expect(res.data).toMatchObject({ sections: 1, tasks: 1, indicators: 2 });
		expect(res.data.rows.map((r: { row: number; task: string }) => [r.row, r.task])).toEqual([
			[3, '合并任务'],
			[4, '合并任务']
		]);
	});

	it('skips a header repeated at a page break, but keeps data that merely contains header words', async () => {
		const header = ['一级领域', '二级领域', '工作任务', '具体指标', '完成时间', '责任单位'];
		const rows = [
			['领域', '', '任务', '指标一', '2020年6月底前', '省大数据局'],
			header,
			['领域', '', '任务', '指标二', '2020年7月底前', '省大数据局']
		];
		const res = await office.post(
			'/api/v1/imports',
			importForm(csvTable(rows), { title: planTitle(), year: '2020', dryRun: '1' })
		);
		expect(res.data.errors).toEqual([]);
		expect(res.data.rows.map((r: { indicator: string }) => r.indicator)).toEqual(['指标一', '指标二']);
	});

	it('refuses other file types with a clear message', async () => {
		const res = await office.post(
			'/api/v1/imports',
			importForm('hello', { title: planTitle(), year: '2020' }, 'table.docx')
		);
		expect(res.status).toBe(400);
		expect(res.data.error.message).toContain('.xlsx 或 .csv');
	});

	it('only the office may import', async () => {
		for (const role of ['unit', 'leader', 'admin'] as const) {
			const client = await s.as(role, role === 'unit' ? '省大数据局' : undefined);
			const before = await count('indicator');
			const res = await client.post(
				'/api/v1/imports',
				importForm(csvTable(goodRows('越权')), { title: planTitle(), year: '2020' })
			);
			expect(res.status, role).toBe(403);
			expect(await count('indicator')).toBe(before);
		}
	});
});
