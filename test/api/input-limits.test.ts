import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importTable } from '../../api/services/imports.ts';
import { SYSTEM_OFFICE, seedDirectory } from '../../api/services/setup.ts';
import { createUser } from '../../api/services/users.ts';
import { freePort, startChildServer, type ChildServer, childData } from '../support/child-server.ts';
import { Client, csvTable, PASSWORD, SAMPLE_FILES, sendBody, uploadForm } from '../support/harness.ts';

/**
 * Input that once hung or flooded the server, against the real server in its own process (a hang
 * there fails the test instead of freezing it): dates far outside the plan years, reports for months
 * not owed, and bodies far larger than any form.
 */
const TODAY = '2020-06-15';
let data: Awaited<ReturnType<typeof childData>>;
let server: ChildServer;
const as: Record<'office' | 'leader' | 'unit' | 'auditor', Client> = {} as never;

beforeAll(async () => {
	data = await childData('limits', TODAY);
	const { env } = data;
	const ctx = { ...data, mailer: null, ip: null };
	await seedDirectory({ ...ctx, actor: null });
	await importTable(
		{ ...ctx, actor: SYSTEM_OFFICE },
		{
			data: new TextEncoder().encode(
				csvTable([['领域', '', '限额任务', '限额指标', '2020年3月底前', '省大数据局']])
			),
			fileName: 'limits.csv',
			plan: { title: '限额测试计划', year: 2020, issuedOn: '2020-02-01' },
			createUnits: false,
			dryRun: false
		}
	);
	const roles = { office: 'office', leader: 'leader', unit: 'unit', auditor: 'auditor' } as const;
	for (const [name, role] of Object.entries(roles)) {
		const unitName = role === 'unit' ? '省大数据局' : undefined;
		await createUser(
			{ ...ctx, actor: null },
			{ username: `limits-${name}`, name, role, unitName, password: PASSWORD }
		);
	}
	await data.close();
	server = await startChildServer(env, { port: await freePort() });
	for (const name of Object.keys(roles) as (keyof typeof roles)[]) {
		as[name] = new Client(server.base);
		const res = await as[name].post('/api/v1/auth/login', { username: `limits-${name}`, password: PASSWORD });
		expect(res.status, name).toBe(200);
	}
	// On PostgreSQL the setup is some hundreds of round trips, seconds more on a busy machine.
}, 180_000);

afterAll(async () => {
	server?.proc.kill('SIGKILL');
	await server?.exited;
	await data?.remove();
});

/** A request that must be answered within two seconds (a hung server fails it). */
async function quick(client: Client, method: string, path: string, body?: unknown) {
	const started = performance.now();
	const res = await Promise.race([
		client.request(method, `/api/v1${path}`, body),
		new Promise<never>((_, reject) =>
			setTimeout(() => reject(new Error(`${method} ${path}: no answer within 2 s`)), 2_000)
		)
	]);
	return Object.assign(res, { ms: performance.now() - started });
}

const healthy = async () => (await quick(as.office, 'GET', '/health')).status;

