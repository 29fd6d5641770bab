import { expect, test, type Browser } from '@playwright/test';
import { gzipSync } from 'node:zlib';
import { signIn } from './utils.ts';

/**
 * The dashboard's weight and speed, as a first visit sees them (fresh browser context, empty cache):
 * - JavaScript: every .js response of the navigation, gzipped here (the server sends them plain), up
 *   to the charts being drawn — so the lazily loaded chart engine counts too;
 * - time to numbers: from the start of navigation to the frame after the headline tiles show their
 *   figures, measured in the page (performance.now()); the median of three visits, after one visit
 *   that only warms the server (its first requests pay for the server's own start-up).
 */
/**
 * 250 KB until the dashboard's tables moved onto the app's one DataTable (2026-12: 254.6 KB measured, the
 * shared table, pager and empty state now in the dashboard's bundle); the chart engine is ~156 KB of it.
 */
const JS_BUDGET_KB = 260;
/**
 * On this 2-core machine (2026-12) the code of the previous release measures 1.63 s fastest and this one
 * 1.54 s; the dashboard API itself answers in about 20 ms. The gate sits above that with room for a busy
 * CI run, and a real regression (every visit slow) still fails it.
 */
const NUMBERS_BUDGET_MS = 2000;

async function visit(browser: Browser) {
	const context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'zh-CN' });
	await signIn(context, 'office');
	await context.addInitScript(() => {
		const w = window as unknown as { __numbersAt?: number };
		new MutationObserver((_, observer) => {
			const value = document.querySelector('[data-tile="indicators"] .tile-value');
			if (value && /\d/.test(value.textContent ?? '')) {
				observer.disconnect();
				requestAnimationFrame(() => (w.__numbersAt = performance.now()));
			}
		}).observe(document, { subtree: true, childList: true, characterData: true });
	});
	const page = await context.newPage();
	const js: Promise<number>[] = [];
	page.on('response', (res) => {
		if (new URL(res.url()).pathname.endsWith('.js'))
			js.push(
				res.body().then(
					(body) => gzipSync(body, { level: 9 }).length,
					() => 0
				)
			);
	});
	await page.goto('/dashboard');
	await expect(page.locator('[data-tile="indicators"] .tile-value')).toHaveText(/^\d+$/);
	// The charts are drawn once the engine has arrived.
	await expect(page.locator('section[aria-labelledby="sec-title"] canvas')).toHaveCount(1);
	await expect(page.locator('section[aria-labelledby="trend-title"] canvas')).toHaveCount(1);
	await page.waitForLoadState('networkidle');
	const numbersMs = await page.evaluate(
		() => (window as unknown as { __numbersAt?: number }).__numbersAt ?? NaN
	);
	const sizes = await Promise.all(js);
	await context.close();
	return { numbersMs, jsGzipKb: sizes.reduce((a, b) => a + b, 0) / 1024, files: sizes.length };
}

test('dashboard JavaScript and time to numbers stay within budget', async ({ browser }) => {
	test.setTimeout(90_000);
	await visit(browser);
	const runs = [];
	for (let i = 0; i < 3; i++) runs.push(await visit(browser));
	const numbers = runs.map((r) => r.numbersMs).sort((a, b) => a - b);
	const median = numbers[1]!;
	const js = Math.max(...runs.map((r) => r.jsGzipKb));
	console.log(
		`dashboard_js_gzip_kb=${js.toFixed(1)} dashboard_numbers_ms=${Math.round(median)} ` +
			`(js files=${runs[0]!.files}; numbers ms per visit=${runs.map((r) => Math.round(r.numbersMs)).join(',')})`
	);
	expect(js).toBeLessThanOrEqual(JS_BUDGET_KB);
	// The median is the figure reported; the gate is the fastest visit, so that a busy CI machine
	// does not fail the build while a real regression (every visit slow) still does.
	expect(numbers[0]!).toBeLessThanOrEqual(NUMBERS_BUDGET_MS);
});
