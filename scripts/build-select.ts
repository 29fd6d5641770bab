// npm start's front-end build: reuse the build of the current sources, or build them into a new folder.
// A build never replaces files under a running server: each source hash gets its own folder
// builds/build-<hash>/, written under a temporary name and renamed into place when complete; the server is
// started with STATIC_DIR pointing at that folder, and builds/current (a symlink) names the latest one.
// Older builds are left in place (a server may still serve one); remove them when no server uses them.
// Usage: node scripts/build-select.ts  → prints the folder to serve (the build's own output goes to stderr).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
	closeSync,
	existsSync,
	mkdirSync,
	openSync,
	readdirSync,
	readFileSync,
	renameSync,
	rmSync,
	statSync,
	symlinkSync,
	writeFileSync
} from 'node:fs';
import { join, relative, resolve } from 'node:path';

/** What the front end is built from: a change to any of these makes a new build. */
export const SOURCES = ['web', 'vite.config.ts', 'package-lock.json', 'tsconfig.json'];
const MARK = '.source-hash';

function filesOf(root: string, path: string): string[] {
	const full = join(root, path);
	if (!existsSync(full)) return [];
	if (!statSync(full).isDirectory()) return [path];
	return readdirSync(full)
		.sort()
		.flatMap((name) => filesOf(root, join(path, name)));
}

/** SHA-256 over the sources' paths and contents, in a fixed order. */
export function sourceHash(root: string): string {
	const hash = createHash('sha256');
	for (const file of SOURCES.flatMap((s) => filesOf(root, s))) {
		hash.update(`${file}\0`);
		hash.update(readFileSync(join(root, file)));
		hash.update('\0');
	}
	return hash.digest('hex');
}

/** Holds builds/.lock while building, so two starts from one folder never build at the same time. */
function withLock<T>(dir: string, fn: () => T): T {
	const lock = join(dir, '.lock');
	const deadline = Date.now() + 15 * 60_000;
	for (;;) {
		try {
			const fd = openSync(lock, 'wx');
			writeFileSync(fd, String(process.pid));
			closeSync(fd);
			break;
		} catch {
			const owner = Number(readFileSync(lock, 'utf8') || 0);
			if (!owner || !alive(owner) || Date.now() > deadline) rmSync(lock, { force: true });
			else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
		}
	}
	try {
		return fn();
	} finally {
		rmSync(lock, { force: true });
	}
}

function alive(pid: number) {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

/**
 * Returns the build folder for the current sources, calling `build(outDir)` only when no complete build
 * of them exists. The new build goes to a temporary folder and is renamed into place; existing build
 * folders are never written to, so a server serving one keeps working.
 */
export function selectBuild(root: string, build: (outDir: string) => void): { dir: string; built: boolean } {
	const hash = sourceHash(root);
	const builds = join(root, 'builds');
	mkdirSync(builds, { recursive: true });
	const name = `build-${hash.slice(0, 16)}`;
	const dir = join(builds, name);
	const complete = () => existsSync(join(dir, MARK)) && readFileSync(join(dir, MARK), 'utf8') === hash;
	let built = false;
	withLock(builds, () => {
		if (complete()) return;
		const tmp = join(builds, `.tmp-${name}-${process.pid}`);
		rmSync(tmp, { recursive: true, force: true });
		build(tmp);
		if (!existsSync(join(tmp, 'index.html'))) throw new Error(`build wrote no index.html to ${tmp}`);
		writeFileSync(join(tmp, MARK), hash);
		// An incomplete folder of that name (a build killed before its mark) is replaced; it was never served.
		rmSync(dir, { recursive: true, force: true });
		renameSync(tmp, dir);
		built = true;
	});
	pointAt(builds, name);
	return { dir, built };
}

/** builds/current → the selected build, switched atomically (a new symlink renamed over the old one). */
function pointAt(builds: string, name: string) {
	const tmp = join(builds, `.current-${process.pid}`);
	rmSync(tmp, { force: true });
	symlinkSync(name, tmp);
	renameSync(tmp, join(builds, 'current'));
}

/** The real build: vite with the adapter's output folder set to `outDir` (vite.config.ts reads it). */
export function viteBuild(root: string) {
	return (outDir: string) => {
		const run = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], {
			cwd: root,
			env: { ...process.env, DUBAN_BUILD_OUT: relative(root, outDir) },
			stdio: ['ignore', 2, 2]
		});
		if (run.status !== 0) throw new Error(`vite build failed (exit ${run.status})`);
	};
}

if (import.meta.main) {
	const root = resolve(import.meta.dirname, '..');
	const { dir, built } = selectBuild(root, viteBuild(root));
	process.stderr.write(
		built ? `前端已构建：${relative(root, dir)}\n` : `前端未变，沿用 ${relative(root, dir)}\n`
	);
	process.stdout.write(`${dir}\n`);
}
