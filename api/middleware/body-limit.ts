import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import { matchedRoutes } from 'hono/route';
import type { Env } from '../context.ts';
import { ApiError } from '../errors.ts';
import { MAX_TABLE_BYTES } from '../routes/imports.ts';
import { REPORT_SAVE_MAX_BYTES } from '../routes/reports.ts';
import { getSettings } from '../services/settings.ts';

const MB = 1024 * 1024;
/** Every request body unless the table below says otherwise, and every anonymous one. */
export const DEFAULT_BODY_LIMIT = MB;
/** Room for a multipart form's boundaries and small fields beside the file. */
const FORM_OVERHEAD = 64 * 1024;

type Limit = { bytes: number; message: string };
const mb = (bytes: number) => `${Math.round((bytes / MB) * 10) / 10} MB`;

/** The routes that need more than the default, keyed like the router table: "METHOD /path". */
const OVERRIDES: Record<string, (c: Context<Env>) => Limit> = {
	'PUT /api/v1/reports/mine/:period': () => reportLimit,
	'POST /api/v1/reports/mine/:period/submit': () => reportLimit,
	'POST /api/v1/attachments': (c) => {
		const maxMb = getSettings(c.var.deps.db).attachmentMaxMb;
		return { bytes: maxMb * MB + FORM_OVERHEAD, message: `文件超过 ${maxMb} MB 上限` };
	},
	'POST /api/v1/imports': () => ({
		bytes: MAX_TABLE_BYTES + FORM_OVERHEAD,
		message: `文件超过 ${mb(MAX_TABLE_BYTES)} 上限`
	})
};
const reportLimit = {
	bytes: REPORT_SAVE_MAX_BYTES,
	message: `月报内容超过 ${mb(REPORT_SAVE_MAX_BYTES)} 上限`
};

/** The route that will answer: the first registered for this method (middlewares are ALL). */
function routeKey(c: Context<Env>): string | undefined {
	const route = matchedRoutes(c).find((r) => r.method === c.req.method);
	return route && `${route.method} ${route.path}`;
}

/**
 * One body limit for the whole API, enforced while the body streams in (Content-Length first, else
 * counted chunk by chunk), so an oversized body is answered 413 before it is buffered. The larger
 * limits of the table are for signed-in callers only.
 */
export const bodyLimits = createMiddleware<Env>(async (c, next) => {
	const key = c.var.actor ? routeKey(c) : undefined;
	const limit = (key && OVERRIDES[key]?.(c)) || {
		bytes: DEFAULT_BODY_LIMIT,
		message: `请求内容超过 ${mb(DEFAULT_BODY_LIMIT)} 上限`
	};
	return bodyLimit({
		maxSize: limit.bytes,
		onError: () => {
			throw new ApiError('payload_too_large', limit.message, { maxBytes: limit.bytes });
		}
	})(c, next);
});
