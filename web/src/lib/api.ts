import { hc, type ClientResponse } from 'hono/client';
import type { AppType } from '../../../api/app.ts';
import type { z } from 'zod';
import type { ApiErrorBody, fieldProblem } from '../../../api/routes/contract/shapes.ts';
import { colon, locale, t, type MessageKey } from './i18n/index.svelte.ts';
import type { Uploaded } from './replies.ts';

/** The one way the front end talks to the API: the typed Hono client over same-origin fetch. */
export const api = hc<AppType>('/api/v1', { init: { credentials: 'same-origin' } });

type Refusal = ApiErrorBody['error'];
/** One field's problem in a 400's or 422's details (`items.3.progress`, code `required`). */
type FieldProblem = z.infer<typeof fieldProblem>;

/**
 * A failure whose reply is not the API's error body (a proxy's page, a network error's status): no key, so
 * the web's own message shows; the request id from the header, when the service answered at all.
 */
const localRefusal = (code: string, message: string, requestId: string | null = null): Refusal => ({
	code,
	key: '',
	message,
	requestId: requestId ?? ''
});

/** A refusal in the user's language: the catalogue's text for its key, else the server's (Chinese) message. */
export function refusalText(body: Refusal): string {
	const key = `error.${body.key}` as MessageKey;
	return body.key && t(key) !== key ? t(key, body.params) : body.message;
}

/** One field's problem in the user's language (Chinese: the server's own words, which name the field). */
function fieldText(d: FieldProblem): string {
	const key = `field.${d.code}` as MessageKey;
	if (locale.current === 'zh' || t(key) === key) return d.message;
	return d.path ? `${d.path}: ${t(key, d.params)}` : t(key, d.params);
}

export class ApiFailure extends Error {
	readonly status: number;
	readonly body: Refusal;
	constructor(status: number, body: Refusal) {
		super(refusalText(body));
		this.status = status;
		this.body = body;
	}
}

/** A page's own 404 (the thing it shows is not in the list it read). */
export const notFound = () => new ApiFailure(404, localRefusal('not_found', t('common.notFound')));

/** The JSON of a client call's reply; of each kind of reply where a route answers in several shapes. */
type ReplyOf<R> = R extends ClientResponse<infer T> ? T : never;

/** Awaits a client call and returns its JSON, or throws ApiFailure with the server's Chinese message. */
export async function call<R extends ClientResponse<unknown>>(request: Promise<R>): Promise<ReplyOf<R>> {
	const res = await request;
	if (res.ok) return (await res.json()) as ReplyOf<R>;
	let body = localRefusal(
		'internal',
		t('common.requestFailed', { status: res.status }),
		res.headers.get('X-Request-Id')
	);
	try {
		body = ((await res.json()) as ApiErrorBody).error ?? body;
	} catch {
		/* not JSON: keep the generic message */
	}
	if (res.status === 401 && typeof window !== 'undefined' && !location.pathname.startsWith('/login')) {
		location.href = `/login?next=${encodeURIComponent(location.pathname + location.search)}`;
	}
	const pending = pendingOf(res.status, body);
	if (pending) onPending?.(pending);
	throw new ApiFailure(res.status, body);
}

/** What a signed-in user must do before anything else: change the password, or enrol a second factor. */
export type Pending = 'password' | 'totp';

/** A 403 that says the account has a pending step (details.pending) rather than lacking a right. */
function pendingOf(status: number, body: Refusal): Pending | null {
	return status === 403 && body.details && 'pending' in body.details ? body.details.pending : null;
}

let onPending: ((pending: Pending) => void) | null = null;
/** The session store listens here, so that any call refused for a pending step sends the user to /account. */
export function setPendingHandler(handler: (pending: Pending) => void) {
	onPending = handler;
}

/** Download address of a plan export (a plain link, so the browser saves the file), headers in the UI's language. */
export function exportUrl(planId: number, format: 'xlsx' | 'csv' | 'json' = 'xlsx'): string {
	return `/api/v1/plans/${planId}/export?format=${format}&lang=${locale.current}`;
}

/** A person-readable message for any failure: the server's message plus each invalid field's reason. */
export function errorText(err: unknown): string {
	if (err instanceof ApiFailure) {
		const details = err.body.details;
		if (Array.isArray(details)) {
			const reasons = details.map(fieldText).filter(Boolean);
			if (reasons.length)
				return `${err.message}${colon()}${[...new Set(reasons)].join(locale.current === 'zh' ? '；' : '; ')}`;
		}
		return err.message;
	}
	if (err instanceof TypeError) return t('common.offline');
	return err instanceof Error ? err.message : String(err);
}

/** Download address of an attachment (a plain link: the server sends it with its original name). */
export function attachmentUrl(id: number): string {
	return `/api/v1/attachments/${id}`;
}

/**
 * Uploads one attachment with progress. The typed client cannot report upload progress (fetch has
 * none), so this one call goes through XMLHttpRequest to the same POST /attachments endpoint; a
 * refusal (413 too big, 415 wrong content) throws ApiFailure with the server's Chinese message.
 */
export function uploadAttachment(
	file: File,
	onprogress?: (fraction: number) => void
): { done: Promise<Uploaded>; abort: () => void } {
	const xhr = new XMLHttpRequest();
	const done = new Promise<Uploaded>((resolvePromise, reject) => {
		xhr.open('POST', '/api/v1/attachments');
		xhr.withCredentials = true;
		xhr.responseType = 'text';
		xhr.upload.onprogress = (e) => {
			if (e.lengthComputable) onprogress?.(e.loaded / e.total);
		};
		xhr.onload = () => {
			let body: unknown = null;
			try {
				body = JSON.parse(xhr.responseText);
			} catch {
				/* not JSON */
			}
			if (xhr.status >= 200 && xhr.status < 300) return resolvePromise(body as Uploaded);
			const error =
				(body as ApiErrorBody | null)?.error ??
				localRefusal(
					'internal',
					t('common.uploadFailed', { status: xhr.status }),
					xhr.getResponseHeader('X-Request-Id')
				);
			reject(new ApiFailure(xhr.status, error));
		};
		xhr.onerror = () => reject(new TypeError('network'));
		xhr.onabort = () => reject(new DOMException('aborted', 'AbortError'));
		const form = new FormData();
		form.append('file', file);
		xhr.send(form);
	});
	return { done, abort: () => xhr.abort() };
}
