import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importPlan, startTestServer, type TestServer } from '../support/harness.ts';
import { query } from '../../db/client.ts';

/**
 * How much the database grows when a unit's form autosaves: 100 saves of a 36-item report (the largest
 * form of the load benchmark) whose three text fields are all at their 4,000-character limit, each save
 * changing one item as a user typing would. Prints the figures; `npx vitest run test/api/report-growth.test.ts`.
 */
const ITEMS = 36;
const SAVES = Number(process.env.SAVES ?? 100);
/** The data 100 autosaves may add at most: each one's audit row is a diff, and one draft is kept, not 100. */
const BOUND = 1_000_000;

let s: TestServer;
beforeAll(async () => {
	s = await startTestServer({ start: new Date('2020-05-06T02:00:00Z') });
});
afterAll(() => s.close());

/** The database's size in bytes: the file's pages, and those holding data (not on the free list). */
async function size() {
	const r = (
		await query<{ pages: number; free: number; page: number }>(
			s.db,
			sql`select (select page_count from pragma_page_count) as pages, (select freelist_count from pragma_freelist_count) as free, (select page_size from pragma_page_size) as page`
		)
	)[0]!;
	return { file: r.pages * r.page, used: (r.pages - r.free) * r.page };
}
const tableBytes = async (text: string) =>
	(await query<{ n: number | null }>(s.db, sql.raw(text)))[0]!.n ?? 0;

describe('autosave growth', () => {
	it(`${SAVES} autosaves of a ${ITEMS}-item form with full-length text add less than 1 MB`, async () => {
		const office = await s.as('office');
		await importPlan(
			office,
			Array.from({ length: ITEMS }, (_, i) => [
				'领域',
				'',
				`任务${i}`,
				`指标${i}：新增开放数据集${100 + i}个`,
				'2020年12月底前',
				'省大数据局'
			])
		);
		const unit = await s.as('unit', '省大数据局');
		const form = (await unit.get('/api/v1/reports/mine/2020-05')).data;
		expect(form.items.length).toBeGreaterThanOrEqual(ITEMS);
		const full = (seed: string) => (seed + '推进数据开放工作，'.repeat(500)).slice(0, 4000);
		const items = form.items.map((i: any) => ({
			indicatorId: i.indicatorId,
			progressStatus: 'on_track',
			percent: 40,
			progress: full(`${i.indicatorId}进展`),
			problems: full(`${i.indicatorId}问题`),
			nextSteps: full(`${i.indicatorId}计划`),
			values: i.targets.map((t: any) => ({ targetId: t.id, value: 10 })),
			attachmentIds: []
		}));
		let revision: number | null = null;
		const save = async () => {
			const res = await unit.request('PUT', '/api/v1/reports/mine/2020-05', { revision, items });
			expect(res.status, JSON.stringify(res.data).slice(0, 300)).toBe(200);
			revision = res.data.report.revision;
		};
		await save();
		const start = await size();
		let half = start;
		for (let n = 1; n <= SAVES; n++) {
			if (n === SAVES / 2 + 1) half = await size();
			// Autosave runs a few seconds after the user stops typing in one item.
			s.clock.advance(5_000);
			const item = items[n % items.length];
			item.progress = full(`第${n}次修改 ${item.indicatorId}进展`);
			await save();
		}
		const end = await size();
		const used = end.used - start.used;
		const audit = await tableBytes(
			`select sum(length(coalesce(before, '')) + length(coalesce(after, ''))) as n from audit_log where action = 'report.save'`
		);
		const versions = await tableBytes(`select sum(length(snapshot)) as n from report_version`);
		console.log(
			`[report-growth] ${SAVES} autosaves of a ${items.length}-item form: data +${used} bytes, ` +
				`file +${end.file - start.file} bytes (${start.file} → ${end.file}; second half +${end.file - half.file}); ` +
				`report.save audit JSON ${audit} characters; version snapshots ${versions} characters`
		);
		expect(used).toBeLessThan(BOUND);
		// Pages freed by overwriting the draft are reused: the file stops growing.
		expect(end.file - half.file).toBeLessThan(BOUND / 10);
	}, 300_000);
});
