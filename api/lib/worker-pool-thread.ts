/** A thread of the worker pool (worker-pool.ts): runs the named export of a module, answers its result. */
import { pathToFileURL } from 'node:url';
import { parentPort } from 'node:worker_threads';
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

parentPort!.on('message', async ({ id, module, name, args }: PoolTask) => {
	try {
		const mod = (await import(pathToFileURL(module).href)) as Record<string, unknown>;
		const fn = mod[name];
		if (typeof fn !== 'function') throw new Error(`${module} has no function ${name}`);
		const result: unknown = await fn(...args);
		parentPort!.postMessage({ id, ok: true, result } satisfies PoolReply, transferable(result));
	} catch (err) {
		parentPort!.postMessage({ id, ok: false, message: (err as Error).message } satisfies PoolReply);
	}
});
