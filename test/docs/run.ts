// The documents check: the files the system writes, opened by a real reader of documents. A fresh data
// folder gets the 2020 plan and demo history; the bulletins, the plan and a report export are written
// the way users get them (command line, services), LibreOffice turns each into a PDF, and poppler reads
// back page size, page count, text and text positions. PNG pages go to reports/docs/ for a person.
// Ends with "N passed, N failed" and writes reports/docs.json for scripts/test-summary.mjs.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SAMPLE_DOC } from './sample.ts';
import { fontconfigFile } from './fonts.ts';
import { printView } from './print-view.ts';
import { overprinted, pdfFacts, type PdfFacts } from './pdf.ts';

const root = new URL('../..', import.meta.url).pathname;
const out = join(root, 'reports/docs');
const work = mkdtempSync(join(tmpdir(), 'duban-docs-'));
const dataDir = join(work, 'data');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
mkdirSync(dataDir);
process.env.DATA_DIR = dataDir;

const env = { ...process.env, DATA_DIR: dataDir, FONTCONFIG_FILE: fontconfigFile(work) };
const duban = (...args: string[]) => {
	const res = spawnSync(process.execPath, [join(root, 'bin/duban.mjs'), ...args], { env, encoding: 'utf8' });
	if (res.status !== 0) throw new Error(`duban ${args.join(' ')}: ${res.stderr || res.stdout}`);
};

let passed = 0;
let failed = 0;
function check(name: string, fn: () => void) {
	try {
		fn();
		passed++;
		console.log(`  ✓ ${name}`);
	} catch (err) {
		failed++;
		console.log(`  ✗ ${name}\n      ${(err as Error).message}`);
	}
}
function expect(ok: boolean, message: string) {
	if (!ok) throw new Error(message);
}
const mm = (pt: number) => (pt / 72) * 25.4;

const started = Date.now();
console.log('=== documents check (LibreOffice → PDF → poppler)');
duban('init', '--demo');

// What users download, written into the work folder.
const files: Record<string, string> = {
	sample: join(work, 'official-sample.docx'),
	monthDocx: join(work, 'bulletin-2020-09.docx'),
	monthXlsx: join(work, 'bulletin-2020-09-tables.xlsx'),
	weekDocx: join(work, 'bulletin-2020-09-21-week.docx'),
	plan: join(work, 'plan-2020.xlsx'),
	reports: join(work, 'reports-2020-09.xlsx')
};
{
	const { officialDocx } = await import('../../api/lib/official-docx.ts');
	writeFileSync(files.sample!, await officialDocx(SAMPLE_DOC));
	duban('bulletin', '--period', '2020-09', '--format', 'docx', '--out', files.monthDocx!);
	duban('bulletin', '--period', '2020-09', '--format', 'xlsx', '--out', files.monthXlsx!);
	duban(
		'bulletin',
		'--period',
		'2020-09',
		'--week',
		'2020-09-21',
		'--format',
		'docx',
		'--out',
		files.weekDocx!
	);
	duban('export', 'plan', '--format', 'xlsx', '--out', files.plan!);
	const { cliContext } = await import('../../api/cli/context.ts');
	const { exportReports } = await import('../../api/services/report-review.ts');
	const { SYSTEM_OFFICE } = await import('../../api/services/setup.ts');
	const ctx = await cliContext();
	writeFileSync(
		files.reports!,
		(await exportReports({ ...ctx, actor: SYSTEM_OFFICE }, { period: '2020-09' }, 'xlsx')).body
	);
	await ctx.close();
}

