import type { Context } from 'hono';
import type { Config } from '../config.ts';

/**
 * Whether the request reached us over HTTPS: its own scheme, or a trusted proxy's X-Forwarded-Proto. The
 * request's URL is absolute and serialized (scheme in lower case): no URL parse every request.
 */
export function arrivedOverHttps(c: Context, config: Config): boolean {
	if (config.trustProxy && c.req.header('x-forwarded-proto') === 'https') return true;
	return c.req.url.startsWith('https:');
}

/** RFC 6266: an ASCII fallback plus the UTF-8 name, so Chinese file names survive every browser. */
export function contentDisposition(name: string): string {
	const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
	return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
