// For the benchmarks that measure the real server in its own process (test/support/child-server.ts):
// signing in over HTTP, and what the process used, read from /proc.
import { readFileSync } from 'node:fs';

/** Signs in; returns the headers of that user's JSON requests (its session cookie). */
export async function signIn(base: string, username: string, password: string) {
	const res = await fetch(`${base}/auth/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ username, password })
	});
	if (!res.ok) throw new Error(`sign-in of ${username}: HTTP ${res.status} ${await res.text()}`);
	return { cookie: res.headers.getSetCookie()[0]!.split(';')[0]!, 'content-type': 'application/json' };
}

/** The process's peak resident memory so far (VmHWM), in MB. */
export function peakRssMb(pid: number) {
	const kb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
	return Math.round(kb / 1024);
}

/** The process's resident memory now (VmRSS), in MB. */
export function rssMb(pid: number) {
	const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
	return Math.round(kb / 1024);
}

/** The process and its children (a supervisor's web processes: api/processes.ts). */
export function processTree(pid: number): number[] {
	const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
	return [pid, ...(children ? children.split(' ').map(Number) : [])];
}

/** The CPU time (user + system) the process has used so far, in seconds. */
export function cpuSeconds(pid: number) {
	const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
	return (Number(fields[11]) + Number(fields[12])) / 100;
}

export type Headers = Record<string, string>;
export type Form = {
	report: { id: number; status: string; revision: number } | null;
	items: { indicatorId: number }[];
};

/**
 * Submits a unit's report for `period` as a full form; a month already submitted is first returned by the
 * office, so the same month can be submitted again and again (only begun months may be filed). Each call
 * is one or two real writes that keep the supervision state current. Returns the submission's duration.
 */
export async function submitFullForm(base: string, unit: Headers, office: Headers, period: string) {
	const read = async () =>
		(await (await fetch(`${base}/reports/mine/${period}`, { headers: unit })).json()) as Form;
	let form = await read();
	if (form.report && form.report.status !== 'draft' && form.report.status !== 'returned') {
		const back = await fetch(`${base}/reports/${form.report.id}/return`, {
			method: 'POST',
			headers: office,
			body: JSON.stringify({ reason: '请补充本月量化进展' })
		});
		if (!back.ok) throw new Error(`return: HTTP ${back.status} ${await back.text()}`);
		form = await read();
	}
	const items = fullItems(form);
	const started = performance.now();
	const res = await fetch(`${base}/reports/mine/${period}/submit`, {
		method: 'POST',
		headers: unit,
		body: JSON.stringify({ revision: form.report?.revision ?? null, items })
	});
	await res.arrayBuffer();
	if (!res.ok) throw new Error(`submit ${period}: HTTP ${res.status}`);
	return performance.now() - started;
}

/** Every item of a form filled in: on track, half done, with progress and next steps. */
export const fullItems = (form: Form) =>
	form.items.map((i) => ({
		indicatorId: i.indicatorId,
		progressStatus: 'on_track',
		percent: 50,
		progress: '本月进展正常',
		nextSteps: '继续推进'
	}));
