import { serve } from '@hono/node-server';
import { createApp } from './app.ts';
import { loadConfig } from './config.ts';
import { closeDb, openDb } from '../db/client.ts';
import { appClock } from './lib/app-clock.ts';
import { smtpMailer } from './lib/mailer.ts';
import { startScheduler } from '../tasks/index.ts';

/** Starts the HTTP server on an initialised database (see `duban init`); closes cleanly on SIGINT/SIGTERM. */
export async function startServer() {
	const startedAt = performance.now();
	const config = loadConfig();
	const db = openDb(config.dbFile);
	const clock = await appClock(config, db);
	const mailer = smtpMailer(config.smtpUrl);
	const app = createApp({ db, clock, config, mailer });
	let stopJobs: (() => Promise<void>) | null = null;
	const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
		const ms = Math.round(performance.now() - startedAt);
		console.log(
			`督办 Duban 已启动: http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${info.port}  (数据目录 ${config.dataDir}，今日 ${clock.today()}，用时 ${ms} ms)`
		);
		// Jobs start once the server listens, so a catch-up run does not delay readiness.
		if (config.jobs) void startScheduler({ db, clock, mailer, config }).then((stop) => (stopJobs = stop));
	});
	// Under a saturated event loop one turn can outlast Node's 5 s keep-alive timeout: a connection must not
	// be closed while the client's next request is already waiting unread in it (ECONNRESET).
	(server as import('node:http').Server).keepAliveTimeout = 65_000;
	(server as import('node:http').Server).headersTimeout = 66_000;
	const shutdown = async () => {
		await stopJobs?.();
		mailer?.close();
		server.close(() => {
			closeDb(db);
			process.exit(0);
		});
		setTimeout(() => process.exit(0), 3000).unref();
	};
	process.on('SIGINT', () => void shutdown());
	process.on('SIGTERM', () => void shutdown());
	return server;
}

if (import.meta.main) await startServer();
