import ExcelJS from 'exceljs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvTable, importForm, planTitle, startTestServer, type TestServer } from '../support/harness.ts';
import { plan2020Rows, standardisationTable } from '../support/tables.ts';
import { parseDeadline } from '../../db/import/parse/deadline.ts';
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

/** An import POST, with an Idempotency-Key when given. */
async function postImport(form: FormData, key?: string) {
	if (key) office.headers['Idempotency-Key'] = key;
	try {
		return await office.post('/api/v1/imports', form);
	} finally {
		delete office.headers['Idempotency-Key'];
	}
}

describe('idempotent commit', () => {
	it('a retry with the same Idempotency-Key after an unknown outcome imports nothing twice', async () => {
		const title = planTitle();
		const form = () => importForm(csvTable(plan2020Rows().slice(0, 3)), { title, year: '2020' });
		const key = `retry-${Date.now()}`;
		const before = await count('indicator');
		const first = await postImport(form(), key);
		expect(first.status).toBe(200);
		expect(first.data.created.indicators).toBe(3);
		const retry = await postImport(form(), key);
		expect(retry.status).toBe(200);
		expect(retry.headers.get('idempotent-replayed')).toBe('true');
		expect(retry.data).toMatchObject({
			committed: true,
			planId: first.data.planId,
			created: { indicators: 3 }
		});
		expect(await count('indicator')).toBe(before + 3);
		expect(
			(
				await query<{ n: number }>(
					s.db,
					sql`select count(*) n from audit_log where action = 'plan.import' and object_id = ${String(first.data.planId)}`
				)
			)[0]!.n
		).toBe(1);
		const other = await postImport(
			importForm(csvTable(plan2020Rows().slice(3, 4)), { title, year: '2020' }),
			key
		);
		expect(other.status).toBe(409);
		expect(other.data.error.message).toContain('Idempotency-Key');
	});
});

describe('columns by hand', () => {
	it('an unrecognised layout imports with a hand mapping, remembered for the next file of that layout', async () => {
		const header = ['序号', '事项', '要求', '时间', '负责'];
		const rows = [['1', '事项甲', '推出10个专区', '2020年6月底前', '省大数据局']];
		const csv = csvTable(rows, header);
		const first = await postImport(importForm(csv, { title: planTitle(), year: '2020', dryRun: '1' }));
		expect(first.data.layout.recognised).toBe(false);
		expect(first.data.errors[0].message).toContain('缺少必需的列');
		const mapping = JSON.stringify({
			headerRow: 1,
			columns: { task: 1, indicator: 2, deadline: 3, units: 4 }
		});
		const title = planTitle();
		const mapped = await postImport(importForm(csv, { title, year: '2020', mapping }), `map-${Date.now()}`);
		expect(mapped.status).toBe(200);
		expect(mapped.data.rows[0]).toMatchObject({
			task: '事项甲',
			indicator: '推出10个专区',
			dueOn: '2020-06-30'
		});
		// Next time the same layout needs no hand mapping.
		const next = await postImport(
			importForm(csvTable([['2', '事项乙', '建成3个平台', '2020年9月底前', '省大数据局']], header), {
				title,
				year: '2020',
				dryRun: '1'
			})
		);
		expect(next.data.errors).toEqual([]);
		expect(next.data.rows[0]).toMatchObject({ task: '事项乙', dueOn: '2020-09-30' });
		const bad = await postImport(importForm(csv, { title, year: '2020', dryRun: '1', mapping: '{"x":1}' }));
		expect(bad.status).toBe(400);
	});
});

