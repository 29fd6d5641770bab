#!/usr/bin/env -S node --max-semi-space-size=16
// The `duban` command: Node >= 22.18 runs the TypeScript sources directly.
import { enableCompileCache } from 'node:module';
// Before the first TypeScript module, so that with a warm cache this process never loads Node's type
// stripper either (api/lib/module-hooks.ts, which keeps it on for the processes started from here).
enableCompileCache();
await import('../api/lib/module-hooks.ts');
// `serve` loads only the server: with several web processes this one stays a small supervisor.
if (process.argv[2] === 'serve') await (await import('../api/server.ts')).startServer();
else await import('../api/cli/main.ts');
