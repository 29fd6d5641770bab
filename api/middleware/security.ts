import { createHash } from 'node:crypto';
import type { Context, Next } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { Env } from '../context.ts';
import type { Config } from '../config.ts';
import { fail } from '../errors.ts';
import { arrivedOverHttps } from '../lib/http.ts';

/** The SHA-256 sources of the inline scripts of a page (SvelteKit's SPA bootstrap), for script-src. */
export function inlineScriptHashes(html: string): string[] {
	return [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map(
		(m) => `'sha256-${createHash('sha256').update(m[1]!).digest('base64')}'`
	);
}

/**
 * Headers on every response: a CSP without inline scripts (only the hashed bootstrap), no framing,
 * no sniffing, a strict referrer policy, and HSTS when served over HTTPS.
 */
export function securityHeaders(scriptHashes: string[], config: Config) {
	const csp = [
		"default-src 'self'",
		`script-src 'self' ${scriptHashes.join(' ')}`.trim(),
		"style-src 'self' 'unsafe-inline'",
		"img-src 'self' data: blob:",
		"font-src 'self' data:",
		"connect-src 'self'",
		"frame-src 'self'",
		"object-src 'none'",
		"base-uri 'none'",
		"form-action 'self'",
		"frame-ancestors 'none'"
	].join('; ');
	const always: [string, string][] = [
		['Content-Security-Policy', csp],
		['X-Content-Type-Options', 'nosniff'],
		['Referrer-Policy', 'same-origin'],
		['X-Frame-Options', 'DENY'],
		['Cross-Origin-Opener-Policy', 'same-origin']
	];
	const overHttps: [string, string][] = [
		...always,
		['Strict-Transport-Security', 'max-age=31536000; includeSubDomains']
	];
	return createMiddleware((c, next) =>
		withHeaders(c, arrivedOverHttps(c, config) ? overHttps : always, next)
	);
}

/**
 * Headers every answer carries, whatever the handler set. Set before the handler runs, so that c.json
 * builds them in: c.header on a finished answer rebuilds it from its body stream, which takes it off
 * @hono/node-server's fast path for bodies in memory. Afterwards set again only where the answer lacks
 * or changed them (one not built through c).
 */
export async function withHeaders(c: Context, headers: [string, string][], next: Next) {
	for (const [name, value] of headers) c.header(name, value);
	await next();
	for (const [name, value] of headers) if (c.res.headers.get(name) !== value) c.header(name, value);
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** State-changing requests must come from this origin: a browser says where from (Origin, Sec-Fetch-Site). */
export const sameOrigin = createMiddleware<Env>(async (c, next) => {
	if (!SAFE.has(c.req.method)) {
		const origin = c.req.header('origin');
		const site = c.req.header('sec-fetch-site');
		const self = new URL(c.req.url).origin;
		const forwardedSelf = c.get('deps').config.trustProxy
			? `${c.req.header('x-forwarded-proto') ?? 'http'}://${c.req.header('x-forwarded-host') ?? c.req.header('host')}`
			: null;
		if ((origin && origin !== self && origin !== forwardedSelf) || site === 'cross-site') {
			throw fail('forbidden', 'auth.cross_site');
		}
	}
	await next();
});
