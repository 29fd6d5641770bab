/** A thread of the worker pool (worker-pool.ts): runs the named export of a module, answers its result. */
import { pathToFileURL } from 'node:url';
import { parentPort } from 'node:worker_threads';
import { connect } from '../../db/client.ts';
import { toWire } from '../errors.ts';
import { fromWorkerContext } from './worker-context.ts';
import type { PoolReply, PoolTask } from './worker-pool.ts';

/** A byte result moves to the request thread without a copy (a view of a larger buffer is copied instead). */
function transferable(result: unknown): ArrayBuffer[] {
	const values = result instanceof Uint8Array ? [result] : Object.values(result ?? {});
	return values
		.filter((v): v is Uint8Array => v instanceof Uint8Array)
		.filter(
			(v) => v.byteOffset === 0 && v.byteLength === v.buffer.byteLength && v.buffer instanceof ArrayBuffer
		)
		.map((v) => v.buffer as ArrayBuffer);
}

/**
 * This thread's own connections per database file: a read-only one, and one that writes for a caller
 * holding the write gate (writeInWorker).
 */
const connections = new Map<string, ReturnType<typeof connect>>();
function connection(file: string, writes: boolean) {
	const key = `${writes ? 'w' : 'r'}:${file}`;
	let db = connections.get(key);
	if (!db) {
		db = connect(file);
		if (!writes) db.$client.pragma('query_only = ON');
		connections.set(key, db);
	}
	return db;
}

parentPort!.on('message', async ({ id, module, name, args, context, writes }: PoolTask) => {
	try {
		const mod = (await import(pathToFileURL(module).href)) as Record<string, unknown>;
		const fn = mod[name];
		if (typeof fn !== 'function') throw new Error(`${module} has no function ${name}`);
		const result: unknown = context
			? await fn(fromWorkerContext(context, connection(context.dbFile, writes === true)), ...args)
			: await fn(...args);
		parentPort!.postMessage({ id, ok: true, result } satisfies PoolReply, transferable(result));
	} catch (err) {
		parentPort!.postMessage({ id, ok: false, ...toWire(err) } satisfies PoolReply);
	}
});
