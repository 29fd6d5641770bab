import { promisify } from 'node:util';
import { gzip as gzipAsync, gzipSync } from 'node:zlib';
import { createMiddleware } from 'hono/factory';
import { parseAccept } from 'hono/utils/accept';

/** Below this a body goes as it is (Hono's compress() threshold): gzip makes a small body hardly smaller. */
const THRESHOLD = 1024;
/** Larger bodies (an import's report, the OpenAPI document) are compressed on the thread pool, not the event loop. */
const SYNC_MAX = 256 * 1024;
const gzip = promisify(gzipAsync);

/** Whether Hono's compress() would pick gzip for this Accept-Encoding (gzip unless deflate is preferred). */
function prefersGzip(header: string | undefined): boolean {
	if (!header) return false;
	const accepts = parseAccept(header);
	const q = (type: string) =>
		accepts.find((a) => a.type.toLowerCase() === type)?.q ?? accepts.find((a) => a.type === '*')?.q ?? 0;
	const gz = q('gzip');
	return gz === 1 || (gz > 0 && gz >= q('deflate'));
}

/**
 * The API's JSON answers, whole strings in memory, gzip'd in one call. Hono's compress() streams every
 * answer through a CompressionStream, a 60-byte one too (c.json sets no Content-Length, so its threshold
 * never applies): its web streams cost several times the compression itself. Registered inside
 * compress(), which then leaves these answers alone (they carry Content-Encoding or Content-Length) and
 * still streams everything else (the SPA's pages, files, a client preferring deflate).
 */
export const compressJson = createMiddleware(async (c, next) => {
	await next();
	const res = c.res;
	if (
		c.req.method === 'HEAD' ||
		!res.headers.get('content-type')?.startsWith('application/json') ||
		res.headers.has('content-encoding') ||
		res.headers.has('content-length') ||
		res.headers.has('transfer-encoding')
	)
		return;
	// On the answer's own headers (c.json's, never immutable): c.header would rebuild it as a stream.
	res.headers.append('Vary', 'Accept-Encoding');
	if (!prefersGzip(c.req.header('accept-encoding'))) return;
	const body = Buffer.from(await res.text());
	const small = body.byteLength < THRESHOLD;
	if (small) res.headers.set('Content-Length', String(body.byteLength));
	else res.headers.set('Content-Encoding', 'gzip');
	const sent = small ? body : body.byteLength <= SYNC_MAX ? gzipSync(body) : await gzip(body);
	// Unset first: given a new answer over an old one, Hono rebuilds it from its body stream, which takes
	// it off @hono/node-server's fast path for bodies in memory.
	c.res = undefined;
	c.res = new Response(sent, { status: res.status, headers: res.headers });
});
