import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	importPlan,
	SAMPLE_FILES,
	startTestServer,
	uploadForm,
	type Client,
	type TestServer
} from '../support/harness.ts';
import { query } from '../../db/client.ts';

let s: TestServer;
let office: Client;
beforeAll(async () => {
	s = await startTestServer({ start: new Date('2020-05-06T02:00:00Z') });
	office = await s.as('office');
});
afterAll(() => s.close());

const PERIOD = '2020-05';
const path = `/api/v1/reports/mine/${PERIOD}`;

/** A plan of `n` indicators for one unit, and a user of that unit with its form. */
async function unitWithForm(unitName: string, n = 2) {
	await importPlan(
		office,
		Array.from({ length: n }, (_, i) => [
			'领域',
			'',
			`任务${i}`,
			`${unitName}指标${i}`,
			'2020年12月底前',
			unitName
		])
	);
	const unit = await s.as('unit', unitName);
	const form = (await unit.get(path)).data;
	return { unit, form };
}

function fill(form: any, overrides: Record<string, unknown> = {}) {
	return form.items.map((i: any) => ({
		indicatorId: i.indicatorId,
		progressStatus: 'on_track',
		percent: 40,
		progress: '本月推进顺利',
		problems: '',
		nextSteps: '继续推进',
		values: [],
		attachmentIds: [],
		...overrides
	}));
}

const versionRows = async (reportId: number) =>
	await query<{ version: number; action: string }>(
		s.db,
		sql`select version, action from report_version where report_id = ${reportId} order by id`
	);
const auditRows = async (reportId: number, action: string) =>
	await query<{ before: string | null; after: string }>(
		s.db,
		sql`select before, after from audit_log where action = ${action} and object_id = ${String(reportId)} order by id`
	);
const upload = async (unit: Client, name: string) =>
	(await unit.post('/api/v1/attachments', uploadForm(SAMPLE_FILES.pdf, name))).data as { id: number };

