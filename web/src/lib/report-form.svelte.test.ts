import { flushSync } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ReportForm, serverProblems } from './report-form.svelte.ts';

/**
 * A unit's report form against a stand-in for the three report endpoints (GET/PUT /reports/mine/:period,
 * POST …/submit): only `fetch` is replaced. The stand-in keeps a revision like the server: a save over
 * another revision is refused with 409, a submission with empty required fields with 422 and field paths;
 * a save or submission answers with the report's new state only, as the server does.
 */
type Item = { indicatorId: number; progressStatus: string | null; progress: string; percent: number | null };
type Report = { status: string; revision: number; updatedAt: string } | null;

function standIn() {
	const state = {
		report: null as Report,
		items: [1, 2].map(
			(id) => ({ indicatorId: id, progressStatus: null, progress: '', percent: null }) as Item
		),
		puts: [] as { revision: number | null; items: Item[] }[],
		/** The next answers to send instead of the normal one (status and body). */
		refuse: [] as { status: number; body: unknown }[]
	};
	const reportBody = () =>
		state.report && { id: 1, version: 0, late: false, submittedAt: null, ...state.report };
	const formBody = (period: string) => ({
		unit: { id: 7, name: '省发展改革委' },
		period,
		firstPeriod: '2020-01',
		dueOn: '2020-10-05',
		daysLeft: 5,
		report: reportBody(),
		items: state.items.map((i) => ({
			...i,
			role: 'lead',
			indicator: { text: `指标${i.indicatorId}`, dueOn: null, status: 'open' },
			targets: [],
			problems: '',
			nextSteps: '',
			values: {},
			attachments: [],
			previous:
				i.indicatorId === 1
					? {
							period: '2020-08',
							progressStatus: 'on_track',
							percent: 60,
							progress: '上月进展',
							problems: '',
							nextSteps: '',
							values: {}
						}
					: null
		})),
		counts: { red: 0, yellow: 0 }
	});
	const json = (status: number, body: unknown) =>
		new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
	const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
		const url = String(input);
		const period = /mine\/(\d{4}-\d{2})/.exec(url)![1]!;
		const refusal = init?.method !== 'GET' && init?.method ? state.refuse.shift() : undefined;
		if (refusal) return json(refusal.status, refusal.body);
		if (!init?.method || init.method === 'GET') return json(200, formBody(period));
		const body = JSON.parse(String(init.body)) as { revision: number | null; items: Item[] };
		if ((state.report?.revision ?? null) !== body.revision)
			return json(409, { error: { code: 'conflict', key: 'report.stale', message: '该月报已被他人更新' } });
		state.items = body.items;
		if (init.method === 'PUT') state.puts.push(body);
		const submit = url.endsWith('/submit');
		if (submit) {
			const details = body.items.flatMap((i, n) =>
				i.progress.trim()
					? []
					: [
							{
								indicatorId: i.indicatorId,
								field: 'progress',
								path: `items.${n}.progress`,
								code: 'required',
								message: '请填写当月进展'
							}
						]
			);
			if (details.length)
				return json(422, {
					error: {
						code: 'unprocessable',
						key: 'report.incomplete',
						params: { n: details.length },
						message: '未完成',
						details
					}
				});
		}
		state.report = {
			status: submit ? 'submitted' : 'draft',
			revision: (state.report?.revision ?? 0) + 1,
			updatedAt: '2020-09-30T02:00:00.000Z'
		};
		return json(200, { period, report: reportBody() });
	});
	return { state, fetch };
}

let server: ReturnType<typeof standIn>;
let rf: ReportForm;
let stop: () => void;

beforeEach(() => {
	server = standIn();
	vi.stubGlobal('fetch', server.fetch);
	vi.useFakeTimers();
	// The autosave is an effect of the component that creates the form; here, of a root of its own.
	stop = $effect.root(() => {
		rf = new ReportForm(3000);
	});
});
afterEach(() => {
	rf.destroy();
	stop();
	vi.useRealTimers();
	vi.unstubAllGlobals();
});

/** Lets the autosave effect see the edit, then lets its pause pass and the save's answer arrive. */
async function pause(ms: number) {
	flushSync();
	await vi.advanceTimersByTimeAsync(ms);
}

