import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import type { Env } from '../context.ts';
import { fail, type ErrorKey } from '../errors.ts';
import { MAX_TABLE_BYTES } from '../routes/imports.ts';
import { REPORT_SAVE_MAX_BYTES } from '../routes/reports.ts';
import { getSettings } from '../services/settings.ts';
import { routeKey } from './route-key.ts';

const MB = 1024 * 1024;
/** Every request body unless the table below says otherwise, and every anonymous one. */
export const DEFAULT_BODY_LIMIT = MB;
/** Room for a multipart form's boundaries and small fields beside the file. */
const FORM_OVERHEAD = 64 * 1024;

/** The limit, and how the refusal names it (`size`, e.g. "20 MB"). */
type Limit = { bytes: number; key: ErrorKey; size: string };
const mb = (bytes: number) => `${Math.round((bytes / MB) * 10) / 10} MB`;

/** The routes that need more than the default, keyed like the router table: "METHOD /path". */
const OVERRIDES: Record<string, (c: Context<Env>) => Limit | Promise<Limit>> = {
	'PUT /api/v1/reports/mine/:period': () => reportLimit,
	'POST /api/v1/reports/mine/:period/submit': () => reportLimit,
	'POST /api/v1/attachments': async (c) => {
		const maxMb = (await getSettings(c.get('deps').db)).attachmentMaxMb;
		return { bytes: maxMb * MB + FORM_OVERHEAD, key: 'body.file_too_large', size: mb(maxMb * MB) };
	},
	'POST /api/v1/imports': () => ({
		bytes: MAX_TABLE_BYTES + FORM_OVERHEAD,
		key: 'body.file_too_large',
		size: mb(MAX_TABLE_BYTES)
	})
};
const reportLimit: Limit = {
	bytes: REPORT_SAVE_MAX_BYTES,
	key: 'body.report_too_large',
	size: mb(REPORT_SAVE_MAX_BYTES)
};

/** GET and HEAD carry no body (a web Request cannot have one). */
const BODILESS = new Set(['GET', 'HEAD']);

/**
 * One body limit for the whole API, enforced while the body streams in (Content-Length first, else
 * counted chunk by chunk), so an oversized body is answered 413 before it is buffered. The larger
 * limits of the table are for signed-in callers only.
 *
 * A declared length is judged here, as hono's bodyLimit would, without asking for the body: on
 * @hono/node-server the first look at `c.req.raw.body` builds a whole web Request and stream around the
 * socket, for a GET too, and the JSON body is then read through that stream instead of in one piece.
 */
export const bodyLimits = createMiddleware<Env>(async (c, next) => {
	if (BODILESS.has(c.req.method)) return next();
	const key = c.get('actor') ? routeKey(c) : undefined;
	const limit: Limit = (key && (await OVERRIDES[key]?.(c))) || {
		bytes: DEFAULT_BODY_LIMIT,
		key: 'body.too_large',
		size: mb(DEFAULT_BODY_LIMIT)
	};
	const tooLarge = () => {
		throw fail('payload_too_large', limit.key, { size: limit.size }, { maxBytes: limit.bytes });
	};
	const declared = c.req.header('content-length');
	if (declared !== undefined && c.req.header('transfer-encoding') === undefined)
		return parseInt(declared, 10) > limit.bytes ? tooLarge() : next();
	return bodyLimit({ maxSize: limit.bytes, onError: tooLarge })(c, next);
});
