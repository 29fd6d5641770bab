import { describe, expect, it } from 'vitest';
import Excel from 'exceljs';
import { inferColumns, printWorkbook } from './print-workbook.ts';
import type { TableSpec } from '../../web/src/lib/rules/doc-model.ts';

const spec: TableSpec = {
	title: '量化目标完成情况',
	columns: [
		{ header: '序号', kind: 'integer', width: 3 },
		{ header: '目标', kind: 'text', width: 10 },
		{ header: '目标值', kind: 'decimal', width: 5 },
		{ header: '完成率', kind: 'percent', width: 5 },
		{ header: '截止日期', kind: 'date', width: 8 }
	],
	rows: [
		[1, '新增开放数据集', 1500, 0.07, '2020-12-31'],
		[
			2,
			'“浙里办”日活跃用户数达到120万，掌上执法率达到90%，开通19条“数据高铁”专线',
			98.5,
			0.8208,
			'2020-06-30'
		]
	],
	total: ['合计', null, 1598.5, 0.1694, null]
};

async function read(bytes: Uint8Array) {
	const wb = new Excel.Workbook();
	await wb.xlsx.load(bytes.buffer as ArrayBuffer);
	return wb.worksheets[0]!;
}

describe('printWorkbook', () => {
	it('prints on A4 one page wide with the header repeated, typed cells and a bold 合计 row', async () => {
		const ws = await read(await printWorkbook([spec]));
		expect(ws.pageSetup).toMatchObject({
			paperSize: 9,
			fitToWidth: 1,
			fitToHeight: 0,
			printTitlesRow: '2:2'
		});
		expect(ws.getCell('A1').value).toBe('量化目标完成情况');
		expect(ws.getCell('C3').value).toBe(1500);
		expect(ws.getCell('D3')).toMatchObject({ value: 0.07, numFmt: '0.0%' });
		expect(ws.getCell('E3').value).toEqual(new Date(Date.UTC(2020, 11, 31)));
		expect(ws.getCell('E3').numFmt).toBe('yyyy"年"m"月"d"日"');
		expect(ws.getCell('A5').font.bold).toBe(true);
		expect(ws.getCell('B4').font.name).toBe('宋体');
		expect(ws.getCell('B4').border.left?.style).toBe('thin');
		// The long text wraps over several lines: its row is taller than the one-line row.
		expect(ws.getRow(4).height).toBeGreaterThanOrEqual(4 * 15);
		expect(ws.getRow(4).height).toBeGreaterThan(ws.getRow(3).height);
	});

	it('prints wide tables landscape and reads column kinds from a plain list', async () => {
		const cols = inferColumns(['单位', '得分', '日期'], [['省大数据局', 98.5, '2020-09-30']]);
		expect(cols.map((c) => c.kind)).toEqual(['text', 'decimal', 'date']);
		const wide = { ...spec, columns: spec.columns.map((c) => ({ ...c, width: 30 })) };
		expect((await read(await printWorkbook([wide]))).pageSetup.orientation).toBe('landscape');
		expect((await read(await printWorkbook([spec]))).pageSetup.orientation).toBe('portrait');
	});
});
