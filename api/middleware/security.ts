import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { Env } from '../context.ts';
import type { Config } from '../config.ts';
import { fail } from '../errors.ts';

/** The SHA-256 sources of the inline scripts of a page (SvelteKit's SPA bootstrap), for script-src. */
export function inlineScriptHashes(html: string): string[] {
	return [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map(
		(m) => `'sha256-${createHash('sha256').update(m[1]!).digest('base64')}'`
	);
}

function isHttps(c: Context, config: Config) {
	if (config.trustProxy && c.req.header('x-forwarded-proto') === 'https') return true;
	return new URL(c.req.url).protocol === 'https:';
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
	return createMiddleware(async (c, next) => {
		await next();
		c.header('Content-Security-Policy', csp);
		c.header('X-Content-Type-Options', 'nosniff');
		c.header('Referrer-Policy', 'same-origin');
		c.header('X-Frame-Options', 'DENY');
		c.header('Cross-Origin-Opener-Policy', 'same-origin');
		if (isHttps(c, config)) c.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
	});
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** State-changing requests must come from this origin: a browser says where from (Origin, Sec-Fetch-Site). */
export const sameOrigin = createMiddleware<Env>(async (c, next) => {
	if (!SAFE.has(c.req.method)) {
		const origin = c.req.header('origin');
		const site = c.req.header('sec-fetch-site');
		const self = new URL(c.req.url).origin;
		const forwardedSelf = c.var.deps.config.trustProxy
			? `${c.req.header('x-forwarded-proto') ?? 'http'}://${c.req.header('x-forwarded-host') ?? c.req.header('host')}`
			: null;
		if ((origin && origin !== self && origin !== forwardedSelf) || site === 'cross-site') {
			throw fail('forbidden', 'auth.cross_site');
		}
	}
	await next();
});
