import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvTable, importForm, planTitle, startTestServer, type TestServer } from '../support/harness.ts';
import { encodeGb18030, officeLayout2020, plan2020Rows, standardisationTable } from '../support/tables.ts';

let s: TestServer;
let office: Awaited<ReturnType<TestServer['as']>>;
beforeAll(async () => {
	s = await startTestServer();
	office = await s.as('office');
});
afterAll(() => s.close());

const XLSX = 'table.xlsx';
const preview = (
	data: Uint8Array<ArrayBuffer> | string,
	fileName: string,
	extra: Record<string, string> = {}
) =>
	office.post(
		'/api/v1/imports',
		importForm(data, { title: planTitle(), year: '2020', dryRun: '1', ...extra }, fileName)
	);

describe('layout recognition', () => {
	it('reads the office layout of the 2020 table: title row, 工作任务 merged over three columns, cells merged down', async () => {
		const res = await preview(await officeLayout2020(), XLSX);
		expect(res.status).toBe(200);
		expect(res.data.errors).toEqual([]);
		expect(res.data.layout).toMatchObject({ recognised: true, headerRows: [2] });
		expect(res.data.warnings.filter((w: { message: string }) => w.message.includes('结构'))).toEqual([]);
		const rows = res.data.rows as { section1: string; section2: string; task: string }[];
		expect(new Set(rows.map((r) => r.section1)).size).toBe(4);
		expect(new Set(rows.map((r) => `${r.section1}/${r.section2}`)).size).toBe(15);
		expect(res.data).toMatchObject({ sections: 19, tasks: 56, indicators: 80, dataRows: 80 });
		expect(res.data.notes.map((n: { message: string }) => n.message)).toContainEqual(
			expect.stringContaining('“工作任务”合并跨 3 列')
		);
	});

	it('reads seed 002’s stage rows as sections, skips the repeated header and the note row', async () => {
		const res = await preview(await standardisationTable(), XLSX, { createUnits: '1' });
		expect(res.status).toBe(200);
		expect(res.data.errors).toEqual([]);
		expect(res.data).toMatchObject({ sections: 3, indicators: 7, tasks: 7, dataRows: 7 });
		const rows = res.data.rows as { section1: string; task: string; indicator: string }[];
		expect([...new Set(rows.map((r) => r.section1))]).toEqual([
			'第一阶段：确定事项范围',
			'第二阶段：优化业务流程',
			'第三阶段：对接业务系统'
		]);
		expect(rows[0]!.indicator).toContain('工作标准：补填报送《事项范围确认清单》');
		const rules = (res.data.rows as { rule: { kind: string } | null }[]).map((r) => r.rule?.kind);
		expect(rules).toEqual([
			'perLevel',
			'batches',
			'relative',
			'relative',
			'relative',
			'relative',
			'relative'
		]);
		// Placeholders stay 待明确; the lead cell's merged units reach tasks 4–7.
		const units = (res.data.rows as { units: { type: string; name: string; role: string }[] }[]).map(
			(r) => r.units
		);
		expect(units[0]).toEqual([
			{ type: 'new', name: '市编资办', role: 'lead' },
			{ type: 'new', name: '市数据源局', role: 'lead' },
			{ type: 'placeholder', name: '区县(市)跑改办', role: 'lead' },
			{ type: 'placeholder', name: '各级各部门', role: 'co' }
		]);
		expect(units[2]).toContainEqual({ type: 'placeholder', name: '市级部门', role: 'co' });
		expect(units[6]).toEqual([
			{ type: 'new', name: '市数据资源局', role: 'lead' },
			{ type: 'placeholder', name: '区县（市）电子政务部门', role: 'lead' },
			{ type: 'placeholder', name: '各级各部门', role: 'co' }
		]);
		expect(units[5]).toContainEqual({ type: 'placeholder', name: '自建业务系统建设单位', role: 'co' });
		expect(res.data.notes.map((n: { message: string }) => n.message)).toContainEqual(
			expect.stringContaining('备注或落款')
		);
	});

	it('imports a CSV saved by Excel on Chinese Windows (GB18030)', async () => {
		const csv = csvTable(plan2020Rows().slice(0, 5)).replace(/\n/g, '\r\n');
		const res = await preview(encodeGb18030(csv), 'gbk.csv');
		expect(res.status).toBe(200);
		expect(res.data.errors).toEqual([]);
		expect(res.data.rows[0].indicator).toBe(plan2020Rows()[0]![3]);
		expect(res.data.dataRows).toBe(5);
	});

	it('says so when a merged header hides what its columns mean, instead of flattening the table', async () => {
		const wb = new ExcelJS.Workbook();
		const ws = wb.addWorksheet('odd');
		ws.addRow(['工作任务', '', '', '', '完成时间', '责任单位']);
		ws.mergeCells('A1:D1');
		ws.addRow(['数字政府', '平台', '一体化', '推出10个专区', '2020年6月底前', '省大数据局']);
		ws.addRow(['', '', '', '日活跃用户数达到120万', '2020年9月底前', '省大数据局']);
		const res = await preview(new Uint8Array(await wb.xlsx.writeBuffer()), XLSX);
		expect(res.data.layout.recognised).toBe(false);
		expect(res.data.warnings.map((w: { message: string }) => w.message)).toContainEqual(
			expect.stringContaining('未能识别表格结构')
		);
	});

	it('warns when a column with content has a header it does not know', async () => {
		const rows = plan2020Rows()
			.slice(0, 2)
			.map((r) => [...r, '重要']);
		const res = await preview(
			csvTable(rows, ['一级领域', '二级领域', '工作任务', '具体指标', '完成时间', '责任单位', '权重说明']),
			'x.csv'
		);
		expect(res.data.layout.recognised).toBe(false);
		expect(res.data.warnings[0].message).toMatch(/未能识别表格结构：第 7 列“权重说明”有内容/);
	});
});

describe('two-row headers', () => {
	it('reads 工作任务 over 一级领域 | 二级领域 | 任务 as three columns', async () => {
		const wb = new ExcelJS.Workbook();
		const ws = wb.addWorksheet('two rows');
		ws.addRow(['工作任务', '', '', '具体指标', '完成时间', '责任单位']);
		ws.addRow(['一级领域', '二级领域', '任务', '', '', '']);
		ws.mergeCells('A1:C1');
		for (const col of ['D', 'E', 'F']) ws.mergeCells(`${col}1:${col}2`);
		for (const r of plan2020Rows().slice(0, 3)) ws.addRow(r);
		const res = await preview(new Uint8Array(await wb.xlsx.writeBuffer()), XLSX);
		expect(res.data.errors).toEqual([]);
		expect(res.data.layout).toMatchObject({ headerRows: [1, 2], recognised: true });
		expect(res.data.rows[0]).toMatchObject({
			section1: plan2020Rows()[0]![0],
			section2: plan2020Rows()[0]![1],
			task: plan2020Rows()[0]![2]
		});
	});
});
