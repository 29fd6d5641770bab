import { mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { selectBuild } from '../scripts/build-select.ts';

/** npm start's build selection on a small checkout: a build function that writes a page and counts calls. */
describe('npm start: build only when the front end changed, never over a running server', () => {
	let root: string;
	let builds: string[];
	const fakeBuild = (outDir: string) => {
		builds.push(outDir);
		mkdirSync(join(outDir, '_app'), { recursive: true });
		writeFileSync(
			join(outDir, 'index.html'),
			`<html>${readFileSync(join(root, 'web/src/app.html'), 'utf8')}</html>`
		);
		writeFileSync(join(outDir, '_app/start.js'), 'export {}');
	};

	beforeEach(() => {
		root = mkdtempSync(join(tmpdir(), 'duban-start-'));
		mkdirSync(join(root, 'web/src'), { recursive: true });
		writeFileSync(join(root, 'web/src/app.html'), 'v1');
		writeFileSync(join(root, 'vite.config.ts'), 'export default {}');
		writeFileSync(join(root, 'package-lock.json'), '{}');
		builds = [];
	});
	afterEach(() => rmSync(root, { recursive: true, force: true }));

	it('builds on the first start and reuses that build on the second', () => {
		const first = selectBuild(root, fakeBuild);
		expect(first.built).toBe(true);
		expect(readFileSync(join(first.dir, 'index.html'), 'utf8')).toContain('v1');
		const second = selectBuild(root, fakeBuild);
		expect(second).toEqual({ dir: first.dir, built: false });
		expect(builds).toHaveLength(1);
		expect(readlinkSync(join(root, 'builds/current'))).toBe(first.dir.split('/').at(-1));
	});

	it('a source change builds a new folder and leaves the served one untouched', () => {
		const served = selectBuild(root, fakeBuild).dir;
		const before = statSync(join(served, 'index.html')).mtimeMs;
		writeFileSync(join(root, 'web/src/app.html'), 'v2');
		const next = selectBuild(root, fakeBuild);
		expect(next.built).toBe(true);
		expect(next.dir).not.toBe(served);
		expect(readFileSync(join(next.dir, 'index.html'), 'utf8')).toContain('v2');
		// The running server's files are exactly as they were.
		expect(readFileSync(join(served, 'index.html'), 'utf8')).toContain('v1');
		expect(statSync(join(served, 'index.html')).mtimeMs).toBe(before);
		expect(readlinkSync(join(root, 'builds/current'))).toBe(next.dir.split('/').at(-1));
		// Going back to the old sources reuses the old build instead of building again.
		writeFileSync(join(root, 'web/src/app.html'), 'v1');
		expect(selectBuild(root, fakeBuild)).toEqual({ dir: served, built: false });
		expect(builds).toHaveLength(2);
	});

	it('the lock file and the dependencies count as sources', () => {
		selectBuild(root, fakeBuild);
		writeFileSync(join(root, 'package-lock.json'), '{"lockfileVersion":3}');
		expect(selectBuild(root, fakeBuild).built).toBe(true);
	});

	it('a failed build leaves no folder that a later start would take for complete', () => {
		expect(() =>
			selectBuild(root, () => {
				throw new Error('vite build failed');
			})
		).toThrow('vite build failed');
		const retry = selectBuild(root, fakeBuild);
		expect(retry.built).toBe(true);
		expect(builds).toHaveLength(1);
	});
});
