/** A thread of the worker pool (worker-pool.ts): runs the named export of a module, answers its result. */
import { pathToFileURL } from 'node:url';
import { parentPort } from 'node:worker_threads';
import type { Db } from '../../db/client.ts';
import { connectDatabase } from '../../db/open.ts';
import { toWire } from '../errors.ts';
import { fromWorkerContext } from './worker-context.ts';
import { toJsonBytes } from './json-bytes.ts';
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
 * This thread's own database per address (file or URL): it reads on its read connection; a caller
 * holding the write gate (writeInWorker) writes through withTransaction on its write connection, opened
 * then.
 */
const connections = new Map<string, Promise<Db>>();
function connection(address: string) {
	let db = connections.get(address);
	if (!db) {
		db = connectDatabase(address).then((c) => c.db);
		connections.set(address, db);
	}
	return db;
}

async function answer({ id, module, name, args, context, json }: PoolTask) {
	try {
		const mod = (await import(pathToFileURL(module).href)) as Record<string, unknown>;
		const fn = mod[name];
		if (typeof fn !== 'function') throw new Error(`${module} has no function ${name}`);
		const value: unknown = context
			? await fn(fromWorkerContext(context, await connection(context.dbAddress)), ...args)
			: await fn(...args);
		const result = json ? toJsonBytes(value) : value;
		parentPort!.postMessage({ id, ok: true, result } satisfies PoolReply, transferable(result));
	} catch (err) {
		parentPort!.postMessage({ id, ok: false, ...toWire(err) } satisfies PoolReply);
	}
}

parentPort!.on('message', (task: PoolTask) => void answer(task));