describe('template and round trip', () => {
	it('the template has the headers, an example row that imports, and validation from the directory', async () => {
		const res = await office.get('/api/v1/imports/template');
		expect(res.status).toBe(200);
		const wb = new ExcelJS.Workbook();
		await wb.xlsx.load(res.data);
		const ws = wb.getWorksheet('任务分工表')!;
		expect(ws.getRow(1).values).toEqual([
			undefined,
			'一级领域',
			'二级领域',
			'工作任务',
			'具体指标',
			'完成时间',
			'责任单位'
		]);
		expect(ws.getCell('F2').dataValidation).toMatchObject({ type: 'list', errorStyle: 'warning' });
		expect(wb.getWorksheet('单位名录')!.getCell('A1').value).toBe('省大数据局');
		const imported = await postImport(
			importForm(new Uint8Array(res.data), { title: planTitle(), year: '2020', dryRun: '1' }, 'template.xlsx')
		);
		expect(imported.data).toMatchObject({ errors: [], indicators: 1, dataRows: 1 });
	});

	it('the template’s 完成时间 rule passes every deadline the importer dates (both seeds) and warns on the rest', async () => {
		const wb = new ExcelJS.Workbook();
		await wb.xlsx.load((await office.get('/api/v1/imports/template')).data);
		const rule = wb.getWorksheet('任务分工表')!.getCell('E300').dataValidation;
		expect(rule).toMatchObject({
			type: 'custom',
			allowBlank: true,
			showInputMessage: true,
			showErrorMessage: true,
			errorStyle: 'warning'
		});
		expect(rule.prompt).toContain('2个工作日内');
		expect(rule.error).toContain('没有截止日期');
		// Excel's reading of OR(ISNUMBER(E2), ISNUMBER(SEARCH("前",E2)), …) on a text cell.
		const formula = rule.formulae![0] as string;
		expect(formula).toMatch(/^OR\(ISNUMBER\(E2\),/);
		const words = [...formula.matchAll(/SEARCH\("([^"]+)",E2\)/g)].map((m) => m[1]!);
		const passes = (text: string) => words.some((w) => text.includes(w));

		const seed002 = new ExcelJS.Workbook();
		await seed002.xlsx.load((await standardisationTable()).buffer);
		const texts = [
			...plan2020Rows().map((r) => r[4]!),
			...seed002.worksheets[0]!.getColumn(6).values.filter((v): v is string => typeof v === 'string')
		];
		const dated = texts.filter((text) => parseDeadline(text, 2020).kind !== 'unparsed');
		expect(dated.length).toBeGreaterThan(80);
		expect(dated.filter((text) => !passes(text))).toEqual([]);
		for (const text of ['长期', '持续推进', '尽快']) expect(passes(text), text).toBe(false);
	});

	it('an exported plan imports back into the same plan with no changes', async () => {
		const first = await postImport(
			importForm(csvTable(plan2020Rows()), { title: planTitle(), year: '2020' })
		);
		expect(first.data.errors).toEqual([]);
		const exported = await office.get(`/api/v1/plans/${first.data.planId}/export?format=xlsx`);
		const again = await postImport(
			importForm(new Uint8Array(exported.data), { planId: String(first.data.planId) }, 'export.xlsx')
		);
		expect(again.status).toBe(200);
		expect(again.data.errors).toEqual([]);
		expect(again.data.created).toEqual({
			sections: 0,
			tasks: 0,
			indicators: 0,
			assignments: 0,
			targets: 0,
			units: 0
		});
		expect(again.data).toMatchObject({ indicators: 80, tasks: 56 });
	});
});

describe('a large import', () => {
	it('is read on a worker thread: the server answers meanwhile, and the page can show progress', async () => {
		const rows = Array.from({ length: 3_000 }, (_, i) => [
			`领域${i % 7}`,
			'',
			`任务${i % 300}`,
			`第${i}项指标：推出${(i % 50) + 1}个专区`,
			'2020年6月底前',
			'省大数据局'
		]);
		const key = `big-${Date.now()}`;
		office.headers['Idempotency-Key'] = key;
		const pending = office.post(
			'/api/v1/imports',
			importForm(csvTable(rows), { title: planTitle(), year: '2020', dryRun: '1' })
		);
		delete office.headers['Idempotency-Key'];
		let done = false;
		void pending.finally(() => (done = true));
		// The test shares the server's event loop: an answer that arrives while the file is being analysed
		// proves the request thread was free.
		let answeredWhileAnalysing = 0;
		const phases: string[] = [];
		while (!done) {
			const p = (await office.get(`/api/v1/imports/progress/${key}`)).data.progress;
			if (p && phases.at(-1) !== p.phase) phases.push(p.phase);
			if (p?.phase === 'analysing' && (await fetch(`${s.base}/api/v1/health`)).ok) answeredWhileAnalysing++;
			await new Promise((r) => setTimeout(r, 20));
		}
		const res = await pending;
		expect(res.status).toBe(200);
		expect(res.data.dataRows).toBe(3_000);
		console.log(
			`3,000-row dry run: phases ${phases.join(' → ')}; /health answered ${answeredWhileAnalysing}× while analysing`
		);
		expect(phases).toContain('analysing');
		expect(answeredWhileAnalysing).toBeGreaterThan(0);
	}, 120_000);
});
