import { Worker } from 'node:worker_threads';
import type { WorkerInput, WorkerMessage } from '../../db/import/worker.ts';
import { fail } from '../errors.ts';

export type Progress = { phase: 'reading' | 'analysing' | 'writing' | 'done'; done: number; total: number };

/** Runs read + analyse on a worker thread; the request thread stays free for other users meanwhile. */
export function analyseInWorker(
	input: WorkerInput,
	onProgress: (p: Progress) => void
): Promise<Extract<WorkerMessage, { type: 'result' }>> {
	return new Promise((resolve, reject) => {
		const worker = new Worker(new URL('../../db/import/worker.ts', import.meta.url), { workerData: input });
		let settled = false;
		worker.on('message', (message: WorkerMessage) => {
			if (message.type === 'progress')
				onProgress({ phase: 'analysing', done: message.done, total: message.total });
			else {
				settled = true;
				void worker.terminate();
				if (message.type === 'result') resolve(message);
				else
					reject(
						message.readError
							? fail('bad_request', 'import.unreadable', { message: message.message })
							: new Error(message.message)
					);
			}
		});
		worker.on('error', (err) => {
			settled = true;
			reject(err);
		});
		worker.on('exit', (code) => {
			if (!settled) reject(new Error(`import worker exited with code ${code}`));
		});
	});
}
