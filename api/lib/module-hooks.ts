/**
 * drizzle-orm ships a 179 KB package.json (its exports map), and Node's ESM loader reads it again for
 * every one of the package's ~450 modules it resolves: about 85 MB of memory a process never gets back.
 * These hooks resolve drizzle-orm's modules by their file layout instead (every subpath is `<sub>.js` or
 * `<sub>/index.js`, all ES modules), so that package.json is never consulted. Registered first thing in
 * every process and thread that loads the application (`node --import ./api/lib/module-hooks.ts`).
 */
import { existsSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = pathToFileURL(fileURLToPath(import.meta.resolve('drizzle-orm')).replace(/index\.js$/, '')).href;
const PACKAGE = /^drizzle-orm(\/.*)?$/;

function fileOf(sub: string) {
	for (const candidate of [`${sub}.js`, `${sub}/index.js`]) {
		const url = new URL(candidate, root);
		if (existsSync(url)) return url.href;
	}
	return null;
}

registerHooks({
	resolve(specifier, context, nextResolve) {
		const bare = PACKAGE.exec(specifier);
		const url = bare
			? fileOf(bare[1] ? bare[1].slice(1) : 'index')
			: specifier.startsWith('.') && context.parentURL?.startsWith(root)
				? new URL(specifier, context.parentURL).href
				: null;
		return url ? { url, format: 'module', shortCircuit: true } : nextResolve(specifier, context);
	},
	load(url, context, nextLoad) {
		return nextLoad(url, url.startsWith(root) ? { ...context, format: 'module' } : context);
	}
});
