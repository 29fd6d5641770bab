import { sveltekit } from '@sveltejs/kit/vite';
import adapter from '@sveltejs/adapter-static';
import { defineConfig } from 'vite';

export default defineConfig({
	plugins: [
		sveltekit({
			adapter: adapter({
				pages: 'build',
				assets: 'build',
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
