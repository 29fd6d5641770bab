import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ZodError } from 'zod';

const STATUS = {
	bad_request: 400,
	unauthorized: 401,
	forbidden: 403,
	not_found: 404,
	conflict: 409,
	payload_too_large: 413,
	unsupported_media_type: 415,
	unprocessable: 422,
	too_many_requests: 429,
	internal: 500,
	service_unavailable: 503
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof STATUS;
export type ErrorBody = { error: { code: ErrorCode; message: string; details?: unknown } };

/** The one error type: services and handlers throw it, `handleError` renders it. */
export class ApiError extends Error {
	readonly code: ErrorCode;
	readonly details: unknown;
	constructor(code: ErrorCode, message: string, details?: unknown) {
		super(message);
		this.code = code;
		this.details = details;
	}
	get status(): ContentfulStatusCode {
		return STATUS[this.code];
	}
}

export const notFound = (what: string) => new ApiError('not_found', `${what}不存在或无权查看`);
export const forbidden = (message = '无权执行此操作') => new ApiError('forbidden', message);
/** 429 with `Retry-After` (the seconds are also in the details, for the web app). */
export const tooManyRequests = (message: string, retryAfterSeconds: number) =>
	new ApiError('too_many_requests', message, { retryAfterSeconds });

/** Each problem with its field; a check that names a stable code (e.g. `date_out_of_range`) passes it on. */
export function zodDetails(err: ZodError) {
	return err.issues.map((i) => {
		const code = i.code === 'custom' ? (i.params?.code as string | undefined) : undefined;
		return { path: i.path.join('.'), message: i.message, ...(code ? { code } : {}) };
	});
}

function body(code: ErrorCode, message: string, details?: unknown): ErrorBody {
	return { error: details === undefined ? { code, message } : { code, message, details } };
}

export function handleError(err: Error, c: Context) {
	if (err instanceof ApiError) {
		const retry = (err.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
		if (typeof retry === 'number') c.header('Retry-After', String(retry));
		return c.json(body(err.code, err.message, err.details), err.status);
	}
	if (err instanceof ZodError) return c.json(body('bad_request', '请求参数有误', zodDetails(err)), 400);
	if (err instanceof HTTPException) {
		const status = err.status as ContentfulStatusCode;
		const code = (Object.entries(STATUS).find(([, s]) => s === status)?.[0] ?? 'bad_request') as ErrorCode;
		return c.json(body(code, err.message || '请求无法处理'), status);
	}
	console.error('[duban] unhandled error', err);
	return c.json(body('internal', '服务器内部错误，请稍后重试'), 500);
}
