#!/usr/bin/env -S node --max-semi-space-size=16
// The `duban` command: Node >= 22.18 runs the TypeScript sources directly.
import '../api/lib/module-hooks.ts';
await import('../api/cli/main.ts');
