/**
 * Reads and analyses an import table; runs on the import's worker thread (api/services/import-job.ts), so
 * a 20,000-row file does not stall the server.
 */
import { analyseTable, type Analysis } from './analyse.ts';
import type { ManualMapping } from './layout.ts';
import { recogniseLayout } from './layout.ts';
import { readTable } from './read-table.ts';

export type AnalyseInput = {
	data: Uint8Array;
	fileName: string;
	planYear: number;
	units: string[];
	groups: string[];
	placeholders: string[];
	retired: [string, number][];
	createUnits: boolean;
	mapping?: ManualMapping;
	/** Hand mappings the office chose before, by layout signature. */
	remembered: Record<string, ManualMapping>;
};

export async function analyseInput(
	input: AnalyseInput,
	onProgress: (done: number, total: number) => void
): Promise<Analysis> {
	const table = await readTable(input.data, input.fileName);
	const remembered = input.mapping ? undefined : input.remembered[recogniseLayout(table).signature];
	const mapping = input.mapping ?? remembered;
	const analysis = analyseTable(table, {
		planYear: input.planYear,
		directory: {
			units: new Set(input.units),
			groups: new Set(input.groups),
			placeholders: new Set(input.placeholders),
			retired: new Map(input.retired)
		},
		createUnits: input.createUnits,
		mapping,
		onProgress
	});
	// The signature of the layout as found automatically: that is what a hand mapping is remembered under.
	if (mapping) analysis.layout.signature = recogniseLayout(table).signature;
	return analysis;
}
