// The browser's print view of an official document: OfficialDocument.svelte rendered on the server with
// a document, printed to PDF by Chromium (as a person's "print" does), so the same measurements apply.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compile } from 'svelte/compiler';
import { render } from 'svelte/server';
import type { OfficialDocument } from '../../web/src/lib/rules/doc-model.ts';

const root = new URL('../..', import.meta.url).pathname;

/** Writes the print of `doc` to `pdf`; `env` carries the check's fontconfig file. */
export async function printView(doc: OfficialDocument, pdf: string, env: NodeJS.ProcessEnv) {
	const source = join(root, 'web/src/lib/components/OfficialDocument.svelte');
	const { js } = compile(readFileSync(source, 'utf8'), {
		generate: 'server',
		css: 'injected',
		filename: source
	});
	// Inside the repository, so that `svelte` and `#lib/…` resolve as they do for the app.
	const build = join(root, 'reports/.docs-build');
	mkdirSync(build, { recursive: true });
	const module = join(build, 'OfficialDocument.server.js');
	writeFileSync(module, js.code);
	const { default: component } = await import(module);
	const { head, body } = render(component, { props: { doc } });
	const html = join(build, 'print.html');
	writeFileSync(
		html,
		`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">${head}<style>body{margin:0}</style></head><body>${body}</body></html>`
	);
	execFileSync(
		process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
		[
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--no-first-run',
			'--disable-background-networking',
			'--no-pdf-header-footer',
			`--print-to-pdf=${pdf}`,
			`file://${html}`
		],
		{ env, stdio: 'ignore', timeout: 60_000 }
	);
}
