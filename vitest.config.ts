import { defineConfig } from 'vitest/config';

export default defineConfig({
	test: {
		include: ['{api,db,tasks,test}/**/*.test.ts'],
		exclude: ['test/e2e/**', 'node_modules/**'],
		pool: 'forks',
		testTimeout: 20_000,
		hookTimeout: 30_000
	}
});