describe('ReportForm', () => {
	it('loads a month: one draft per item, nothing unsaved, editable', async () => {
		await rf.load('2020-09');
		expect(rf.form?.period).toBe('2020-09');
		expect(rf.drafts.map((d) => d.indicatorId)).toEqual([1, 2]);
		expect(rf.editable).toBe(true);
		expect(rf.dirty).toBe(false);
		expect(rf.filled).toBe(0);
	});

	it('saves the draft once, a pause after the last edit', async () => {
		await rf.load('2020-09');
		rf.drafts[0]!.progress = '已完成调研';
		await pause(1000);
		rf.drafts[0]!.progress = '已完成调研和方案';
		expect(rf.dirty).toBe(true);
		await pause(2000);
		expect(server.state.puts).toHaveLength(0);
		await pause(1000);
		expect(server.state.puts).toHaveLength(1);
		expect(server.state.puts[0]!.items[0]!.progress).toBe('已完成调研和方案');
		expect(rf.dirty).toBe(false);
		expect(rf.savedAt).toBe('2020-09-30T02:00:00.000Z');
		expect(rf.form?.report?.revision).toBe(1);
	});

	it('stops saving on a 409 and shows why; reloading takes the newer revision', async () => {
		await rf.load('2020-09');
		server.state.report = { status: 'draft', revision: 4, updatedAt: '2020-09-30T01:00:00.000Z' };
		rf.drafts[1]!.progress = '我的修改';
		await pause(3000);
		expect(rf.conflict).toContain('已被他人更新');
		rf.drafts[1]!.progress = '再改一次';
		await pause(10_000);
		expect(server.state.puts).toHaveLength(0);
		await rf.load('2020-09');
		expect(rf.conflict).toBe('');
		expect(rf.form?.report?.revision).toBe(4);
	});

	it('saves again once a 429 allows', async () => {
		await rf.load('2020-09');
		server.state.refuse.push({
			status: 429,
			body: {
				error: {
					code: 'too_many_requests',
					key: 'report.save_limit',
					message: '保存过于频繁',
					details: { retryAfterSeconds: 20 }
				}
			}
		});
		rf.drafts[0]!.progress = '进展';
		await pause(3000);
		expect(rf.saveError).toContain('保存过于频繁');
		await pause(20_000);
		expect(server.state.puts).toHaveLength(1);
		expect(rf.saveError).toBe('');
	});

	it('checks required fields before submitting and names them per item', async () => {
		await rf.load('2020-09');
		rf.drafts[0]!.progressStatus = 'on_track';
		rf.drafts[0]!.progress = '进展';
		rf.drafts[1]!.percent = '120';
		const found = rf.check();
		expect(found.map((p) => [p.indicatorId, p.field])).toEqual([
			[2, 'percent'],
			[2, 'status'],
			[2, 'progress']
		]);
		expect(rf.invalidOf(2)).toEqual(['percent', 'status', 'progress']);
		expect(rf.invalidOf(1)).toEqual([]);
	});

	it("maps the server's 422 field paths to the items' fields", async () => {
		await rf.load('2020-09');
		rf.drafts[0]!.progressStatus = 'on_track';
		rf.drafts[0]!.progress = '进展';
		rf.drafts[1]!.progressStatus = 'behind';
		expect(await rf.submit()).toBe(false);
		expect(rf.issues.map((p) => [p.indicatorId, p.field])).toEqual([[2, 'progress']]);
		expect(rf.issues[0]!.message).toMatch(/^第 ?2 ?项/);
		expect(rf.submitting).toBe(false);
	});

	it('submits: the report is no longer editable and says so', async () => {
		await rf.load('2020-09');
		for (const d of rf.drafts) {
			d.progressStatus = 'on_track';
			d.progress = '按计划推进';
		}
		expect(await rf.submit()).toBe(true);
		expect(rf.submitted).toBe(true);
		expect(rf.form?.report?.status).toBe('submitted');
		expect(rf.editable).toBe(false);
		expect(rf.dirty).toBe(false);
		// The answer is the report's state: the form as stored is read again after it.
		const [url, init] = server.fetch.mock.calls.at(-1)!;
		expect([String(url), init?.method ?? 'GET']).toEqual([expect.stringMatching(/mine\/2020-09$/), 'GET']);
		expect(rf.form?.items[0]!.progress).toBe('按计划推进');
	});

	it('copies last month into the empty fields of every item that has one', async () => {
		await rf.load('2020-09');
		rf.copyAll();
		expect(rf.copiedAll).toBe(1);
		expect(rf.drafts[0]).toMatchObject({ progressStatus: 'on_track', percent: '60', progress: '上月进展' });
		expect(rf.drafts[1]!.progress).toBe('');
	});

	it('keeps the month asked last when an earlier answer arrives late', async () => {
		const first = rf.load('2020-08');
		const second = rf.load('2020-09');
		await Promise.all([first, second]);
		expect(rf.form?.period).toBe('2020-09');
	});
});

describe('serverProblems', () => {
	const items = [{ indicatorId: 11 }, { indicatorId: 12 }];
	it('reads the item and field from the path, and ignores problems of no item', () => {
		const found = serverProblems(
			[
				{ path: 'items.1.progressStatus', code: 'required', message: '请选择进展状态' },
				{ path: 'items.0.percent', code: 'too_big', params: { max: 100 }, message: '不能大于 100' },
				{ path: 'revision', code: 'invalid_type', message: '格式不对' },
				{ path: 'items.9.progress', code: 'required', message: '没有这一项' }
			],
			items
		);
		expect(found.map((p) => [p.indicatorId, p.field])).toEqual([
			[12, 'status'],
			[11, 'percent']
		]);
	});
	it('finds nothing in a body without field problems', () => {
		expect(serverProblems(undefined, items)).toEqual([]);
		expect(serverProblems({ retryAfterSeconds: 3 }, items)).toEqual([]);
	});
});