// One LibreOffice run converts them all, with a profile of its own (another soffice may be running).
execFileSync(
	'soffice',
	[
		`-env:UserInstallation=file://${work}/lo-profile`,
		'--headless',
		'--convert-to',
		'pdf',
		'--outdir',
		work,
		...Object.values(files)
	],
	{ env, stdio: 'ignore', timeout: 180_000 }
);
const printPdf = join(work, 'print-view.pdf');
await printView(SAMPLE_DOC, printPdf, env);
const facts: Record<string, PdfFacts> = {};
for (const [key, file] of [...Object.entries(files), ['printView', printPdf] as const]) {
	const pdf = file.replace(/\.\w+$/, '.pdf');
	check(`${key}: ${key === 'printView' ? 'Chromium prints' : 'LibreOffice converts'} it to PDF`, () => {
		facts[key] = pdfFacts(pdf);
	});
	if (facts[key]) execFileSync('pdftoppm', ['-r', '60', '-png', pdf, join(out, key)]);
}
const a4 = (f: PdfFacts) => {
	const [w, h] = f.landscape ? [f.height, f.width] : [f.width, f.height];
	expect(
		Math.abs(w - 595.3) < 1.5 && Math.abs(h - 841.9) < 1.5,
		`page is ${f.width} × ${f.height} pt, not A4`
	);
};
const pages = (f: PdfFacts, min: number, max: number) =>
	expect(f.pages >= min && f.pages <= max, `${f.pages} pages, expected ${min}–${max}`);
const has = (f: PdfFacts, ...texts: (string | RegExp)[]) => {
	for (const t of texts)
		expect(typeof t === 'string' ? f.flat.includes(t.replace(/\s/g, '')) : t.test(f.flat), `text lacks ${t}`);
};

/** The GB/T 9704 layout of a .docx, measured on its PDF. */
function officialLayout(key: string, f: PdfFacts, doc: { issuer: string; title: string }) {
	check(`${key}: A4 portrait`, () => (a4(f), expect(!f.landscape, 'landscape')));
	check(`${key}: body text starts 28 mm from the left edge (订口) and 37 mm from the top (天头)`, () => {
		const left = mm(Math.min(...f.words.filter((w) => w.page === 2).map((w) => w.xMin)));
		// The first line's centre sits half a line (28.95 pt ≈ 10.2 mm) below the 天头: 37 + 5.1 mm.
		const first = f.words.filter((w) => w.page === 2).sort((x, y) => x.yMin - y.yMin)[0]!;
		const centre = mm((first.yMin + first.yMax) / 2);
		expect(Math.abs(left - 28) < 1.5, `left edge of page 2 text at ${left.toFixed(1)} mm`);
		expect(Math.abs(centre - 42.1) < 2, `first line of page 2 centred at ${centre.toFixed(1)} mm`);
	});
	check(`${key}: 版心 156 mm wide — no text right of 184 mm`, () => {
		// A line may end in a hanging punctuation mark (Word and LibreOffice both hang them in CJK text).
		const limit = (w: { text: string }) => 184.5 + (/[，。、；：！？）”]$/.test(w.text) ? 6 : 0);
		const far = f.words.filter((w) => !/^[—\d]+$/.test(w.text) && mm(w.xMax) > limit(w));
		expect(
			!far.length,
			`text reaches ${far.map((w) => `${w.text} ${mm(w.xMax).toFixed(1)} mm (p${w.page})`).join(', ')}`
		);
	});
	check(`${key}: page numbers "— 1 —" at the outside edge (odd right, even left)`, () => {
		has(f, /—\s*1\s*—/);
		// The page number is the lowest "2" on page 2 (body text may hold the same figure).
		const number = (page: number) =>
			f.words.filter((w) => w.page === page && w.text === String(page)).sort((x, y) => y.yMin - x.yMin)[0];
		const one = number(1);
		const two = number(2);
		expect(!!one && mm(one.xMin) > 150, `page 1 number at ${one && mm(one.xMin).toFixed(1)} mm`);
		expect(!!two && mm(two.xMin) < 60, `page 2 number at ${two && mm(two.xMin).toFixed(1)} mm`);
	});
	check(`${key}: masthead, title, 主送 and date in Chinese survive`, () =>
		has(f, doc.issuer, doc.title, /\d{4}年\d{1,2}月\d{1,2}日/)
	);
}