describe('the date window', () => {
	it('answers the probes that used to hang the server with a quick 400, and stays up', async () => {
		const probes: [keyof typeof as, string][] = [
			['leader', '/dashboard/list?asOf=0050-01-01&kind=red'],
			['office', '/dashboard/summary?asOf=0001-01-01'],
			['office', '/dashboard/summary?asOf=2100-01-01'],
			['office', '/dashboard/ranking?period=0050-01'],
			['office', '/indicators?dueFrom=1899-12-31'],
			['unit', '/reports/mine/0001-01'],
			['unit', '/reports/mine/9999-12'],
			['auditor', '/audit?from=0001-01-01']
		];
		for (const [who, path] of probes) {
			const res = await quick(as[who], 'GET', path);
			expect(res.status, path).toBe(400);
			expect(res.data.error.code).toBe('bad_request');
			expect(res.data.error.details[0].code, path).toBe('date_out_of_range');
			expect(res.data.error.details[0].message).toMatch(/应在 2000-01(-01)? 至 2099-12(-31)? 之间/);
		}
		const request = await quick(as.unit, 'POST', '/requests', {
			kind: 'extension',
			indicatorId: 1,
			newDueOn: '0099-12-31',
			statement: '延期'
		});
		expect(request.status).toBe(400);
		expect(await healthy()).toBe(200);
	});

	it('a unit opens and files only the months it owes: begun, and from its plan’s start', async () => {
		const future = await quick(as.unit, 'GET', '/reports/mine/2020-07');
		expect(future.status).toBe(400);
		expect(future.data.error.message).toContain('尚未开始');
		for (const path of ['/reports/mine/2020-07', '/reports/mine/2099-12/submit']) {
			const res = await quick(as.unit, path.endsWith('submit') ? 'POST' : 'PUT', path, {
				revision: null,
				items: []
			});
			expect(res.status, path).toBe(400);
		}
		// Before the plan started (February 2020) the unit owes nothing: an empty January report is refused.
		const early = await quick(as.unit, 'POST', '/reports/mine/2020-01/submit', { revision: null, items: [] });
		expect(early.status).toBe(404);
		expect(early.data.error.message).toContain('没有需要填报的指标');
		const owed = await quick(as.unit, 'PUT', '/reports/mine/2020-06', { revision: null, items: [] });
		expect(owed.status).toBe(200);
		expect(owed.data.dueOn).toBe('2020-06-30');
		expect(await healthy()).toBe(200);
	});
});

