import type { Context, TypedResponse } from 'hono';
import type { JSONParsed } from 'hono/utils/types';

/** A value's JSON text as bytes, its type kept for the typed client (sendJson). */
export type JsonBytes<T> = Uint8Array<ArrayBuffer> & { readonly jsonOf?: T };

export const toJsonBytes = <T>(value: T): JsonBytes<T> =>
	new TextEncoder().encode(JSON.stringify(value)) as JsonBytes<T>;

/** JSON text made elsewhere (a pool thread: readJsonOffThread), answered as `c.json` would answer the value. */
export const sendJson = <T>(c: Context, body: JsonBytes<T>) =>
	c.body(body, 200, { 'content-type': 'application/json' }) as unknown as Response &
		TypedResponse<JSONParsed<T>, 200, 'json'>;
