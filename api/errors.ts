import { randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ZodError } from 'zod';
import { errorsZh } from '../web/src/lib/i18n/errors.zh.ts';
import type { ErrorDetails } from './routes/contract/shapes.ts';

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
type Keyed<P extends string> =
	Extract<keyof typeof errorsZh, `${P}.${string}`> extends `${P}.${infer K}` ? K : never;
/** A refusal's stable cause (`report.stale`), one per cause; its messages are in the catalogue. */
export type ErrorKey = Keyed<'error'>;
/** What is wrong with one field (`required`, `too_long` …). */
export type FieldCode = Keyed<'field'>;
export type Params = Record<string, string | number>;
export type FieldProblem = { path: string; code: string; message: string; params?: Params };
export type ErrorBody = {
	error: {
		code: ErrorCode;
		key: string;
		message: string;
		params?: Params;
		details?: ErrorDetails;
		requestId: string;
	};
};
/** Every status a refusal may carry, for the OpenAPI document's error body. */
export const ERROR_CODES = Object.keys(STATUS) as ErrorCode[];

/** Fills `{name}` in a catalogue text. */
export function fillIn(text: string, params?: Params) {
	return params
		? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m))
		: text;
}

/**
 * The one error type: services and handlers throw it, `handleError` renders it. `key` names the cause
 * (the web app shows it in the user's language); `message` is the Chinese, for logs and old clients.
 */
export class ApiError extends Error {
	readonly code: ErrorCode;
	readonly details: ErrorDetails | undefined;
	readonly key: string;
	readonly params: Params | undefined;
	constructor(code: ErrorCode, message: string, details?: ErrorDetails, key?: string, params?: Params) {
		super(message);
		this.code = code;
		this.details = details;
		this.key = key ?? `http.${code}`;
		this.params = params;
	}
	get status(): ContentfulStatusCode {
		return STATUS[this.code];
	}
}

/** An error as it crosses from a worker thread to the request thread: a refusal keeps its key. */
export type WireError = {
	message: string;
	code?: ErrorCode;
	key?: string;
	params?: Params;
	details?: ErrorDetails;
};

export function toWire(err: unknown): WireError {
	if (err instanceof ApiError)
		return { message: err.message, code: err.code, key: err.key, params: err.params, details: err.details };
	return { message: err instanceof Error ? err.message : String(err) };
}

export const fromWire = (w: WireError): Error =>
	w.code ? new ApiError(w.code, w.message, w.details, w.key, w.params) : new Error(w.message);

/** A refusal for a known cause: the Chinese message comes from the catalogue, filled with `params`. */
export function fail(code: ErrorCode, key: ErrorKey, params?: Params, details?: ErrorDetails) {
	return new ApiError(code, fillIn(errorsZh[`error.${key}`], params), details, key, params);
}

type Thing = Keyed<'error.not_found'>;
export const notFound = (what: Thing) => fail('not_found', `not_found.${what}` as ErrorKey);
export const forbidden = (key: ErrorKey = 'auth.role_forbidden', params?: Params) =>
	fail('forbidden', key, params);
/** 429 with `Retry-After` (the seconds are also in the details, for the web app). */
export const tooManyRequests = (key: ErrorKey, params: Params, retryAfterSeconds: number) =>
	fail('too_many_requests', key, params, { retryAfterSeconds });

/** One problem per field, with a stable code (and its bounds) for the web app to say in either language. */
export function zodDetails(err: Pick<ZodError, 'issues'>): FieldProblem[] {
	return err.issues.map((i) => {
		const { code, params } = fieldCode(i);
		return { path: i.path.join('.'), code, message: i.message, ...(params ? { params } : {}) };
	});
}

function fieldCode(i: ZodError['issues'][number]): { code: string; params?: Params } {
	const origin = 'origin' in i ? String(i.origin) : '';
	const many = origin === 'array' || origin === 'set';
	switch (i.code) {
		case 'too_big':
			return {
				code: many ? 'too_many' : origin === 'string' ? 'too_long' : 'too_large',
				params: { max: Number(i.maximum) }
			};
		case 'too_small':
			if (origin === 'string' && Number(i.minimum) === 1) return { code: 'required' };
			return {
				code: many ? 'too_few' : origin === 'string' ? 'too_short' : 'too_small',
				params: { min: Number(i.minimum) }
			};
		case 'invalid_type':
			// zod keeps no input in its issues; its own default words say whether the value was absent.
			return { code: /received undefined$/.test(i.message) ? 'required' : 'invalid_type' };
		case 'invalid_format':
			return { code: 'invalid_format' };
		case 'invalid_value':
			return { code: 'invalid_value' };
		case 'custom':
			return { code: (i.params?.code as string | undefined) ?? 'invalid' };
		default:
			return { code: 'invalid' };
	}
}

function body(err: ApiError, requestId: string): ErrorBody {
	const { code, key, message, params, details } = err;
	return {
		error: {
			code,
			key,
			message,
			...(params ? { params } : {}),
			...(details === undefined ? {} : { details }),
			requestId
		}
	};
}

const REQUEST_ID_RE = /^[\w.:-]{1,128}$/;
/** The caller's `X-Request-Id` when it is a plain token, else a new one; echoed on every answer. */
export const requestIdOf = (header: string | undefined) =>
	header && REQUEST_ID_RE.test(header) ? header : randomUUID();

export function handleError(err: Error, c: Context) {
	const requestId: string = c.get('requestId') ?? requestIdOf(undefined);
	if (err instanceof ApiError) {
		const d = err.details;
		if (d && 'retryAfterSeconds' in d) c.header('Retry-After', String(d.retryAfterSeconds));
		return c.json(body(err, requestId), err.status);
	}
	if (err instanceof ZodError)
		return c.json(body(fail('bad_request', 'request.invalid', undefined, zodDetails(err)), requestId), 400);
	if (err instanceof HTTPException) {
		const status = err.status as ContentfulStatusCode;
		const code = (Object.entries(STATUS).find(([, s]) => s === status)?.[0] ?? 'bad_request') as ErrorCode;
		return c.json(body(new ApiError(code, err.message || errorsZh[`error.http.${code}`]), requestId), status);
	}
	console.error(`[duban] request ${requestId}: unhandled error`, err);
	return c.json(body(fail('internal', 'http.internal'), requestId), 500);
}
