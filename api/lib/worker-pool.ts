/**
 * A small pool of worker threads for CPU-heavy work (a .docx or .xlsx from a data model, CSV from rows,
 * a whole plan read with its lights), so the request thread stays free for other users meanwhile. Any
 * exported function of a module in this repository can be run:
 * `runInWorker<typeof tableFile>('api/lib/table-file.ts', 'tableFile', …args)`. Arguments and results
 * travel by structured clone; a Uint8Array result (or one in a result object's fields) is transferred,
 * not copied. Idle threads end after a while, so an idle server carries none.
 */
import { availableParallelism } from 'node:os';
import { resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import type { ServiceContext } from '../context.ts';
import { isPostgres } from '../../db/client.ts';
import { fromWire, type WireError } from '../errors.ts';
import { startThread, toWorkerContext, type WorkerContext } from './worker-context.ts';
import { holdWriteGate } from './write-gate.ts';
import { toJsonBytes, type JsonBytes } from './json-bytes.ts';

/** With a context, the function is called as fn(ctx, ...args) on the thread's own connection. */
export type PoolTask = {
	id: number;
	module: string;
	name: string;
	args: unknown[];
	context?: WorkerContext;
	/** The connection may write: the caller holds the write gate for the job (writeInWorker). */
	writes?: boolean;
	/** The result is answered as its JSON text in bytes (readJsonOffThread). */
	json?: boolean;
};
export type PoolReply = { id: number; ok: true; result: unknown } | ({ id: number; ok: false } & WireError);

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const THREAD = new URL('./worker-pool-thread.ts', import.meta.url);
/** One core stays with the request thread. */
const SIZE = Math.max(1, Math.min(4, availableParallelism() - 1));
const IDLE_MS = 30_000;

type Job = PoolTask & { resolve: (v: unknown) => void; reject: (e: Error) => void };
type Slot = { worker: Worker; job: Job | null; idle: NodeJS.Timeout | null };

const slots: Slot[] = [];
const waiting: Job[] = [];
let nextId = 1;

function spawnSlot(): Slot {
	const slot: Slot = { worker: startThread(THREAD), job: null, idle: null };
	slots.push(slot);
	slot.worker.on('message', (reply: PoolReply) => {
		const job = slot.job;
		slot.job = null;
		if (job?.id === reply.id) {
			if (reply.ok) job.resolve(reply.result);
			else job.reject(fromWire(reply));
		}
		dispatch(slot);
	});
	const fail = (err: Error) => {
		slots.splice(slots.indexOf(slot), 1);
		slot.job?.reject(err);
		slot.job = null;
		if (waiting.length) dispatch(spawnSlot());
	};
	slot.worker.on('error', fail);
	slot.worker.on('exit', (code) => {
		if (slots.includes(slot)) fail(new Error(`worker exited with code ${code}`));
	});
	return slot;
}

/** Gives the slot the next job in line, or lets it idle (and end after IDLE_MS). */
function dispatch(slot: Slot) {
	if (slot.idle) clearTimeout(slot.idle);
	slot.idle = null;
	const job = waiting.shift();
	if (job) {
		slot.job = job;
		slot.worker.ref();
		const { resolve: _resolve, reject: _reject, ...task } = job;
		slot.worker.postMessage(task satisfies PoolTask);
		return;
	}
	slot.worker.unref();
	slot.idle = setTimeout(() => {
		slots.splice(slots.indexOf(slot), 1);
		void slot.worker.terminate();
	}, IDLE_MS).unref();
}

function enqueue<T>(
	module: string,
	name: string,
	args: unknown[],
	context?: WorkerContext,
	writes?: boolean,
	json?: boolean
): Promise<T> {
	const file = resolve(ROOT, module);
	if (!file.startsWith(ROOT) || file.includes(`${sep}node_modules${sep}`))
		throw new Error(`not a module of this repository: ${module}`);
	return new Promise((res, rej) => {
		waiting.push({
			id: nextId++,
			module: file,
			name,
			args,
			context,
			writes,
			json,
			resolve: res as (v: unknown) => void,
			reject: rej
		});
		const free = slots.find((s) => !s.job) ?? (slots.length < SIZE ? spawnSlot() : null);
		if (free) dispatch(free);
	});
}

/** Runs `module`'s export `name` on a pool thread; `module` is a path from the repository root. */
export function runInWorker<F extends (...args: never[]) => unknown>(
	module: string,
	name: string,
	...args: Parameters<F>
): Promise<Awaited<ReturnType<F>>> {
	return enqueue(module, name, args);
}

type Rest<F> = F extends (ctx: ServiceContext, ...rest: infer R) => unknown ? R : never;

/**
 * Runs a service function that only reads — `fn(ctx, ...args)` — on a pool thread, with the caller's
 * context on the thread's own read-only connection to the same SQLite file (WAL: a consistent snapshot,
 * no lock in anyone's way). For work whose reading is itself heavy: the whole plan with its lights.
 */
export function readInWorker<F extends (ctx: ServiceContext, ...rest: never[]) => unknown>(
	ctx: ServiceContext,
	module: string,
	name: string,
	...args: Rest<F>
): Promise<Awaited<ReturnType<F>>> {
	return enqueue(module, name, args, toWorkerContext(ctx));
}

/**
 * A read heavy enough to matter (the office's province-wide views), answered as JSON (sendJson): on
 * SQLite, whose reads are hundreds of milliseconds of synchronous work, on a pool thread (readInWorker),
 * so the request thread stays free for the writes of a month-end rush and the read never waits behind a
 * write transaction. The thread writes the JSON text too, and its bytes move here without a copy: an
 * answer of thousands of rows is neither cloned into the request thread nor serialised on it.
 * PostgreSQL's reads already wait off the thread, and run in place (a pool thread's connections would
 * outlive a test's database).
 */
export async function readJsonOffThread<F extends (ctx: ServiceContext, ...rest: never[]) => unknown>(
	ctx: ServiceContext,
	module: string,
	fn: F,
	...args: Rest<F>
): Promise<JsonBytes<Awaited<ReturnType<F>>>> {
	if (isPostgres(ctx.db)) return toJsonBytes((await fn(ctx, ...args)) as Awaited<ReturnType<F>>);
	return enqueue(module, fn.name, args, toWorkerContext(ctx), false, true);
}

/**
 * Runs a service function that also writes — `fn(ctx, ...args)` — on a pool thread with a writable
 * connection of its own, holding the write gate meanwhile (the request thread's writers wait their turn
 * without blocking). Its route must not take a turn of its own (OWN_WRITE_TURN in heavy-work.ts).
 */
export async function writeInWorker<F extends (ctx: ServiceContext, ...rest: never[]) => unknown>(
	ctx: ServiceContext,
	module: string,
	name: string,
	...args: Rest<F>
): Promise<Awaited<ReturnType<F>>> {
	const release = await holdWriteGate();
	try {
		return await enqueue(module, name, args, toWorkerContext(ctx), true);
	} finally {
		release();
	}
}
