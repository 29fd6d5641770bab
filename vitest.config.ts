import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	test: {
		pool: 'forks',
		// Integration tests spawn processes and servers; on two busy cores some take a while.
		testTimeout: 60_000,
		hookTimeout: 30_000,
		// Dates must not depend on the machine's zone: the business calendar is Asia/Shanghai.
		env: { TZ: 'UTC' },
		projects: [
			{
				extends: true,
				test: {
					name: 'node',
					include: ['{api,db,tasks,test}/**/*.test.ts'],
					exclude: ['test/e2e/**', 'node_modules/**']
				}
			},
			{
				// The web app's modules with runes (`.svelte.ts`), compiled as the browser gets them.
				extends: true,
				plugins: [svelte()],
				resolve: { conditions: ['browser'] },
				test: {
					name: 'web',
					include: ['web/src/**/*.test.ts'],
					environment: './test/support/client-environment.ts'
				}
			}
		]
	}
});
