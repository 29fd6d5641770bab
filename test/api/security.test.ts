import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { gunzipSync, inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionIdFromToken } from '../../api/lib/token.ts';
import { runJob } from '../../tasks/index.ts';
import { testDialect } from '../support/database.ts';
import { PASSWORD, startTestServer, type TestServer } from '../support/harness.ts';

let s: TestServer;
beforeAll(async () => {
	s = await startTestServer({ env: { TRUST_PROXY: '1' } });
});
afterAll(() => s.close());

/** A GET over node:http (fetch would decode the body): status, headers and the raw bytes. */
function rawGet(url: string, headers: Record<string, string>) {
	return new Promise<{ headers: Record<string, string | string[] | undefined>; body: Buffer }>(
		(resolve, reject) =>
			get(url, { headers }, (res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
				res.on('error', reject);
			}).on('error', reject)
	);
}

describe('compressed answers', () => {
	it('gzips JSON of 1 KB and more whole, sends smaller JSON plain with its length, and honours a preference for deflate', async () => {
		const big = await rawGet(`${s.base}/api/v1/openapi.json`, { 'accept-encoding': 'gzip, deflate' });
		expect(big.headers['content-encoding']).toBe('gzip');
		expect(big.headers.vary).toContain('Accept-Encoding');
		expect(big.headers['content-security-policy']).toBeTruthy();
		expect(JSON.parse(gunzipSync(big.body).toString()).openapi).toMatch(/^3\./);

		const small = await rawGet(`${s.base}/api/v1/health`, { 'accept-encoding': 'gzip' });
		expect(small.headers['content-encoding']).toBeUndefined();
		expect(Number(small.headers['content-length'])).toBe(small.body.byteLength);
		expect(small.body.byteLength).toBeLessThan(1024);
		expect(JSON.parse(small.body.toString())).toBeTruthy();

		const plain = await rawGet(`${s.base}/api/v1/openapi.json`, {});
		expect(plain.headers['content-encoding']).toBeUndefined();
		expect(JSON.parse(plain.body.toString()).openapi).toMatch(/^3\./);

		const deflate = await rawGet(`${s.base}/api/v1/openapi.json`, {
			'accept-encoding': 'deflate, gzip;q=0.5'
		});
		expect(deflate.headers['content-encoding']).toBe('deflate');
		expect(JSON.parse(inflateSync(deflate.body).toString()).openapi).toMatch(/^3\./);
	});
});

describe('web hardening', () => {
	it('sends the security headers on every response, errors included', async () => {
		for (const path of ['/api/v1/health', '/api/v1/plans', '/api/v1/no-such-thing']) {
			const res = await fetch(s.base + path);
			const csp = res.headers.get('content-security-policy')!;
			expect(csp, path).toContain("object-src 'none'");
			expect(csp).toContain("base-uri 'none'");
			expect(csp).toContain("frame-ancestors 'none'");
			expect(csp.split(';').find((d) => d.trim().startsWith('script-src'))).not.toContain('unsafe-inline');
			expect(res.headers.get('x-content-type-options')).toBe('nosniff');
			expect(res.headers.get('referrer-policy')).toBe('same-origin');
			expect(res.headers.get('cache-control')).toBe('no-store');
			expect(res.headers.get('strict-transport-security')).toBeNull();
		}
		const https = await fetch(`${s.base}/api/v1/health`, { headers: { 'x-forwarded-proto': 'https' } });
		expect(https.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
	});

	it('refuses state-changing requests from another site, and accepts them from this one', async () => {
		const username = await s.createAccount('office');
		const login = (headers: Record<string, string>) =>
			fetch(`${s.base}/api/v1/auth/login`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', ...headers },
				body: JSON.stringify({ username, password: PASSWORD })
			});
		const evil = await login({ origin: 'https://evil.example' });
		expect(evil.status).toBe(403);
		expect(((await evil.json()) as any).error.message).toBe('拒绝跨站请求');
		expect((await login({ 'sec-fetch-site': 'cross-site' })).status).toBe(403);
		expect((await login({ origin: s.base, 'sec-fetch-site': 'same-origin' })).status).toBe(200);
		// Reading stays possible from anywhere the cookie allows (SameSite=Lax): only changes are guarded.
		expect(
			(await fetch(`${s.base}/api/v1/health`, { headers: { origin: 'https://evil.example' } })).status
		).toBe(200);
	});

	it('a JSON route takes only JSON', async () => {
		const res = await fetch(`${s.base}/api/v1/auth/login`, {
			method: 'POST',
			headers: { 'content-type': 'text/plain' },
			body: JSON.stringify({ username: 'x', password: 'y' })
		});
		expect(res.status).toBe(400);
	});
});

describe('residual data', () => {
	// SQLite's file and WAL, read as bytes (on PostgreSQL the server's storage and vacuum are the database's).
	it.skipIf(testDialect === 'postgres')(
		'an ended session leaves no trace in the database or WAL files after the daily checkpoint',
		async () => {
			const client = await s.as('leader');
			const id = sessionIdFromToken(client.cookie.split('=')[1]!);
			const traces = () =>
				[s.config.dbFile, `${s.config.dbFile}-wal`]
					.map((f) => {
						try {
							return readFileSync(f).toString('latin1').split(id).length - 1;
						} catch {
							return 0; // no WAL file at the moment
						}
					})
					.reduce((a, b) => a + b, 0);
			expect(traces()).toBeGreaterThan(0);
			await client.post('/api/v1/auth/logout');
			await runJob('daily', { ...s.deps, mailer: null }, s.clock.now());
			expect(traces()).toBe(0);
		}
	);
});
