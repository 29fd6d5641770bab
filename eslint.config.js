import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';

/**
 * The layers (README, Layers): the web app talks to the API over HTTP; routes call services; services
 * reach the database; the jobs (tasks/) call services and are plugged into the server and the command
 * line by bin/duban.mjs, so nothing in api/ imports tasks/.
 */
const layer = (regex, message, allowTypeImports = false) => ({ regex, message, allowTypeImports });
const NO_TASKS = layer(
	'(^|/)tasks/',
	'api/ does not import tasks/: the jobs and their commands are plugged in by bin/duban.mjs (startJobs, CliPlugins).'
);
const NO_DB_IN_ROUTES = layer(
	'(^|/)db/',
	'Routes call services (api/services/*), not db/; the enumerations come from web/src/lib/rules/enums.ts.'
);
const NO_ROUTES = layer(
	'(^|/)routes/',
	'Services and jobs do not depend on routes: a route validates and calls a service, never the other way.'
);
const NO_SERVER_IN_WEB = layer(
	'(^|/)(api|db|tasks)/',
	'The web app reaches the server over HTTP (#lib/api.ts) and shares rules through #lib/rules: it imports no server code, only the contract’s types (import type).',
	true
);
const layers = (...patterns) => ({ '@typescript-eslint/no-restricted-imports': ['error', { patterns }] });

export default ts.config(
	{
		ignores: [
			'build/',
			'builds/',
			'.svelte-kit/',
			'node_modules/',
			'.tools/',
			'db/migrations/',
			'reports/',
			'test-results/'
		]
	},
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	prettier,
	...svelte.configs.prettier,
	{
		languageOptions: { globals: { ...globals.browser, ...globals.node } },
		rules: {
			'@typescript-eslint/no-explicit-any': 'error',
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }]
		}
	},
	{
		// A forgotten `await` is a bug that type-checks (a Promise is truthy, a floating write is lost):
		// the data layer is async, so the server side is linted with types.
		files: ['api/**/*.ts', 'db/**/*.ts', 'tasks/**/*.ts', 'test/**/*.ts'],
		ignores: ['test/e2e/**'],
		languageOptions: { parserOptions: { project: './tsconfig.node.json' } },
		rules: {
			'@typescript-eslint/no-floating-promises': 'error',
			'@typescript-eslint/no-misused-promises': 'error'
		}
	},
	// Later entries replace earlier ones for the same files, so each folder lists all of its rules.
	{ files: ['api/**/*.ts'], rules: layers(NO_TASKS) },
	{ files: ['api/routes/**/*.ts'], rules: layers(NO_TASKS, NO_DB_IN_ROUTES) },
	{ files: ['api/services/**/*.ts'], rules: layers(NO_TASKS, NO_ROUTES) },
	{ files: ['tasks/**/*.ts'], rules: layers(NO_ROUTES) },
	{ files: ['web/src/**/*.ts', 'web/src/**/*.svelte'], rules: layers(NO_SERVER_IN_WEB) },
	{
		// Tests read loosely typed JSON bodies.
		files: ['test/**/*.ts'],
		rules: { '@typescript-eslint/no-explicit-any': 'off' }
	},
	{
		files: ['**/*.svelte', '**/*.svelte.ts'],
		languageOptions: { parserOptions: { parser: ts.parser, extraFileExtensions: ['.svelte'] } }
	}
);
