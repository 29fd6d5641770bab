import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

/** The suites that run on both databases: the API's and the jobs'. */
const PG_SUITES = ['test/api/**/*.test.ts', 'tasks/**/*.test.ts'];
/** Files of PG_SUITES that test what only SQLite has, or nothing of the database. */
const PG_EXCLUDED = [
	// The SQLite file's growth in pages under autosaves (PostgreSQL's storage and vacuum are its own).
	'test/api/report-growth.test.ts',
	// 200 generated bad requests to every operation, refused by validation before any query: the database
	// plays no part, and on PostgreSQL it is the slowest file (3 minutes).
	'test/api/fuzz.test.ts'
];

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
				// The API and job suites again on PostgreSQL (test/support/database.ts: a database per test file on
				// PG_TEST_URL's server). Left out: what only SQLite has (see PG_EXCLUDED).
				extends: true,
				test: {
					name: 'node-pg',
					include: PG_SUITES,
					exclude: PG_EXCLUDED,
					env: { TZ: 'UTC', DUBAN_TEST_DB: 'postgres' }
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
