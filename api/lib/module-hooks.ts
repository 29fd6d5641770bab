/**
 * drizzle-orm ships a 179 KB package.json (its exports map), and Node's ESM loader reads it again for
 * every one of the package's ~450 modules it resolves: about 85 MB of memory a process never gets back.
 * These hooks resolve drizzle-orm's modules by their file layout instead (every subpath is `<sub>.js` or
 * `<sub>/index.js`, all ES modules), so that package.json is never consulted. Registered first thing in
 * every process and thread that loads the application (`node --import ./api/lib/module-hooks.ts`).
 */
import { existsSync } from 'node:fs';
import { enableCompileCache, flushCompileCache, registerHooks } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

// Node's compile cache keeps the stripped TypeScript (and V8's compiled code) on disk, keyed by content:
// a process whose sources are all in it never loads Node's TypeScript stripper, a WebAssembly module of
// about 20 MB resident a process, and starts sooner. Set in the environment, so that the web and job
// processes and worker threads started from here find it from their first module on.
const cache = enableCompileCache();
if (cache.directory) process.env.NODE_COMPILE_CACHE ??= cache.directory;

/** Writes what this process compiled to the cache now (Node writes it only at exit): once it has started. */
export const keepCompiled = () => flushCompileCache();

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