describe('report versions', () => {
	it('count submissions: saves keep one draft and no number; return → resubmit is v2', async () => {
		const { unit, form } = await unitWithForm('省人力社保厅');
		let revision: number | null = null;
		for (const progress of ['第一稿', '第二稿', '第三稿']) {
			s.clock.advance(5_000);
			const res = await unit.request('PUT', path, { revision, items: fill(form, { progress }) });
			expect(res.status).toBe(200);
			expect(res.data.report).toMatchObject({ status: 'draft', version: 0 });
			revision = res.data.report.revision;
		}
		expect(revision).toBe(3);
		const reportId = (await unit.get(path)).data.report.id;
		// One draft, numbered as the submission it will become.
		expect(await versionRows(reportId)).toEqual([{ version: 1, action: 'save' }]);

		const v1 = await unit.post(`${path}/submit`, { revision, items: fill(form) });
		expect(v1.data.report).toMatchObject({ status: 'submitted', version: 1 });
		await office.post(`/api/v1/reports/${reportId}/return`, { reason: '请补充' });
		const back = (await unit.get(path)).data;
		expect(back.report).toMatchObject({ status: 'returned', version: 1 });
		revision = back.report.revision;
		for (const progress of ['补充一', '补充二']) {
			s.clock.advance(5_000);
			const res = await unit.request('PUT', path, { revision, items: fill(form, { progress }) });
			expect(res.data.report).toMatchObject({ status: 'returned', version: 1 });
			revision = res.data.report.revision;
		}
		const listed = (await office.get(`/api/v1/reports/${reportId}/versions`)).data.items;
		expect(listed.map((v: any) => `v${v.version} ${v.action} ${v.status}`)).toEqual([
			'v1 submit submitted',
			'v1 return returned',
			'v2 save returned'
		]);
		const v2 = await unit.post(`${path}/submit`, { revision, items: fill(form, { progress: '补充二' }) });
		expect(v2.data.report).toMatchObject({ status: 'submitted', version: 2 });
		expect(await versionRows(reportId)).toEqual([
			{ version: 1, action: 'submit' },
			{ version: 1, action: 'return' },
			{ version: 2, action: 'submit' }
		]);
		const queue = (await office.get(`/api/v1/reports?period=${PERIOD}&status=submitted`)).data.items;
		expect(queue.find((r: any) => r.id === reportId).version).toBe(2);
	});

	it('a draft save is audited as the fields it changed, long text as a digest, never a copy', async () => {
		const { unit, form } = await unitWithForm('省交通运输厅', 5);
		const long = (tag: string) => `${tag}：${'推进数据共享和业务协同，'.repeat(400)}`.slice(0, 4000);
		const items = fill(form, { progress: long('初稿'), problems: long('问题'), nextSteps: long('计划') });
		const digest = (text: string) => ({
			chars: text.length,
			sha256: createHash('sha256').update(text).digest('hex').slice(0, 16)
		});
		const first = await unit.request('PUT', path, { revision: null, items });
		const reportId = first.data.report.id;
		s.clock.advance(5_000);
		const changed = long('改稿');
		items[2] = { ...items[2], percent: 60, progress: changed };
		const second = await unit.request('PUT', path, { revision: first.data.report.revision, items });
		expect(second.status).toBe(200);

		const [, row] = await auditRows(reportId, 'report.save');
		expect(row!.after.length).toBeLessThan(1000);
		expect(row!.after).not.toContain('推进数据共享');
		expect(JSON.parse(row!.before!)).toEqual({ status: 'draft', revision: 1 });
		const after = JSON.parse(row!.after);
		expect(after).toMatchObject({ period: PERIOD, version: 0, revision: 2 });
		const indicatorId = items[2].indicatorId;
		expect(after.changes).toEqual([
			{ indicatorId, field: 'percent', from: 40, to: 60 },
			{ indicatorId, field: 'progress', from: digest(long('初稿')), to: digest(changed) }
		]);

		// Saving the same again changes nothing and writes nothing.
		const same = await unit.request('PUT', path, { revision: 2, items });
		expect(same.data.report.revision).toBe(2);
		expect(await auditRows(reportId, 'report.save')).toHaveLength(2);
	});

	it('draft saves are limited per user: 429 with Retry-After, and saving works again after a minute', async () => {
		const { unit, form } = await unitWithForm('省机关事务局');
		let revision: number | null = null;
		for (let n = 1; n <= 30; n++) {
			s.clock.advance(1_000);
			const res = await unit.request('PUT', path, { revision, items: fill(form, { progress: `第${n}稿` }) });
			expect(res.status).toBe(200);
			revision = res.data.report.revision;
		}
		s.clock.advance(1_000);
		const refused = await unit.request('PUT', path, { revision, items: fill(form, { progress: '第31稿' }) });
		expect(refused.status).toBe(429);
		expect(refused.data.error.message).toMatch(/保存过于频繁，请 \d+ 秒后再试/);
		// The first of the 30 saves leaves the window 60 s after it was made: 30 s from now.
		expect(refused.headers.get('retry-after')).toBe('30');
		expect((await unit.get(path)).data.items[0].progress).toBe('第30稿');
		// Another user of the same unit is not held up; submitting is not limited.
		const colleague = await s.as('unit', '省机关事务局');
		expect((await colleague.request('PUT', path, { revision, items: fill(form) })).status).toBe(200);

		s.clock.advance(30_000);
		const again = await unit.request('PUT', path, {
			revision: revision! + 1,
			items: fill(form, { progress: '第31稿' })
		});
		expect(again.status).toBe(200);
		expect((await unit.get(path)).data.items[0].progress).toBe('第31稿');
	});

	it('compare shows the attachments added and removed between versions', async () => {
		const { unit, form } = await unitWithForm('省农业农村厅');
		const first = await upload(unit, '一季度台账.pdf');
		const items = fill(form);
		items[0].attachmentIds = [first.id];
		const v1 = await unit.post(`${path}/submit`, { revision: null, items });
		const reportId = v1.data.report.id;
		await office.post(`/api/v1/reports/${reportId}/return`, { reason: '请补充验收材料' });
		const second = await upload(unit, '验收报告.pdf');
		items[0].attachmentIds = [second.id];
		items[1].attachmentIds = [first.id];
		const back = (await unit.get(path)).data;
		const v2 = await unit.post(`${path}/submit`, { revision: back.report.revision, items });
		expect(v2.status).toBe(200);

		const versions = (await office.get(`/api/v1/reports/${reportId}/versions`)).data.items;
		const [sub1, , sub2] = versions;
		const diff = (await office.get(`/api/v1/reports/${reportId}/compare?from=${sub1.id}&to=${sub2.id}`)).data;
		const files = diff.changes.filter((c: any) => c.field === 'attachment');
		expect(files).toEqual([
			{
				indicatorId: items[0].indicatorId,
				field: 'attachment',
				from: { id: first.id, name: '一季度台账.pdf' },
				to: null
			},
			{
				indicatorId: items[0].indicatorId,
				field: 'attachment',
				from: null,
				to: { id: second.id, name: '验收报告.pdf' }
			},
			{
				indicatorId: items[1].indicatorId,
				field: 'attachment',
				from: null,
				to: { id: first.id, name: '一季度台账.pdf' }
			}
		]);
		// A version of another report is not found through this one.
		const other = await unitWithForm('省应急管理厅');
		const otherId = (await other.unit.post(`${path}/submit`, { items: fill(other.form) })).data.report.id;
		const otherVersion = (await office.get(`/api/v1/reports/${otherId}/versions`)).data.items[0].id;
		expect(
			(await office.get(`/api/v1/reports/${reportId}/compare?from=${sub1.id}&to=${otherVersion}`)).status
		).toBe(404);
	});
});