if (facts.sample) {
	const f = facts.sample;
	officialLayout('sample', f, SAMPLE_DOC);
	check('sample: 22 lines per full page of body text', () => {
		// Page 2 is body text from top to bottom: count distinct baselines above the page number.
		const lines = new Set(
			f.words.filter((w) => w.page === 2 && mm(w.yMax) < 262).map((w) => Math.round(w.yMax))
		);
		expect(lines.size >= 20 && lines.size <= 22, `${lines.size} lines on page 2`);
	});
	check(
		'sample: 合计 row, 附件 pages and 版记 survive; 6–8 pages (3 of body, 2 attachments, 版记 page)',
		() => {
			has(f, '合计', '附件1', '附件2', '抄送：', '印发', '〔2020〕');
			pages(f, 6, 8);
		}
	);
}
if (facts.printView) {
	const f = facts.printView;
	officialLayout('printView', f, SAMPLE_DOC);
	check('printView: 合计 row, 附件 pages and 版记 survive; 4–7 pages', () => {
		has(f, '合计', '附件1', '附件2', '抄送：', '印发', '〔2020〕');
		pages(f, 4, 7);
	});
}
// The bulletins' .docx are written by officialDocx: the same layout checks as the sample.
const ISSUER = '省推进政府数字化转型联席会议办公室';
if (facts.monthDocx)
	officialLayout('monthDocx', facts.monthDocx, {
		issuer: ISSUER,
		title: '关于2020年9月政府数字化转型工作进展情况的通报'
	});
if (facts.weekDocx)
	officialLayout('weekDocx', facts.weekDocx, {
		issuer: ISSUER,
		title: '关于2020年9月21日至9月27日政府数字化转型工作进展情况的通报'
	});
for (const [key, label] of [
	['monthDocx', '2020年9月'],
	['weekDocx', '2020']
] as const) {
	const f = facts[key];
	if (!f) continue;
	check(`${key}: A4, 2–30 pages, the title and unit names survive`, () => {
		a4(f);
		// A month's bulletin: a few pages of text and its attachment tables, one row per overdue indicator.
		pages(f, 2, 30);
		has(f, label, '省大数据局', '通报', '总体情况');
	});
}
if (facts.monthXlsx) {
	const f = facts.monthXlsx;
	check('monthXlsx: A4 pages, its tables and unit names survive, 5–20 pages', () => {
		a4(f);
		// Five sheets (one a ranking of some 55 units on two pages), each starting a page.
		pages(f, 5, 20);
		has(f, '省大数据局', '第1页');
	});
}
if (facts.plan) {
	const f = facts.plan;
	check('plan: A4 landscape, one page wide, 8–30 pages for 80 indicators', () => {
		a4(f);
		expect(f.landscape, 'portrait');
		pages(f, 8, 30);
	});
	check('plan: every indicator and the header survive; the header repeats on every page', () => {
		has(f, '任务分工表', '具体指标', '牵头单位', '政务服务2.0平台');
		const heads = f.pageTexts.filter((t) => t.replace(/\s/g, '').includes('具体指标')).length;
		expect(heads === f.pages, `header on ${heads} of ${f.pages} pages`);
	});
	check('plan: nothing overprinted — no two text lines of one column overlap', () => {
		const overlaps = overprinted(f);
		expect(overlaps.length === 0, `overlapping words: ${overlaps.slice(0, 3).join('; ')}`);
	});
}
if (facts.reports) {
	const f = facts.reports;
	check('reports: A4, the reports of September with unit names and the header', () => {
		a4(f);
		// About 300 report items of 2020-09, five to twelve a landscape page with their wrapped progress text.
		pages(f, 20, 70);
		has(f, '2020-09', '单位', '当月进展');
	});
}

// The PDFs stay for a look when something failed.
if (failed) console.log(`documents: files and PDFs kept in ${work}`);
else rmSync(work, { recursive: true, force: true });
writeFileSync(join(root, 'reports/docs.json'), JSON.stringify({ passed, failed }));
console.log(`documents: PNG pages in reports/docs/ (${((Date.now() - started) / 1000).toFixed(0)} s)`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
