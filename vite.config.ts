import { sveltekit } from '@sveltejs/kit/vite';
import adapter from '@sveltejs/adapter-static';
import { defineConfig } from 'vite';

// npm start builds into a folder of its own (scripts/build-select.ts); everything else builds to build/.
const out = process.env.DUBAN_BUILD_OUT || 'build';

export default defineConfig({
	plugins: [
		sveltekit({
			adapter: adapter({
				pages: out,
				assets: out,
				fallback: 'index.html',
				strict: true,
				precompress: true
			}),
			files: {
				src: 'web/src',
				assets: 'web/static',
				routes: 'web/src/routes',
				appTemplate: 'web/src/app.html'
			}
		})
	],
	server: { proxy: { '/api': 'http://127.0.0.1:3000' } }
});