describe('the migration to versions numbered by submission', () => {
	it('keeps the newest draft only, renumbers kept versions and turns the old version into the revision', () => {
		const dir = fileURLToPath(new URL('../../db/migrations/', import.meta.url));
		const files = readdirSync(dir)
			.filter((f) => f.endsWith('.sql'))
			.sort();
		const mine = files.findIndex((f) => f.endsWith('_report_versions.sql'));
		const sqlite = new Database(':memory:');
		sqlite.pragma('foreign_keys = off');
		const apply = (file: string) => {
			for (const statement of readFileSync(join(dir, file), 'utf8').split('--> statement-breakpoint'))
				sqlite.exec(statement);
		};
		files.slice(0, mine).forEach(apply);
		// Three reports as the old code kept them: every write a version.
		const old = {
			1: ['save', 'save', 'submit', 'return', 'save', 'submit', 'accept'],
			2: ['save', 'save', 'save'],
			3: ['submit', 'return', 'save', 'save']
		};
		for (const [id, actions] of Object.entries(old)) {
			sqlite
				.prepare(
					`insert into report (id, unit_id, period, status, version, due_on, updated_at) values (?, 1, ?, 'draft', ?, '2020-05-31', 0)`
				)
				.run(Number(id), `2020-0${id}`, actions.length);
			actions.forEach((action, i) =>
				sqlite
					.prepare(
						`insert into report_version (report_id, version, action, status, snapshot, at) values (?, ?, ?, 'draft', '{}', 0)`
					)
					.run(Number(id), i + 1, action)
			);
		}
		apply(files[mine]!);
		const reports = sqlite.prepare('select id, version, revision from report order by id').all();
		expect(reports).toEqual([
			{ id: 1, version: 2, revision: 7 },
			{ id: 2, version: 0, revision: 3 },
			{ id: 3, version: 1, revision: 4 }
		]);
		const kept = sqlite
			.prepare(`select report_id as r, 'v' || version || ' ' || action as v from report_version order by id`)
			.all() as { r: number; v: string }[];
		expect(kept.filter((k) => k.r === 1).map((k) => k.v)).toEqual([
			'v1 submit',
			'v1 return',
			'v2 submit',
			'v2 accept'
		]);
		expect(kept.filter((k) => k.r === 2).map((k) => k.v)).toEqual(['v1 save']);
		expect(kept.filter((k) => k.r === 3).map((k) => k.v)).toEqual(['v1 submit', 'v1 return', 'v2 save']);
		sqlite.close();
	});
});
