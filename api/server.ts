import { keepCompiled } from './lib/module-hooks.ts';
import cluster from 'node:cluster';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import type { Config } from './config.ts';
import type { Deps } from './context.ts';

/**
 * Starts the scheduled jobs in this process and returns their stop: tasks/index.ts's startJobs, handed
 * in by the composition root (bin/duban.mjs), as api/ does not import tasks/.
 */
export type StartJobs = (deps: Deps) => Promise<() => Promise<void>>;

/**
 * Starts the service on an initialised database (see `duban init`): with WEB_PROCESSES > 1 as a
 * supervisor of that many web processes and one job process (processes.ts), else as one process that
 * serves and, given `startJobs`, runs the jobs. The supervisor loads none of the application.
 */
export async function startServer(startJobs?: StartJobs) {
	// Loaded once the module hooks are in place (everything but node: modules is, here).
	const { loadConfig } = await import('./config.ts');
	const config = loadConfig();
	if (cluster.isPrimary && config.webProcesses > 1) {
		const { superviseProcesses } = await import('./processes.ts');
		return superviseProcesses(config);
	}
	await serveHttp(config, startJobs);
}

/** Serves HTTP in this process; closes cleanly on SIGINT/SIGTERM. */
async function serveHttp(config: Config, startJobs: StartJobs | undefined) {
	const startedAt = performance.now();
	const [
		{ createAdaptorServer },
		{ createApp },
		{ openDatabase },
		{ appClock },
		{ smtpMailer },
		{ REUSE_PORT }
	] = await Promise.all([
		import('@hono/node-server'),
		import('./app.ts'),
		import('../db/open.ts'),
		import('./lib/app-clock.ts'),
		import('./lib/mailer.ts'),
		import('./processes.ts')
	]);
	limitHeapGrowth();
	const { db, close } = await openDatabase({ ...config, siblingWriters: cluster.isWorker });
	const clock = await appClock(config, db);
	const mailer = smtpMailer(config.smtpUrl);
	const app = createApp({ db, clock, config, mailer });
	let stopJobs: (() => Promise<void>) | null = null;
	const server = createAdaptorServer({ fetch: app.fetch }) as import('node:http').Server;
	// Under a saturated event loop one turn can outlast Node's 5 s keep-alive timeout: a connection must not
	// be closed while the client's next request is already waiting unread in it (ECONNRESET).
	server.keepAliveTimeout = 65_000;
	server.headersTimeout = 66_000;
	// A web process of several binds the port itself, next to its siblings (processes.ts).
	const own = cluster.isWorker && REUSE_PORT;
	// A month-end rush opens thousands of connections at once: those the event loop has not yet accepted wait
	// in the kernel's queue (up to net.core.somaxconn) instead of having their SYNs dropped (Node's default
	// is 511), which the client sees as a connect timeout.
	const backlog = 4096;
	releaseStartGarbage();
	server.listen({ port: config.port, host: config.host, reusePort: own, exclusive: own, backlog }, () => {
		const ms = Math.round(performance.now() - startedAt);
		const port = (server.address() as AddressInfo).port;
		console.log(
			`督办 Duban 已启动: http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}  (数据目录 ${config.dataDir}，今日 ${clock.today()}，进程 ${process.pid}，用时 ${ms} ms)`
		);
		keepCompiled();
		// Jobs start once the server listens, so a catch-up run does not delay readiness.
		if (config.jobs && startJobs)
			void startJobs({ db, clock, mailer, config }).then((stop) => (stopJobs = stop));
		// Started as a file (a web process of several, processes.ts) it has no jobs to start.
		else if (config.jobs)
			console.warn('[duban] 本进程不运行定时任务：请用 duban serve 或 duban tasks worker 启动');
	});
	const shutdown = async () => {
		await stopJobs?.();
		mailer?.close();
		server.close(() => void close().finally(() => process.exit(0)));
		server.closeIdleConnections();
		setTimeout(() => process.exit(0), 3000).unref();
	};
	process.on('SIGINT', () => void shutdown());
	process.on('SIGTERM', () => void shutdown());
}

/**
 * Loading the application leaves V8's young generation at its largest (two 16 MB semi-spaces: nearly every
 * object a module creates survives, and V8 grows the young generation when they do) and old-space pages
 * of start-up garbage: about 35 MB resident that an idle process keeps until V8's memory reducer gets
 * round to it (two minutes of idleness here, as it judges the allocation rate only at collections). One
 * memory-reducing collection before the first connection hands them back (a web process: 136 → 100 MB);
 * traffic grows the young generation again as it needs. `gc` is there with `--expose-gc`, which every
 * command line of the server passes (bin/duban.mjs, scripts/start.sh, `npm run serve`); a server started
 * without it just waits for the memory reducer.
 */
function releaseStartGarbage() {
	globalThis.gc?.({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}

/**
 * After each full collection V8 lets the old generation grow by a factor it picks from its collector's
 * speed, up to 4×: in the month-end rush a web process with about 45 MB live reached 120 MB of heap
 * between full collections, and with it the memory only a full collection hands back — the SQLite
 * statements and request and answer buffers of every request in between (malloc'd outside V8's heap, so
 * they do not hurry it). 1.5× holds the peak down at the cost of more frequent full collections, which
 * mark a live set of that size concurrently in tens of milliseconds (measured with npm run bench:load).
 */
function limitHeapGrowth() {
	setFlagsFromString('--heap-growing-percent=50');
}

if (import.meta.main) await startServer();
