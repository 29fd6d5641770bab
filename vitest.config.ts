import { defineConfig } from 'vitest/config';

export default defineConfig({
	test: {
		include: ['{api,db,tasks,test}/**/*.test.ts'],
		exclude: ['test/e2e/**', 'node_modules/**'],
		pool: 'forks',
		// Integration tests spawn processes and servers; on two busy cores some take a while.
		testTimeout: 60_000,
		hookTimeout: 30_000,
		// Dates must not depend on the machine's zone: the business calendar is Asia/Shanghai.
		env: { TZ: 'UTC' }
	}
});
