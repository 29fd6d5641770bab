import { serve, type ServerType } from '@hono/node-server';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../api/app.ts';
import { loadConfig } from '../../api/config.ts';
import { manualClock } from '../../api/lib/clock.ts';
import { seedDirectory } from '../../api/services/setup.ts';
import { putSetting } from '../../api/services/settings.ts';
import { createUser } from '../../api/services/users.ts';
import { testDatabase } from './database.ts';
import { checkResponse } from './contract.ts';
import type { Role } from '../../db/schema/index.ts';

export const PASSWORD = 'Test@Pass2020';

/**
 * A real HTTP server on a fresh database (SQLite in a temp folder, or PostgreSQL under
 * DUBAN_TEST_DB=postgres: test/support/database.ts), with the unit directory loaded.
 */
export async function startTestServer(
	opts: { start?: Date; env?: Record<string, string>; passwordExpiry?: boolean } = {}
) {
	const dataDir = mkdtempSync(join(tmpdir(), 'duban-test-'));
	const database = await testDatabase(dataDir, 'api');
	const config = loadConfig({
		DATA_DIR: dataDir,
		STATIC_DIR: join(dataDir, 'no-static'),
		SECURE_COOKIES: '0',
		...database.env,
		...opts.env
	});
	const { db } = database;
	const clock = manualClock(opts.start ?? new Date('2020-03-15T02:00:00Z'));
	const deps = { db, clock, config, mailer: null };
	await seedDirectory({ ...deps, actor: null, ip: null });
	// Tests jump the calendar across months; a password expiring after 90 days is tested on its own.
	if (!opts.passwordExpiry) await putSetting(db, 'passwordMaxAgeDays', 0, clock.now());
	const app = createApp(deps);
	const server: ServerType = await new Promise((resolve) => {
		const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
	});
	const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	let seq = 0;

	/** Creates a user of the given role (and unit) with a unique username. */
	async function createAccount(role: Role, unitName?: string, email?: string) {
		const username = `${role}${++seq}${Date.now().toString(36)}`;
		await createUser(
			{ ...deps, actor: null, ip: null },
			{ username, name: `${role} ${seq}`, role, unitName, email, password: PASSWORD }
		);
		return username;
	}

	/** An HTTP client with its own cookie jar, signed in as a new user of the role. */
	async function as(role: Role, unitName?: string, email?: string) {
		const client = new Client(base);
		const username = await createAccount(role, unitName, email);
		const res = await client.post('/api/v1/auth/login', { username, password: PASSWORD });
		if (res.status !== 200) throw new Error(`login failed: ${res.status}`);
		return Object.assign(client, { username });
	}

	return {
		base,
		db,
		dialect: database.dialect,
		clock,
		config,
		deps,
		anonymous: () => new Client(base),
		as,
		createAccount,
		async close() {
			await new Promise((r) => server.close(r));
			await database.close();
			rmSync(dataDir, { recursive: true, force: true });
		}
	};
}

export type TestServer = Awaited<ReturnType<typeof startTestServer>>;

export class Client {
	cookie = '';
	/** Sent with every request (e.g. the Origin a browser adds). */
	headers: Record<string, string> = {};
	readonly base: string;
	constructor(base: string) {
		this.base = base;
	}
	async request(method: string, path: string, body?: unknown): Promise<Response & { data: any }> {
		const headers: Record<string, string> = { ...this.headers };
		if (this.cookie) headers.cookie = this.cookie;
		let payload: RequestInit['body'];
		if (body instanceof FormData) payload = body;
		else if (body !== undefined) {
			headers['content-type'] = 'application/json';
			payload = JSON.stringify(body);
		}
		const res = await fetch(this.base + path, { method, headers, body: payload });
		const setCookie = res.headers.getSetCookie();
		for (const c of setCookie) {
			const [pair] = c.split(';');
			if (/^(__Host-)?duban_session=/.test(pair ?? '')) this.cookie = pair!.endsWith('=') ? '' : pair!;
		}
		const type = res.headers.get('content-type') ?? '';
		const data = type.includes('json') ? await res.json() : await res.arrayBuffer();
		// Every answer a test sees is checked against the OpenAPI contract.
		checkResponse(method, path, res.status, type, data);
		return Object.assign(res, { data });
	}
	get(path: string) {
		return this.request('GET', path);
	}
	post(path: string, body?: unknown) {
		return this.request('POST', path, body);
	}
	put(path: string, body?: unknown) {
		return this.request('PUT', path, body);
	}
}

