import { defineConfig } from '@playwright/test';

const port = Number(process.env.E2E_PORT ?? 4173);

export default defineConfig({
	testDir: 'test/e2e',
	testMatch: /.*\.e2e\.ts/,
	fullyParallel: false,
	workers: 1,
	forbidOnly: !!process.env.CI,
	retries: 0,
	timeout: 30_000,
	// A page's first load under the whole suite on two busy cores: the plan page shows its 80 rows
	// ~1.7 s after the address is opened on a quiet machine, and took over 6 s once in a full run.
	expect: { timeout: 10_000 },
	reporter: [['list'], ['json', { outputFile: 'reports/e2e.json' }]],
	use: {
		baseURL: `http://127.0.0.1:${port}`,
		locale: 'zh-CN',
		timezoneId: 'Asia/Shanghai',
		viewport: { width: 1440, height: 900 },
		screenshot: 'only-on-failure',
		trace: 'retain-on-failure',
		launchOptions: {
			executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
			args: [
				'--no-sandbox',
				'--disable-gpu',
				'--disable-quic',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync',
				'--no-first-run'
			]
		}
	},
	webServer: {
		command: `node test/e2e/server.ts`,
		url: `http://127.0.0.1:${port}/api/v1/health`,
		env: { E2E_PORT: String(port) },
		reuseExistingServer: false,
		// The server loads the demo year through the services day by day first; slow on a busy machine.
		timeout: 180_000,
		stdout: 'pipe'
	}
});
