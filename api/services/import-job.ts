/**
 * The worker thread of an import (started by import-worker.ts): reads and analyses the file, then — at
 * its turn at the write gate — writes it in one transaction on its own connection to the same SQLite
 * file (WAL: the request thread's connection keeps reading meanwhile), and answers the report as JSON.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { connectDatabase } from '../../db/open.ts';
import { analyseInput } from '../../db/import/analyse-input.ts';
import { TableReadError } from '../../db/import/read-table.ts';
import { fail, toWire } from '../errors.ts';
import { fromWorkerContext } from '../lib/worker-context.ts';
import type { ImportJobData, JobMessage, Progress } from './import-worker.ts';
import { analysisContext, writeImport } from './imports.ts';

const job = workerData as ImportJobData;
const post = (message: JobMessage) => parentPort!.postMessage(message);
const progress = (phase: Progress['phase']) => (done: number, total: number) =>
	post({ type: 'progress', progress: { phase, done, total } });

async function run() {
	const { db, close } = await connectDatabase(job.context.dbAddress);
	try {
		const ctx = fromWorkerContext(job.context, db);
		const { input } = job;
		const analysis = await analyseInput(
			{
				data: input.data,
				fileName: input.fileName,
				planYear: job.year,
				createUnits: input.createUnits,
				mapping: input.mapping,
				...(await analysisContext(db))
			},
			progress('analysing')
		);
		const turn = new Promise((resolve) => parentPort!.once('message', resolve));
		post({ type: 'write-turn' });
		await turn;
		const report = await writeImport(ctx, analysis, job, progress('writing'));
		const { rows: _rows, ...summary } = report;
		post({
			type: 'result',
			json: JSON.stringify(report),
			refused: !input.dryRun && report.errors.length ? summary : null
		});
	} finally {
		await close();
	}
}

run().catch((err: Error) =>
	// A refusal crosses to the request thread with its key, so it is said in the user's language there.
	post({
		type: 'error',
		...toWire(
			err instanceof TableReadError ? fail('bad_request', 'import.unreadable', { message: err.message }) : err
		)
	})
);
