import { sql } from 'drizzle-orm';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../api/config.ts';
import { ClamdError, parseClamdUrl, ping, scanBytes } from '../../api/lib/clamd.ts';
import { attachmentsDir } from '../../api/services/attachments.ts';
import { EICAR, startClamd } from '../support/clamd.ts';
import { SAMPLE_FILES, startTestServer, uploadForm, type TestServer } from '../support/harness.ts';
import { query } from '../../db/client.ts';

const INFECTED_MESSAGE = '文件未通过病毒扫描（检测到 Eicar-Test-Signature），已拒绝上传';

/** A PDF (right magic bytes) of about `size` bytes, optionally with the EICAR string at `eicarAt`. */
function pdf(size = 0, eicarAt?: number): Uint8Array<ArrayBuffer> {
	const head = Buffer.from(SAMPLE_FILES.pdf);
	const out = Buffer.alloc(Math.max(size, head.length + (eicarAt === undefined ? 0 : EICAR.length + 16)));
	for (let i = 0; i < out.length; i++) out[i] = 0x20 + ((i * 7) % 90);
	head.copy(out, 0);
	if (eicarAt !== undefined) EICAR.copy(out, Math.max(eicarAt, head.length));
	return new Uint8Array(out);
}

let clamd: Awaited<ReturnType<typeof startClamd>>;
let s: TestServer;

beforeAll(async () => {
	clamd = await startClamd();
	s = await startTestServer({ env: { CLAMD_URL: clamd.url } });
});
afterAll(async () => {
	await s?.close();
	await clamd?.stop();
});

const attachmentRows = async () =>
	(await query<{ n: number }>(s.db, sql`select count(*) as n from attachment`))[0]!.n;
/** Every file under DATA_DIR/attachments, temporary `.part` files included. */
const storedFiles = (server: TestServer = s) => {
	try {
		return readdirSync(attachmentsDir(server.config.dataDir), { recursive: true, withFileTypes: true })
			.filter((e) => e.isFile())
			.map((e) => join(e.parentPath, e.name))
			.sort();
	} catch {
		return [];
	}
};
const rejections = async () =>
	await query<{ result: string; after: string; username: string }>(
		s.db,
		sql`select result, after, username from audit_log where action = 'attachment.rejected' order by id`
	);

describe('uploads scanned by clamd (CLAMD_URL set)', () => {
	it('stores a clean PDF after clamd answered OK', async () => {
		const unit = await s.as('unit', '省医保局');
		const file = pdf();
		const scansBefore = clamd.scans.length;
		const up = await unit.post('/api/v1/attachments', uploadForm(file, '干净的报告.pdf'));
		expect(up.status).toBe(201);
		expect(clamd.scans.slice(scansBefore)).toEqual([
			{ bytes: file.length, chunks: [file.length], reply: 'stream: OK' }
		]);
		const down = await unit.get(`/api/v1/attachments/${up.data.id}`);
		expect(down.status).toBe(200);
		expect(new Uint8Array(down.data)).toEqual(file);
		expect(storedFiles()).toHaveLength(await attachmentRows());
	});

	it('refuses a PDF carrying the EICAR test string (422): no file, no row, an audit entry', async () => {
		const unit = await s.as('unit', '省医保局');
		const rows = await attachmentRows();
		const files = storedFiles();
		const audited = (await rejections()).length;
		const up = await unit.post('/api/v1/attachments', uploadForm(pdf(0, 40), '感染.pdf'));
		expect(up.status).toBe(422);
		expect(up.data.error).toMatchObject({ code: 'unprocessable', message: INFECTED_MESSAGE });
		expect(clamd.scans.at(-1)!.reply).toBe('stream: Eicar-Test-Signature FOUND');
		expect(await attachmentRows()).toBe(rows);
		expect(storedFiles()).toEqual(files);
		const entry = (await rejections()).slice(audited);
		expect(entry).toHaveLength(1);
		expect(entry[0]).toMatchObject({ result: 'denied', username: unit.username });
		expect(JSON.parse(entry[0]!.after)).toMatchObject({ name: '感染.pdf', virus: 'Eicar-Test-Signature' });
	});

	it('streams a 3 MB file in several chunks; the signature is found across a chunk boundary', async () => {
		const unit = await s.as('unit', '省医保局');
		const size = 3 * 1024 * 1024;
		const clean = pdf(size);
		const up = await unit.post('/api/v1/attachments', uploadForm(clean, '大文件.pdf'));
		expect(up.status).toBe(201);
		const scan = clamd.scans.at(-1)!;
		expect(scan).toMatchObject({ bytes: size, reply: 'stream: OK' });
		expect(scan.chunks.length).toBeGreaterThan(3);
		expect(scan.chunks.reduce((a, b) => a + b, 0)).toBe(size);

		// The EICAR string straddles the first chunk boundary: only a correct reassembly sees it.
		const boundary = scan.chunks[0]!;
		const rows = await attachmentRows();
		const files = storedFiles();
		const bad = await unit.post(
			'/api/v1/attachments',
			uploadForm(pdf(size, boundary - 30), '大文件-感染.pdf')
		);
		expect(bad.status).toBe(422);
		expect(bad.data.error.message).toBe(INFECTED_MESSAGE);
		expect(clamd.scans.at(-1)!.chunks.length).toBe(scan.chunks.length);
		expect(await attachmentRows()).toBe(rows);
		expect(storedFiles()).toEqual(files);
	});

	it('fails closed (503) while the scanner is unreachable, and accepts again once it is back', async () => {
		const unit = await s.as('unit', '省医保局');
		const rows = await attachmentRows();
		const files = storedFiles();
		const audited = (await rejections()).length;
		await clamd.stop();
		const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
		try {
			unit.headers['x-request-id'] = 'scan-req-42';
			const up = await unit.post('/api/v1/attachments', uploadForm(pdf(), '报告.pdf'));
			expect(up.status).toBe(503);
			expect(up.data.error.code).toBe('service_unavailable');
			expect(up.data.error.message).toContain('病毒扫描服务暂时不可用');
			// The log line names the request the error body names, so an operator finds one from the other.
			expect(up.data.error.requestId).toBe('scan-req-42');
			expect(logged.mock.calls.map((c) => String(c[0]))).toContainEqual(
				expect.stringMatching(/request scan-req-42: virus scan failed.*ECONNREFUSED/)
			);
			expect(await attachmentRows()).toBe(rows);
			expect(storedFiles()).toEqual(files);
			const entry = (await rejections()).slice(audited);
			expect(entry).toHaveLength(1);
			expect(entry[0]!.result).toBe('failed');
			expect(JSON.parse(entry[0]!.after).scanError).toMatch(/ECONNREFUSED/);
		} finally {
			logged.mockRestore();
			delete unit.headers['x-request-id'];
			await clamd.start();
		}
		const again = await unit.post('/api/v1/attachments', uploadForm(pdf(), '报告.pdf'));
		expect(again.status).toBe(201);
	});

	it('fails closed (503) on any reply that is not a verdict, e.g. the size limit', async () => {
		const unit = await s.as('unit', '省医保局');
		const rows = await attachmentRows();
		clamd.setReply('INSTREAM size limit exceeded. ERROR');
		try {
			const up = await unit.post('/api/v1/attachments', uploadForm(pdf(), '报告.pdf'));
			expect(up.status).toBe(503);
			expect(await attachmentRows()).toBe(rows);
		} finally {
			clamd.setReply(null);
		}
	});
});