/** A task-division table as CSV text (header + rows), the way offices export it from Excel. */
export function csvTable(
	rows: string[][],
	header = ['一级领域', '二级领域', '工作任务', '具体指标', '完成时间', '责任单位']
) {
	const field = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
	return [header, ...rows].map((r) => r.map(field).join(',')).join('\n') + '\n';
}

export function importForm(
	content: string | Uint8Array<ArrayBuffer>,
	fields: Record<string, string>,
	fileName = 'table.csv'
) {
	const form = new FormData();
	form.set('file', new File([content], fileName));
	for (const [k, v] of Object.entries(fields)) form.set(k, v);
	return form;
}

let planSeq = 0;
/** A unique plan title, so each test imports into its own plan. */
export const planTitle = () => `测试计划${++planSeq}-${Date.now().toString(36)}`;

/** Imports a small plan as the office and returns its id and indicator ids keyed by indicator text. */
export async function importPlan(office: Client, rows: string[][], year = 2020, issuedOn?: string) {
	const res = await office.post(
		'/api/v1/imports',
		importForm(csvTable(rows), { title: planTitle(), year: String(year), ...(issuedOn ? { issuedOn } : {}) })
	);
	if (res.status !== 200) throw new Error(`import failed: ${JSON.stringify(res.data)}`);
	const list = await office.get(`/api/v1/indicators?planId=${res.data.planId}&pageSize=500`);
	const ids: Record<string, number> = {};
	for (const item of list.data.items) ids[item.text] = item.id;
	return { planId: res.data.planId as number, ids, items: list.data.items };
}

/** A minimal file of each kind whose first bytes are right (magic numbers). */
export const SAMPLE_FILES = {
	pdf: new TextEncoder().encode('%PDF-1.4\n%âãÏÓ\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'),
	png: Uint8Array.from([
		0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52
	])
};

export function uploadForm(data: Uint8Array<ArrayBuffer>, name: string) {
	const form = new FormData();
	form.set('file', new File([data], name));
	return form;
}

/**
 * Sends a body with its Content-Length, as browsers do. A server that refuses the body by its length
 * answers (and closes the connection) before reading it: the headers go first, the body only if no
 * answer came within 2 s (a busy machine), in 64 KB chunks, stopping once the answer is in.
 */
export async function sendBody(base: string, method: string, path: string, body: unknown, client?: Client) {
	const encoded = body instanceof FormData ? new Response(body) : null;
	const data = encoded ? Buffer.from(await encoded.arrayBuffer()) : Buffer.from(JSON.stringify(body));
	const type = encoded?.headers.get('content-type') ?? 'application/json';
	return new Promise<{ status: number; text: string; data: any }>((resolve, reject) => {
		const req = request(new URL(`/api/v1${path}`, base), {
			method,
			agent: false, // a fresh connection: the server closes one whose body it refused
			headers: {
				...client?.headers,
				'content-type': type,
				'content-length': data.length,
				cookie: client?.cookie ?? ''
			}
		});
		let answered = false;
		let offset = 0;
		const pump = () => {
			while (!answered && offset < data.length) {
				const chunk = data.subarray(offset, (offset += 64 * 1024));
				if (!req.write(chunk)) return void req.once('drain', pump);
			}
			if (!answered) req.end();
		};
		req.on('response', (r) => {
			answered = true;
			let text = '';
			r.on('data', (d) => (text += d));
			r.on('end', () => {
				const type = r.headers['content-type'] ?? '';
				const data = type.includes('json') ? JSON.parse(text) : null;
				try {
					checkResponse(method, `/api/v1${path}`, r.statusCode!, type, data ?? text);
				} catch (err) {
					return reject(err);
				}
				resolve({ status: r.statusCode!, text, data });
				req.destroy();
			});
		});
		req.on('error', (err) => answered || reject(new Error(`${method} ${path}: ${err.message}`)));
		req.flushHeaders();
		setTimeout(pump, 2_000);
	});
}
