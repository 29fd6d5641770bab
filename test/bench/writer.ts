// The month-end rush, in its own process (so that it never waits on the bench's readers): units submit
// their month's report through the real HTTP server at a steady rate, each unit's form prepared once; a
// month already in is returned by the office and submitted again. Started by dashboard.ts with fork():
// argv = base, period, rate a second; the parent sends {units, office} (session headers), then 'stop';
// the child answers {count, perSecond} (submissions, not counting the returns between them). A submission
// asks only the report's new state back (Prefer: return=minimal), as the web app's form does.
import { fullItems, type Form, type Headers } from './server.ts';

const [base, period, rateText] = process.argv.slice(2) as [string, string, string];
const rate = Number(rateText);
let running = true;
let count = 0;

async function call(url: string, headers: Headers, body?: unknown) {
	const res = await fetch(
		url,
		body === undefined ? { headers } : { method: 'POST', headers, body: JSON.stringify(body) }
	);
	if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${await res.text()}`);
	return (await res.json()) as Pick<Form, 'report'>;
}

/** One unit's chain: submit, return, submit, … each submission waits for its turn in the shared pace. */
async function unitLoop(unit: Headers, office: Headers, turn: () => Promise<void>) {
	const full = (await call(`${base}/reports/mine/${period}`, unit)) as Form;
	const items = fullItems(full);
	let form: Pick<Form, 'report'> = full;
	while (running) {
		if (form.report && form.report.status !== 'draft' && form.report.status !== 'returned')
			form = await call(`${base}/reports/${form.report.id}/return`, office, { reason: '请补充本月量化进展' });
		await turn();
		if (!running) break;
		form = await call(
			`${base}/reports/mine/${period}/submit`,
			{ ...unit, prefer: 'return=minimal' },
			{
				revision: form.report?.revision ?? null,
				items
			}
		);
		count++;
	}
}

process.once('message', (msg: { units: Headers[]; office: Headers }) => {
	const started = performance.now();
	let slots = 0;
	// Submission n may start at started + n/rate: the pace is shared by all units.
	const turn = async () => {
		const due = started + (slots++ * 1000) / rate;
		const wait = due - performance.now();
		if (wait > 0) await new Promise((r) => setTimeout(r, wait));
	};
	const loops = Promise.all(msg.units.map((u) => unitLoop(u, msg.office, turn)));
	process.once('message', () => {
		running = false;
		void loops.then(() => {
			const seconds = (performance.now() - started) / 1000;
			process.send!({ count, perSecond: Math.round((count / seconds) * 10) / 10 });
			process.disconnect();
		});
	});
	loops.catch((err: unknown) => {
		console.error(err);
		process.exit(1);
	});
});