describe('scanner timeouts and no scanner', () => {
	it('fails closed (503) when clamd does not answer within CLAMD_TIMEOUT_MS', async () => {
		const slow = await startClamd();
		const t = await startTestServer({ env: { CLAMD_URL: slow.url, CLAMD_TIMEOUT_MS: '300' } });
		try {
			slow.setMode('hang');
			const unit = await t.as('unit', '省医保局');
			const started = Date.now();
			const up = await unit.post('/api/v1/attachments', uploadForm(pdf(), '报告.pdf'));
			expect(up.status).toBe(503);
			expect(Date.now() - started).toBeLessThan(5000);
			expect((await query<{ n: number }>(t.db, sql`select count(*) as n from attachment`))[0]!.n).toBe(0);
			expect(storedFiles(t)).toEqual([]);
		} finally {
			await t.close();
			await slow.stop();
		}
	});

	it('does not scan when CLAMD_URL is not set', async () => {
		const t = await startTestServer();
		try {
			expect(t.config.clamdUrl).toBeUndefined();
			const scans = clamd.scans.length;
			const unit = await t.as('unit', '省医保局');
			const up = await unit.post('/api/v1/attachments', uploadForm(pdf(0, 40), '未扫描.pdf'));
			expect(up.status).toBe(201);
			expect(clamd.scans.length).toBe(scans);
			expect(storedFiles(t)).toHaveLength(1);
		} finally {
			await t.close();
		}
	});

	it('refuses a CLAMD_URL that is neither tcp:// nor unix://', async () => {
		expect(() => loadConfig({ CLAMD_URL: 'http://127.0.0.1:3310' })).toThrow(/CLAMD_URL/);
		expect(() => loadConfig({ CLAMD_URL: 'tcp://127.0.0.1:3310', CLAMD_TIMEOUT_MS: '0' })).toThrow(
			/CLAMD_TIMEOUT_MS/
		);
		expect(loadConfig({ CLAMD_URL: 'unix:///run/clamav/clamd.ctl' })).toMatchObject({
			clamdUrl: 'unix:///run/clamav/clamd.ctl',
			clamdTimeoutMs: 10_000
		});
	});
});

/** Sends raw bytes to the server and returns its reply up to NUL, or 'closed' / 'timeout'. */
function raw(url: string, bytes: Buffer): Promise<string> {
	return new Promise((resolve) => {
		const socket = createConnection(parseClamdUrl(url));
		let got = '';
		const timer = setTimeout(() => {
			socket.destroy();
			resolve('timeout');
		}, 500);
		socket.on('data', (d) => (got += d.toString('latin1')));
		socket.on('error', () => {});
		socket.on('close', () => {
			clearTimeout(timer);
			resolve(got.includes('\0') ? got.slice(0, got.indexOf('\0')) : 'closed');
		});
		socket.write(bytes);
	});
}

