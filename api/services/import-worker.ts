import { startThread, type WorkerContext } from '../lib/worker-context.ts';
import { fromWire, type WireError } from '../errors.ts';
import { holdWriteGate } from '../lib/write-gate.ts';
import type { ImportReport, WriteJob } from './imports.ts';

/** What the page shows while it waits: the phase and how far it got (rows). */
export type Progress = {
	phase: 'reading' | 'analysing' | 'waiting' | 'writing' | 'done';
	done: number;
	total: number;
};

/** Everything the worker needs: it opens its own connection to the same file and works as this actor. */
export type ImportJobData = WriteJob & { context: WorkerContext };

export type JobMessage =
	| { type: 'progress'; progress: Progress }
	/** Analysis done: the worker waits for the write gate before it starts its transaction. */
	| { type: 'write-turn' }
	| { type: 'result'; json: string; refused: Omit<ImportReport, 'rows'> | null }
	| ({ type: 'error' } & WireError);

export type JobResult = Extract<JobMessage, { type: 'result' }>;

/**
 * Runs an import on a worker thread (import-job.ts): reading, analysing and the write transaction with
 * its own SQLite connection. The request thread only relays progress and gives the worker its turn at
 * the write gate, so other users are served while a 20,000-row table is checked and written.
 */
export function importInWorker(job: ImportJobData, onProgress: (p: Progress) => void): Promise<JobResult> {
	return new Promise((resolve, reject) => {
		const worker = startThread(new URL('./import-job.ts', import.meta.url), { workerData: job });
		let release: (() => void) | null = null;
		let settled = false;
		const settle = (fn: () => void) => {
			settled = true;
			release?.();
			fn();
		};
		worker.on('message', (message: JobMessage) => {
			if (message.type === 'progress') onProgress(message.progress);
			else if (message.type === 'write-turn') {
				onProgress({ phase: 'waiting', done: 0, total: 0 });
				void holdWriteGate().then((r) => {
					if (settled) return r();
					release = r;
					worker.postMessage('go');
				});
			} else {
				settle(() => (message.type === 'result' ? resolve(message) : reject(fromWire(message))));
				void worker.terminate();
			}
		});
		worker.on('error', (err) => settle(() => reject(err)));
		worker.on('exit', (code) => {
			if (!settled) settle(() => reject(new Error(`import worker exited with code ${code}`)));
		});
	});
}
