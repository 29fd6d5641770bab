#!/usr/bin/env -S node --max-semi-space-size=16 --expose-gc
// The `duban` command: Node >= 22.18 runs the TypeScript sources directly.
import { enableCompileCache } from 'node:module';
// Before the first TypeScript module, so that with a warm cache this process never loads Node's type
// stripper either (api/lib/module-hooks.ts, which keeps it on for the processes started from here).
enableCompileCache();
await import('../api/lib/module-hooks.ts');
// The composition root: api/ does not import tasks/ (a layer rule in eslint.config.js), so the scheduled
// jobs and the commands that run them are plugged into the server and the command line here.
const startJobs = async (deps) => (await import('../tasks/index.ts')).startJobs(deps);
// `serve` loads only the server: with several web processes this one stays a small supervisor.
if (process.argv[2] === 'serve') await (await import('../api/server.ts')).startServer(startJobs);
else
	await (
		await import('../api/cli/main.ts')
	).runCli(process.argv.slice(2), {
		startJobs,
		tasks: async (ctx, args) => (await import('../tasks/cli.ts')).tasksCommand(ctx, args),
		alerts: async (ctx, args) => (await import('../tasks/cli.ts')).alertsCommand(ctx, args)
	});
