/**
 * A small pool of worker threads for CPU-heavy pure work (a .docx or .xlsx from a data model, CSV from
 * rows), so the request thread stays free for other users while the bytes are made. Any exported function
 * of a module in this repository can be run: `runInWorker('api/lib/table-file.ts', 'tableFile', …args)`.
 * Arguments and results travel by structured clone; a Uint8Array result (or one in a result object's
 * fields) is transferred, not copied. Idle workers end after a while, so an idle server carries none.
 */
import { availableParallelism } from 'node:os';
import { resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

export type PoolTask = { id: number; module: string; name: string; args: unknown[] };
export type PoolReply =
	{ id: number; ok: true; result: unknown } | { id: number; ok: false; message: string };

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

function spawn(): Slot {
	const slot: Slot = { worker: new Worker(THREAD), job: null, idle: null };
	slot.worker.on('message', (reply: PoolReply) => {
		const job = slot.job;
		slot.job = null;
		if (job?.id === reply.id) {
			if (reply.ok) job.resolve(reply.result);
			else job.reject(new Error(reply.message));
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

function spawnSlot() {
	const slot = spawn();
	slots.push(slot);
	return slot;
}

/** Gives the slot the next job in line, or lets it idle (and end after IDLE_MS). */
function dispatch(slot: Slot) {
	const job = waiting.shift();
	if (slot.idle) clearTimeout(slot.idle);
	slot.idle = null;
	if (job) {
		slot.job = job;
		const { resolve: _r, reject: _j, ...task } = job;
		slot.worker.postMessage(task satisfies PoolTask);
		return;
	}
	slot.idle = setTimeout(() => {
		slots.splice(slots.indexOf(slot), 1);
		void slot.worker.terminate();
	}, IDLE_MS).unref();
	slot.worker.unref();
}

/**
 * Runs `module`'s export `name` on a pool thread; `module` is a path from the repository root. Name the
 * function's type to have the arguments checked: `runInWorker<typeof tableFile>('api/lib/table-file.ts',
 * 'tableFile', 'xlsx', sheet, head, rows)`.
 */
export function runInWorker<F extends (...args: never[]) => unknown>(
	module: string,
	name: string,
	...args: Parameters<F>
): Promise<Awaited<ReturnType<F>>> {
	const file = resolve(ROOT, module);
	if (!file.startsWith(ROOT) || file.includes(`${sep}node_modules${sep}`))
		throw new Error(`not a module of this repository: ${module}`);
	return new Promise((res, rej) => {
		waiting.push({
			id: nextId++,
			module: file,
			name,
			args,
			resolve: res as (v: unknown) => void,
			reject: rej
		});
		const free = slots.find((s) => !s.job) ?? (slots.length < SIZE ? spawnSlot() : null);
		if (free) {
			free.worker.ref();
			dispatch(free);
		}
	});
}