const frame = (chunk: Buffer, littleEndian = false) => {
	const length = Buffer.alloc(4);
	if (littleEndian) length.writeUInt32LE(chunk.length);
	else length.writeUInt32BE(chunk.length);
	return Buffer.concat([length, chunk]);
};

describe('the clamd client (api/lib/clamd.ts)', () => {
	it('parses tcp:// and unix:// addresses', () => {
		expect(parseClamdUrl('tcp://127.0.0.1:3310')).toEqual({ host: '127.0.0.1', port: 3310 });
		expect(parseClamdUrl('tcp://clamav')).toEqual({ host: 'clamav', port: 3310 });
		expect(parseClamdUrl('tcp://[::1]:3311')).toEqual({ host: '::1', port: 3311 });
		expect(parseClamdUrl('unix:///run/clamav/clamd.ctl')).toEqual({ path: '/run/clamav/clamd.ctl' });
		expect(() => parseClamdUrl('unix://run/clamd.ctl')).toThrow(ClamdError);
		expect(() => parseClamdUrl('http://x')).toThrow(ClamdError);
	});

	it('pings, and reports an unreachable scanner as a ClamdError', async () => {
		await expect(ping(clamd.url, { timeoutMs: 2000 })).resolves.toBeUndefined();
		const gone = await startClamd();
		const url = gone.url;
		await gone.stop();
		await expect(ping(url, { timeoutMs: 2000 })).rejects.toBeInstanceOf(ClamdError);
		await expect(scanBytes(url, pdf(), { timeoutMs: 2000 })).rejects.toThrow(/ECONNREFUSED/);
	});

	it('scans over a Unix socket, in many small chunks', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'duban-clamd-'));
		const local = await startClamd({ socketPath: join(dir, 'clamd.ctl') });
		try {
			expect(local.url).toBe(`unix://${join(dir, 'clamd.ctl')}`);
			await expect(ping(local.url, { timeoutMs: 2000 })).resolves.toBeUndefined();
			const data = pdf(1000, 500);
			await expect(scanBytes(local.url, data, { timeoutMs: 2000, chunkSize: 7 })).resolves.toEqual({
				clean: false,
				signature: 'Eicar-Test-Signature'
			});
			expect(local.scans.at(-1)!.chunks).toHaveLength(Math.ceil(data.length / 7));
			await expect(scanBytes(local.url, pdf(1000), { timeoutMs: 2000, chunkSize: 7 })).resolves.toEqual({
				clean: true
			});
		} finally {
			await local.stop();
			rmSync(dir, { recursive: true, force: true });
		}
	});

	it('times out against a scanner that never answers', async () => {
		const slow = await startClamd();
		slow.setMode('hang');
		try {
			await expect(scanBytes(slow.url, pdf(), { timeoutMs: 200 })).rejects.toThrow(/200 ms/);
		} finally {
			await slow.stop();
		}
	});

	it('gets an error, not a verdict, when the stream exceeds clamd’s StreamMaxLength', async () => {
		const small = await startClamd({ streamMaxBytes: 1024 });
		try {
			await expect(scanBytes(small.url, pdf(4096), { timeoutMs: 2000 })).rejects.toThrow(
				/size limit exceeded/
			);
		} finally {
			await small.stop();
		}
	});

	it('the test server holds clients to the framing: wrong framing never yields a verdict', async () => {
		const data = Buffer.from(pdf(0, 40));
		const end = Buffer.alloc(4);
		// Right: one framed chunk and the terminator.
		expect(await raw(clamd.url, Buffer.concat([Buffer.from('zINSTREAM\0'), frame(data), end]))).toBe(
			'stream: Eicar-Test-Signature FOUND'
		);
		// Unframed bytes: the first four are read as a length far over the limit.
		expect(await raw(clamd.url, Buffer.concat([Buffer.from('zINSTREAM\0'), data, end]))).toBe(
			'INSTREAM size limit exceeded. ERROR'
		);
		// Little-endian lengths: likewise a huge length.
		expect(await raw(clamd.url, Buffer.concat([Buffer.from('zINSTREAM\0'), frame(data, true), end]))).toMatch(
			/ERROR/
		);
		// A declared length longer than the chunk sent: the server waits for the missing bytes.
		const short = frame(data);
		short.writeUInt32BE(data.length + 10);
		expect(await raw(clamd.url, Buffer.concat([Buffer.from('zINSTREAM\0'), short, end]))).toBe('timeout');
		// No terminating zero-length chunk: no verdict either.
		expect(await raw(clamd.url, Buffer.concat([Buffer.from('zINSTREAM\0'), frame(data)]))).toBe('timeout');
		// An unterminated or unknown command.
		expect(await raw(clamd.url, Buffer.from('zSCANALL\0'))).toBe('UNKNOWN COMMAND');
	});
});
