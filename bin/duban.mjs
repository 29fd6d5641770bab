#!/usr/bin/env -S node --max-semi-space-size=16
// The `duban` command: Node >= 22.18 runs the TypeScript sources directly.
import '../api/lib/module-hooks.ts';
// `serve` loads only the server: with several web processes this one stays a small supervisor.
if (process.argv[2] === 'serve') await (await import('../api/server.ts')).startServer();
else await import('../api/cli/main.ts');
