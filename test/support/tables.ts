import ExcelJS from 'exceljs';
import { readFileSync } from 'node:fs';

/** The 2020 seed table's 80 rows (一级领域, 二级领域, 工作任务, 具体指标, 完成时间, 责任单位). */
export function plan2020Rows(): string[][] {
	const text = readFileSync(new URL('../../db/seed/plan-2020.csv', import.meta.url), 'utf8');
	return text
		.trim()
		.split('\n')
		.slice(1)
		.map((line) => line.split(','));
}

/** Merges runs of equal values down a column, within the runs of the columns to its left (nested cells). */
function mergeDown(ws: ExcelJS.Worksheet, rows: string[][], firstRow: number, columns: number[]) {
	for (const col of columns) {
		let start = 0;
		for (let i = 1; i <= rows.length; i++) {
			const sameRun =
				i < rows.length && [...Array(col + 1).keys()].every((c) => rows[i]![c] === rows[start]![c]);
			if (sameRun) continue;
			if (i - 1 > start) ws.mergeCells(firstRow + start, col + 1, firstRow + i - 1, col + 1);
			start = i;
		}
	}
}

/**
 * The 2020 table as offices keep it in Excel, the layout of the PDF: a title row, 工作任务 merged across
 * 一级领域 | 二级领域 | 任务 with no sub-header, and the hierarchy merged down those three columns.
 */
export async function officeLayout2020(): Promise<Uint8Array<ArrayBuffer>> {
	const rows = plan2020Rows();
	const wb = new ExcelJS.Workbook();
	const ws = wb.addWorksheet('任务分工表');
	ws.getCell('A1').value = '2020年浙江省深化“最多跑一次”改革推进政府数字化转型工作要点任务分工表';
	ws.mergeCells('A1:F1');
	ws.getCell('A2').value = '工作任务';
	ws.mergeCells('A2:C2');
	ws.getRow(2).getCell(4).value = '具体指标';
	ws.getRow(2).getCell(5).value = '完成时间';
	ws.getRow(2).getCell(6).value = '责任单位';
	rows.forEach((r, i) => {
		const row = ws.getRow(3 + i);
		r.forEach((v, c) => {
			const prev = rows[i - 1];
			// Only the top cell of a merged run holds the value, as in a real workbook.
			if (c < 3 && prev && [...Array(c + 1).keys()].every((k) => prev[k] === r[k])) return;
			row.getCell(c + 1).value = v;
		});
	});
	mergeDown(ws, rows, 3, [0, 1, 2]);
	return new Uint8Array(await wb.xlsx.writeBuffer());
}

const SEED_002_HEADER = ['十项任务', '工作内容', '工作标准', '牵头单位', '配合单位', '完成时限'];

/** Seed 002's 推广使用标准化对照表: stage rows merged across the width, a repeated header, a note row. */
export async function standardisationTable(): Promise<Uint8Array<ArrayBuffer>> {
	const lead = '市数据资源局\n区县（市）电子政务部门';
	const body: (string[] | string)[] = [
		SEED_002_HEADER,
		'第一阶段：确定事项范围',
		[
			'1. 填报《事项范围确认单》',
			'根据《杭州市各系统办事事项目录统计表(7月3日发布)》,按照接入“一窗受理”平台事项的筛选标准,确定事项接入范围。',
			'补填报送《事项范围确认清单》',
			'市级由市编资办、市数据源局牵头,区县(市)“跑改办”牵头',
			'各级各部门',
			'市级:9月7日前,区、县(市):9月14日前'
		],
		[
			'2. 印发《事项进度安排表》',
			'根据各单位上报的《事项范围确认清单》,结合省市县三级自建系统对接进度评估排除批次。',
			'下达《事项发布进度安排表》',
			'市数据资源局',
			'各级各部门',
			'8月31日第一批,其余三批在9月20日前发布'
		],
		'第二阶段：优化业务流程',
		[
			'3. 确认《事项优化确认单》',
			'根据“八统一”“无差别全科受理”“最小颗粒化”等要求,市数据局组织专班和各单位业务(窗口)负责人集中办公,优化事项业务流程。',
			'盖章报送《事项优化确认单》',
			'市数据资源局',
			'市级部门',
			'2个工作日内'
		],
		SEED_002_HEADER,
		'第三阶段：对接业务系统',
		[
			'4. 接口开发、注册',
			'根据推广批次安排，按照相关技术标准，由自建业务系统建设单位组织技术力量开发接口，并统一到市共享平台。',
			'接口开发并完成注册',
			lead,
			'自建业务系统建设单位。',
			'按《事项安排表》可提前发。'
		],
		[
			'5. 接口联调',
			'接口注册完成，自建业务系统技术人员到市数据局集中办公，开展接口对接驻场联调或远程联调。',
			'填写《接口联调确认单》',
			'',
			'自建业务系统建设单位。',
			'接口注册完成后2日内完成联调。'
		],
		[
			'6. 业务内测',
			'自建业务系统建设单位对完成接口联调的事项进行内部业务内测，确保事项各项功能完整，具备正式上线条件，可正式发布。',
			'盖章报送《事项开通确认单》',
			'',
			'自建业务系统建设单位。 备注：省级自建业务系统，由省级单位负责。',
			'联调测试通过2个工作日内。'
		],
		[
			'7. 事项发布',
			'市数据局在收到《事项开通确认单》当日，发布事项',
			'确认一个、发布一个。',
			'',
			'各级各部门',
			'收到《事项开通确认单》当日'
		],
		'注：省级自建业务系统，由省级单位负责。'
	];
	const wb = new ExcelJS.Workbook();
	const ws = wb.addWorksheet('推广使用标准化对照表');
	body.forEach((r, i) => {
		const n = i + 1;
		if (typeof r === 'string') {
			ws.getCell(n, 1).value = r;
			ws.mergeCells(n, 1, n, 6);
		} else r.forEach((v, c) => v && (ws.getCell(n, c + 1).value = v));
	});
	// The lead cell of tasks 4–7 is one merged cell, as in the original.
	const leadRow = body.findIndex((r) => Array.isArray(r) && r[3] === lead) + 1;
	ws.mergeCells(leadRow, 4, leadRow + 3, 4);
	return new Uint8Array(await wb.xlsx.writeBuffer());
}

/** A GB18030 encoder built from Node's decoder: what Excel on Chinese Windows writes for “CSV”. */
export function encodeGb18030(text: string): Uint8Array<ArrayBuffer> {
	const decoder = new TextDecoder('gb18030');
	const table = new Map<string, number[]>();
	for (let lead = 0x81; lead <= 0xfe; lead++)
		for (let trail = 0x40; trail <= 0xfe; trail++) {
			if (trail === 0x7f) continue;
			const c = decoder.decode(Uint8Array.of(lead, trail));
			if (c.length === 1 && c !== '\uFFFD' && !table.has(c)) table.set(c, [lead, trail]);
		}
	const bytes: number[] = [];
	for (const c of text) {
		if (c.charCodeAt(0) < 0x80) bytes.push(c.charCodeAt(0));
		else {
			const pair = table.get(c);
			if (!pair) throw new Error(`not encodable in two-byte GB18030: ${c}`);
			bytes.push(...pair);
		}
	}
	return Uint8Array.from(bytes);
}
