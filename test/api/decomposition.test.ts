import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../../tasks/index.ts';
import { execute, query, withTransaction } from '../../db/client.ts';
import { importPlan, startTestServer, type Client, type TestServer } from '../support/harness.ts';

const LONG = { SESSION_IDLE_MINUTES: '500000', SESSION_MAX_HOURS: '9000' };
const TEXT = '设区市各推出5个以上数字化应用';

describe('decomposition (分解/交办/签收) and roll-up', () => {
	let s: TestServer;
	let office: Client;
	let hz: Client;
	let xihu: Client;
	let xiaoshan: Client;
	let indicatorId: number;
	let targetId: number;
	let hzPart: number;

	const daily = (day: string) =>
		runJob('daily', { ...s.deps, mailer: null }, new Date(`${day}T06:00:00+08:00`));
	const at = (day: string) => s.clock.set(new Date(`${day}T02:00:00Z`));
	const unitId = async (name: string) =>
		(await query<{ id: number }>(s.db, sql`select id from unit where name = ${name}`))[0]!.id;
	const child = async (name: string, dueOn: string, value: number, mode = 'share') => ({
		unitId: await unitId(name),
		role: 'lead',
		dueOn,
		shares: [{ targetId, value, mode }]
	});
	const report = async (c: Client, period: string, value: number, status = 'on_track') => {
		const form = (await c.get(`/api/v1/reports/mine/${period}`)).data;
		const res = await c.post(`/api/v1/reports/mine/${period}/submit`, {
			revision: form.report?.revision ?? null,
			items: form.items.map((i: any) => ({
				indicatorId: i.indicatorId,
				progressStatus: status,
				progress: '按计划推进',
				values: i.indicatorId === indicatorId ? [{ targetId, value }] : []
			}))
		});
		expect(res.status, JSON.stringify(res.data)).toBe(200);
	};

	beforeAll(async () => {
		s = await startTestServer({ start: new Date('2020-03-01T02:00:00Z'), env: LONG });
		office = await s.as('office');
		const { ids } = await importPlan(
			office,
			[['领域', '', '任务', TEXT, '2020年9月底前', '各设区市政府']],
			2020,
			'2020-01-01'
		);
		indicatorId = ids[TEXT]!;
		hz = await s.as('unit', '杭州市政府');
		xihu = await s.as('unit', '西湖区政府');
		xiaoshan = await s.as('unit', '萧山区政府');
		at('2020-05-06');
		hzPart = (await hz.get(`/api/v1/parts?indicatorId=${indicatorId}`)).data.items[0].id;
		targetId = (await hz.get(`/api/v1/parts/${hzPart}`)).data.targets[0].id;
	});
	afterAll(() => s.close());

	it('refuses what a decomposition may not be, each with its code', async () => {
		const part = (await hz.get(`/api/v1/parts/${hzPart}`)).data;
		expect(part.targets).toEqual([expect.objectContaining({ id: targetId, goal: 5, aggregation: 'each' })]);
		expect(part.candidates.map((u: any) => u.name)).toContain('西湖区政府');
		expect(part.candidates.map((u: any) => u.name)).not.toContain('海曙区政府');
		const post = async (children: any[], signBy = '2020-05-15') =>
			(await hz.post(`/api/v1/parts/${hzPart}/children`, { signBy, children })).data.error?.key;
		expect(await post([await child('海曙区政府', '2020-08-31', 5)])).toBe('decompose.unit_not_below');
		expect(await post([await child('西湖区政府', '2020-10-31', 5)])).toBe('decompose.due_after_parent');
		expect(
			await post([await child('西湖区政府', '2020-08-31', 3), await child('萧山区政府', '2020-08-31', 1)])
		).toBe('decompose.shares_sum');
		expect(
			await post([
				await child('西湖区政府', '2020-08-31', 3),
				await child('萧山区政府', '2020-08-31', 2, 'at_least')
			])
		).toBe('decompose.share_mode_mixed');
		expect(
			await post([await child('西湖区政府', '2020-08-31', 3), await child('西湖区政府', '2020-08-31', 2)])
		).toBe('decompose.duplicate_unit');
		expect(await post([await child('西湖区政府', '2020-08-31', 5)], '2020-05-01')).toBe(
			'decompose.sign_by_past'
		);
		const missing = await hz.post(`/api/v1/parts/${hzPart}/children`, {
			signBy: '2020-05-15',
			children: [{ unitId: await unitId('西湖区政府'), dueOn: '2020-08-31' }]
		});
		expect(missing.data.error.key).toBe('decompose.share_missing');
		expect(missing.data.error.message).toBe('请为每个下级单位填写“设区市数字化应用”的分解数');
		// Another unit cannot hand 杭州's part down; a county does not even see it.
		const foreign = await xihu.post(`/api/v1/parts/${hzPart}/children`, {
			signBy: '2020-05-15',
			children: [await child('西湖区政府', '2020-08-31', 5)]
		});
		expect(foreign.status).toBe(404);
	});

	it('hands shares down, audited; the same unit twice is refused', async () => {
		const res = await hz.post(`/api/v1/parts/${hzPart}/children`, {
			signBy: '2020-05-15',
			children: [await child('西湖区政府', '2020-08-31', 3), await child('萧山区政府', '2020-08-31', 2)]
		});
		expect(res.status, JSON.stringify(res.data)).toBe(201);
		expect(res.data.children.map((c: any) => [c.unit.name, c.dueOn, c.signBy, c.shares[0].value])).toEqual([
			['西湖区政府', '2020-08-31', '2020-05-15', 3],
			['萧山区政府', '2020-08-31', '2020-05-15', 2]
		]);
		const again = await hz.post(`/api/v1/parts/${hzPart}/children`, {
			signBy: '2020-05-15',
			children: [await child('西湖区政府', '2020-08-31', 0)]
		});
		expect(again.status).toBe(409);
		expect(again.data.error.key).toBe('decompose.already_decomposed');
		const audit = await query<{ action: string }>(
			s.db,
			sql`select action from audit_log where action = 'part.decompose'`
		);
		expect(audit).toHaveLength(1);
		// Each district hears it on the bell (and in its next digest mail): who handed what, by when to sign.
		const bell = (await xihu.get('/api/v1/notifications')).data.items;
		expect(bell).toEqual([
			expect.objectContaining({
				title: '杭州市政府交办任务，请于 2020-05-15 前签收',
				body: `任务：${TEXT}（牵头，截止 2020-08-31）；本单位分解目标：设区市数字化应用 3个`,
				link: `/parts/${res.data.children[0].id}`
			})
		]);
		const news = await query<{ unitId: number; title: string }>(
			s.db,
			sql`select unit_id as "unitId", title from unit_news where dedupe_key like 'part.handed|%' order by unit_id`
		);
		expect(news.map((n) => n.title)).toEqual([
			'杭州市政府交办任务，请于 2020-05-15 前签收',
			'杭州市政府交办任务，请于 2020-05-15 前签收'
		]);
		// The provincial view keeps its 11 parts: the counties' parts roll up, they are not counted beside them.
		expect((await office.get(`/api/v1/indicators/${indicatorId}`)).data.parts).toEqual({ done: 0, of: 11 });
	});

	it('signs for it; unsigned after the sign-by day lights the child, and the parent names it', async () => {
		const mine = (await xihu.get('/api/v1/parts')).data.items;
		expect(mine).toHaveLength(1);
		expect((await xihu.post(`/api/v1/parts/${mine[0].id}/sign`)).data).toMatchObject({
			signedOn: '2020-05-06',
			signLate: false
		});
		expect((await xihu.post(`/api/v1/parts/${mine[0].id}/sign`)).data.error.key).toBe('part.already_signed');
		at('2020-05-20');
		await daily('2020-05-20');
		const part = (await hz.get(`/api/v1/parts/${hzPart}`)).data;
		const xs = part.children.find((c: any) => c.unit.name === '萧山区政府');
		expect(xs).toMatchObject({ state: 'yellow', signLate: true, reason: { kind: 'unsigned' } });
		expect(part.state).toBe('yellow');
		expect(part.reason.kind).toBe('child_lagging');
		expect(part.reason.text).toMatch(/^下级单位萧山区政府黄灯：交办任务应于 2020-05-15 前签收/);
		expect(part.rollup.lagging).toEqual({ unit: '萧山区政府', light: 'yellow', others: 0 });
		// Signed late: recorded as late, and the light goes out at once.
		const xsMine = (await xiaoshan.get('/api/v1/parts')).data.items[0];
		expect((await xiaoshan.post(`/api/v1/parts/${xsMine.id}/sign`)).data.signLate).toBe(true);
		expect((await hz.get(`/api/v1/parts/${hzPart}`)).data.state).toBe('green');
	});

	it('sums the children’s reported figures against the part’s target, the same on every page', async () => {
		at('2020-06-10');
		// The counties report from the month they were handed the part, like any assignment.
		const form = (await xihu.get('/api/v1/reports/mine/2020-05')).data;
		expect(form.items.map((i: any) => i.indicatorId)).toEqual([indicatorId]);
		expect((await xihu.get('/api/v1/reports/mine/2020-04')).data.items ?? []).toEqual([]);
		// 西湖区's form and its own list hold it to its share (3 of 杭州's 5), judged on its own figure.
		expect(form.items[0].targets[0]).toMatchObject({
			value: 3,
			aggregation: 'each',
			share: { mode: 'share', of: '杭州市政府', whole: 5 },
			progress: { state: 'no_actual', goal: 3 }
		});
		await report(xihu, '2020-05', 2);
		await report(xiaoshan, '2020-05', 1);
		const after = (await xihu.get('/api/v1/reports/mine/2020-06')).data.items[0].targets[0];
		expect(after.progress).toMatchObject({ state: 'measured', actual: 2, goal: 3, met: false });
		const mine = (await xihu.get(`/api/v1/indicators?unitId=${await unitId('西湖区政府')}&role=lead`)).data
			.items;
		expect(mine.find((i: any) => i.id === indicatorId).targets[0]).toMatchObject({
			value: 3,
			share: { of: '杭州市政府', whole: 5 },
			progress: { actual: 2, goal: 3 }
		});
		// 杭州's own view of the indicator still shows the plan's target, 5 each.
		const hzView = (await hz.get(`/api/v1/indicators/${indicatorId}`)).data.targets[0];
		expect(hzView).toMatchObject({ value: 5, share: null });
		const part = (await hz.get(`/api/v1/parts/${hzPart}`)).data;
		expect(part.rollup.figures).toEqual([{ targetId, actual: 3, goal: 5, percent: 60, reported: 2 }]);
		expect(part.actuals).toEqual([{ targetId, value: 3 }]);
		const drill = (await office.get(`/api/v1/parts?indicatorId=${indicatorId}`)).data.items;
		expect(drill).toHaveLength(11);
		expect(drill.find((p: any) => p.unit.name === '杭州市政府').rollup.figures[0].actual).toBe(3);
		const xs = part.children.find((c: any) => c.unit.name === '萧山区政府');
		expect(xs.actuals).toEqual([{ targetId, value: 1 }]);
	});

	it('the worst child makes the parent red, naming it; provincial views count the city, not its counties', async () => {
		const xihuPart = (await xihu.get('/api/v1/parts')).data.items[0].id;
		const done = await xihu.post('/api/v1/requests', {
			kind: 'completion',
			indicatorId,
			statement: '已完成3个'
		});
		expect(done.status, JSON.stringify(done.data)).toBe(201);
		at('2020-08-20');
		await office.post(`/api/v1/requests/${done.data.id}/decide`, { approve: true });
		at('2020-09-02');
		await daily('2020-09-02');
		const part = (await hz.get(`/api/v1/parts/${hzPart}`)).data;
		expect(part.children.find((c: any) => c.id === xihuPart).state).toBe('completed_on_time');
		expect(part.state).toBe('red');
		expect(part.reason.text).toMatch(/^下级单位萧山区政府红灯：已超过完成时限 2020-08-31（逾期 2 天）/);
		// Office's drill-down: indicator → 杭州市政府 → its counties with their lights.
		const drill = (await office.get(`/api/v1/parts?indicatorId=${indicatorId}`)).data.items;
		expect(drill.find((p: any) => p.unit.name === '杭州市政府')).toMatchObject({
			state: 'red',
			children: { done: 1, of: 2 },
			rollup: { lagging: { unit: '萧山区政府', light: 'red', others: 0 } }
		});
		// The red list names the city (red by its county), not the county beside it; the tile counts it once.
		const list = (await office.get('/api/v1/dashboard/list?kind=red')).data.items;
		expect(list.map((i: any) => i.units.map((u: any) => u.name))).toEqual([['杭州市政府']]);
		const tiles = (await office.get('/api/v1/dashboard/summary')).data.tiles;
		expect(tiles.redUnits).toBe(1);
	});

	it('the city cannot ask for sign-off while a child is open; the office may override, audited', async () => {
		const refused = await hz.post('/api/v1/requests', { kind: 'completion', indicatorId, statement: '完成' });
		expect(refused.status).toBe(409);
		expect(refused.data.error).toMatchObject({
			key: 'request.children_open',
			message: expect.stringContaining('1 个')
		});
		expect((await hz.post(`/api/v1/parts/${hzPart}/override-sign-off`, { reason: 'x' })).status).toBe(403);
		const res = await office.post(`/api/v1/parts/${hzPart}/override-sign-off`, {
			reason: '萧山区已由市里统筹完成'
		});
		expect(res.status, JSON.stringify(res.data)).toBe(200);
		expect(res.data).toMatchObject({ completedOn: '2020-09-02', state: 'completed_on_time', reason: null });
		const audit = await query<{ after: string }>(
			s.db,
			sql`select after from audit_log where action = 'part.override_sign_off'`
		);
		expect(audit[0]!.after).toContain('萧山区已由市里统筹完成');
		expect((await office.get(`/api/v1/indicators/${indicatorId}`)).data.parts).toEqual({ done: 1, of: 11 });
		expect(
			(await office.post(`/api/v1/parts/${hzPart}/override-sign-off`, { reason: 'y' })).data.error.key
		).toBe('part.override_completed');
	});

	it('deleting a part deletes the parts handed down from it, on both databases', async () => {
		const parts = sql`select count(*) as n from assignment where parent_id = ${hzPart}`;
		expect(Number((await query<{ n: number }>(s.db, parts))[0]!.n)).toBe(2);
		await withTransaction({ db: s.db }, ({ db }) =>
			execute(db, sql`delete from assignment where id = ${hzPart}`)
		);
		expect(Number((await query<{ n: number }>(s.db, parts))[0]!.n)).toBe(0);
		const left = await query<{ unit: string }>(
			s.db,
			sql`select u.name as unit from assignment a join unit u on u.id = a.unit_id where a.indicator_id = ${indicatorId}
				and u.name in ('杭州市政府', '西湖区政府', '萧山区政府')`
		);
		expect(left).toEqual([]);
	});
});
