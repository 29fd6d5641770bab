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

/** The CPU time (user + system) the process has used so far, in seconds. */
export function cpuSeconds(pid: number) {
	const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
	return (Number(fields[11]) + Number(fields[12])) / 100;
}