/** The server's resident memory, from /proc. */
const rssMb = () =>
	Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.proc.pid}/status`, 'utf8'))![1]) / 1024;

/**
 * Sends `total` bytes of a JSON-looking body in 64 KB chunks without Content-Length (chunked). The server
 * answers 413 and closes while the body still streams in: a write can then meet the closed socket (EPIPE)
 * before the answer is read, so such an attempt is made again (the answer itself is still asserted).
 */
async function streamBody(path: string, total: number, cookie = '') {
	for (let attempt = 1; ; attempt++) {
		const result = await streamOnce(path, total, cookie);
		if (result !== 'closed_before_answer') return result;
		if (attempt === 3) throw new Error('the server closed the connection three times before answering');
	}
}

function streamOnce(path: string, total: number, cookie: string) {
	return new Promise<{ status: number; body: string; sent: number } | 'closed_before_answer'>(
		(resolve, reject) => {
			const url = new URL(`/api/v1${path}`, server.base);
			const req = httpRequest(url, {
				method: 'POST',
				agent: false,
				headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked', cookie }
			});
			const chunk = Buffer.alloc(64 * 1024, 'a');
			let sent = 0;
			let answered = false;
			const pump = () => {
				while (!answered && sent < total) {
					sent += chunk.length;
					if (!req.write(chunk)) return void req.once('drain', pump);
				}
				if (!answered) req.end();
			};
			req.on('response', (res) => {
				answered = true;
				let body = '';
				res.on('data', (d) => (body += d));
				res.on('end', () => {
					resolve({ status: res.statusCode!, body, sent });
					req.destroy();
				});
			});
			req.on('error', (err: NodeJS.ErrnoException) => {
				if (answered) return;
				answered = true;
				if (err.code === 'EPIPE' || err.code === 'ECONNRESET') resolve('closed_before_answer');
				else reject(err);
			});
			req.write('{"username":"');
			pump();
		}
	);
}

describe('body limits', () => {
	it('refuses a 300 MB streamed anonymous sign-in body with 413 before reading it, memory flat', async () => {
		// The first refusal also loads and compiles what refusing takes (a few MB, once): not what is measured.
		expect((await streamBody('/auth/login', 300 * 1024 * 1024)).status).toBe(413);
		const before = rssMb();
		const one = await streamBody('/auth/login', 300 * 1024 * 1024);
		const afterOne = rssMb();
		const four = await Promise.all(
			Array.from({ length: 4 }, () => streamBody('/auth/login', 300 * 1024 * 1024))
		);
		const afterFour = rssMb();
		for (const r of [one, ...four]) {
			expect(r.status).toBe(413);
			expect(JSON.parse(r.body).error).toMatchObject({ code: 'payload_too_large' });
			expect(r.sent).toBeLessThan(50 * 1024 * 1024);
		}
		const mb = (n: number) => n.toFixed(1);
		console.log(
			`body limit: 300 MB streamed sign-in body → 413 after ${mb(one.sent / 2 ** 20)} MB sent, server RSS +${mb(afterOne - before)} MB; ` +
				`4 more in parallel → RSS +${mb(afterFour - afterOne)} MB (from ${mb(before)} MB)`
		);
		expect(afterOne - before).toBeLessThan(8);
		expect(afterFour - afterOne).toBeLessThan(24);
		expect(await healthy()).toBe(200);
	});

	it('answers a declared oversized Content-Length at once, without waiting for the body', async () => {
		const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
			const req = httpRequest(new URL('/api/v1/auth/login', server.base), {
				method: 'POST',
				agent: false,
				headers: { 'content-type': 'application/json', 'content-length': String(300 * 1024 * 1024) }
			});
			req.on('response', (r) => {
				let body = '';
				r.on('data', (d) => (body += d));
				r.on('end', () => {
					resolve({ status: r.statusCode!, body });
					req.destroy();
				});
			});
			req.on('error', reject);
			req.write('{"username":"');
		});
		expect(res.status).toBe(413);
		expect(JSON.parse(res.body).error.message).toContain('1 MB');
	});

	it('every JSON route gets 1 MB; the report save gets what 2,000 of the largest items need', async () => {
		const big = { revision: null, items: [], pad: 'x'.repeat(1024 * 1024) };
		const notice = await sendBody(server.base, 'POST', '/notices', big, as.office);
		expect(notice.status).toBe(413);
		expect(notice.data.error).toMatchObject({ code: 'payload_too_large', message: '请求内容超过 1 MB 上限' });
		expect((await sendBody(server.base, 'POST', '/requests', big, as.unit)).status).toBe(413);
		// The save route takes more than 1 MB from its unit (the rest of the body is then validated) …
		const save = await sendBody(server.base, 'PUT', '/reports/mine/2020-06', big, as.unit);
		expect(save.status).toBe(409); // the draft of the test above exists: a save must name its revision
		// … but not from an anonymous caller.
		expect((await sendBody(server.base, 'PUT', '/reports/mine/2020-06', big)).status).toBe(413);

		const maxItem = {
			indicatorId: 2_147_483_647,
			progressStatus: 'on_track',
			percent: 100,
			progress: '进'.repeat(4000),
			problems: '题'.repeat(4000),
			nextSteps: '计'.repeat(4000),
			values: Array.from({ length: 20 }, () => ({ targetId: 2_147_483_647, value: -1.2345678901234567e300 })),
			attachmentIds: Array.from({ length: 20 }, () => 2_147_483_647)
		};
		const itemBytes = Buffer.byteLength(JSON.stringify(maxItem));
		const { REPORT_ITEM_MAX_BYTES, REPORT_SAVE_MAX_BYTES } = await import('../../api/routes/reports.ts');
		console.log(
			`report save limit: largest item ${itemBytes} bytes, limit ${REPORT_ITEM_MAX_BYTES} per item, ${REPORT_SAVE_MAX_BYTES} in all`
		);
		expect(itemBytes).toBeLessThanOrEqual(REPORT_ITEM_MAX_BYTES);
		expect(itemBytes * 2000 + 100).toBeLessThanOrEqual(REPORT_SAVE_MAX_BYTES);
	});

	it('uploads keep their own limit', async () => {
		const pdf = new Uint8Array(2 * 1024 * 1024);
		pdf.set(SAMPLE_FILES.pdf);
		const upload = await sendBody(server.base, 'POST', '/attachments', uploadForm(pdf, '两兆.pdf'), as.unit);
		expect(upload.status).toBe(201);
		const tooBig = new Uint8Array(21 * 1024 * 1024);
		tooBig.set(SAMPLE_FILES.pdf);
		const refused = await sendBody(
			server.base,
			'POST',
			'/attachments',
			uploadForm(tooBig, '太大.pdf'),
			as.unit
		);
		expect(refused.status).toBe(413);
		expect(refused.data.error.message).toMatch(/文件超过 \d+ MB 上限/);
	});
});
