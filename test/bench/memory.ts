/**
 * Memory of the real server (`node api/server.ts`, VmRSS from /proc): idle after start, after the first
 * exports and documents (made on pool threads, with exceljs and docx loaded there only), and once the
 * pool's idle threads have ended. `node test/bench/memory.ts` (DATABASE_URL=postgres://…: on that
 * database, emptied first); the last line is one JSON object.
 */
import { rssMb } from './server.ts';
import { loadPlan2020, seedDirectory } from '../../api/services/setup.ts';
import { createUser } from '../../api/services/users.ts';
import { freePort, startChildServer, childData } from '../support/child-server.ts';
import { Client, PASSWORD } from '../support/harness.ts';
import { BENCH_DATABASE_URL, freshBenchDatabase } from './database.ts';

const TODAY = '2020-09-15';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

await freshBenchDatabase();
const data = await childData('memory', TODAY, { databaseUrl: BENCH_DATABASE_URL });
const { env, db, config, clock } = data;
const ctx = { db, clock, config, actor: null, ip: null };
await seedDirectory(ctx);
const plan = await loadPlan2020(ctx);
await createUser(ctx, { username: 'memory-office', name: '联席办', role: 'office', password: PASSWORD });
await data.close();

const server = await startChildServer(env, { port: await freePort(), readyTimeoutMs: 60_000 });
const pid = server.proc.pid!;
try {
	await sleep(3_000);
	const idle = rssMb(pid);
	const office = new Client(server.base);
	await office.post('/api/v1/auth/login', { username: 'memory-office', password: PASSWORD });
	const afterSignIn = rssMb(pid);
	for (const path of [
		`/api/v1/plans/${plan.planId}/export?format=xlsx`,
		`/api/v1/indicators/export?planId=${plan.planId}&format=xlsx`
	])
		if ((await office.get(path)).status !== 200) throw new Error(`${path} failed`);
	const bulletin = await office.post('/api/v1/bulletins', { period: '2020-08' });
	for (const format of ['docx', 'xlsx'])
		if ((await office.get(`/api/v1/bulletins/${bulletin.data.id}/export?format=${format}`)).status !== 200)
			throw new Error(`bulletin ${format} failed`);
	const afterExports = rssMb(pid);
	// The pool's threads end 30 s after their last job.
	await sleep(35_000);
	const afterPoolIdle = rssMb(pid);
	console.log(
		JSON.stringify({
			server_idle_rss_mb: idle,
			after_sign_in_rss_mb: afterSignIn,
			after_first_exports_rss_mb: afterExports,
			after_pool_idle_rss_mb: afterPoolIdle
		})
	);
} finally {
	server.proc.kill('SIGTERM');
	await server.exited;
	await data.remove();
}
