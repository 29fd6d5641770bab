import type { Environment } from 'vitest/runtime';

/**
 * Node, with the web app's modules transformed as the browser gets them: runes modules (`.svelte.ts`)
 * are compiled for the client, where `$effect` runs (the server build leaves effects out).
 */
export default {
	name: 'client',
	viteEnvironment: 'client',
	setup: () => ({ teardown: () => {} })
} satisfies Environment;
