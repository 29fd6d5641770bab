// Starts the real server for the browser tests on a fresh data folder with the 2020 plan, the demo
// accounts and history, and a real SMTP server on 127.0.0.1 that receives its mail.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSmtp } from '../support/smtp.ts';

const smtp = await startSmtp();
const dataDir = mkdtempSync(join(tmpdir(), 'duban-e2e-'));
process.on('exit', () => rmSync(dataDir, { recursive: true, force: true }));
process.env.DATA_DIR = dataDir;
process.env.PORT = process.env.E2E_PORT ?? '4173';
process.env.HOST = '127.0.0.1';
process.env.DUBAN_DEMO = '1';
process.env.SECURE_COOKIES = '0';
process.env.SMTP_URL = smtp.url;
// One process: the jobs run in it, and the tests see one process's in-memory limits.
process.env.WEB_PROCESSES ??= '1';

const { cliContext } = await import('../../api/cli/context.ts');
const { runInit } = await import('../../api/cli/init.ts');
const ctx = await cliContext();
await runInit(ctx, { demo: true });
await ctx.close();
const { startServer } = await import('../../api/server.ts');
const { startJobs } = await import('../../tasks/index.ts');
await startServer(async (deps) => startJobs(deps));
