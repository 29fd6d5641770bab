/**
 * Reads and analyses an import table on a worker thread, so a 20,000-row file does not stall the server:
 * the main thread only writes the result. Messages: progress, then one result or error.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { analyseTable, type Analysis } from './analyse.ts';
import type { ManualMapping } from './layout.ts';
import { recogniseLayout } from './layout.ts';
import { readTable, TableReadError } from './read-table.ts';

export type WorkerInput = {
	data: Uint8Array;
	fileName: string;
	planYear: number;
	units: string[];
	groups: string[];
	placeholders: string[];
	createUnits: boolean;
	mapping?: ManualMapping;
	/** Hand mappings the office chose before, by layout signature. */
	remembered: Record<string, ManualMapping>;
};

export type WorkerMessage =
	| { type: 'progress'; done: number; total: number }
	| { type: 'result'; analysis: Analysis; mappingUsed: 'auto' | 'manual' | 'remembered' }
	| { type: 'error'; message: string; readError: boolean };

async function run(input: WorkerInput): Promise<WorkerMessage> {
	const table = await readTable(input.data, input.fileName);
	const remembered = input.mapping ? undefined : input.remembered[recogniseLayout(table).signature];
	const mapping = input.mapping ?? remembered;
	const analysis = analyseTable(table, {
		planYear: input.planYear,
		directory: {
			units: new Set(input.units),
			groups: new Set(input.groups),
			placeholders: new Set(input.placeholders)
		},
		createUnits: input.createUnits,
		mapping,
		onProgress: (done, total) =>
			parentPort!.postMessage({ type: 'progress', done, total } satisfies WorkerMessage)
	});
	// The signature of the layout as found automatically: that is what a hand mapping is remembered under.
	if (mapping) analysis.layout.signature = recogniseLayout(table).signature;
	return {
		type: 'result',
		analysis,
		mappingUsed: input.mapping ? 'manual' : remembered ? 'remembered' : 'auto'
	};
}

run(workerData as WorkerInput).then(
	(message) => parentPort!.postMessage(message),
	(err: Error) =>
		parentPort!.postMessage({
			type: 'error',
			message: err.message,
			readError: err instanceof TableReadError
		} satisfies WorkerMessage)
);
