#!/usr/bin/env node
// The `duban` command: Node >= 22.18 runs the TypeScript sources directly.
import '../api/cli/main.ts';
