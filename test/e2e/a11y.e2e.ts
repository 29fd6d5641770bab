import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { signIn } from './utils.ts';

/**
 * axe-core with the WCAG 2.1 A and AA rules on every page, for every role, at 1440 px, and on the unit's
 * pages at 390 px with phone emulation. Any violation fails the test, listed with its rule and elements.
 */
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const DESKTOP = { viewport: { width: 1440, height: 900 } };
const PHONE = {
	viewport: { width: 390, height: 844 },
	isMobile: true,
	hasTouch: true,
	deviceScaleFactor: 3
};

type Page_ = { path: string; ready: (page: Page) => Promise<void> };
const heading = (page: Page) => expect(page.getByRole('heading', { level: 1 }).first()).toBeVisible();
const rows = (selector: string) => async (page: Page) => {
	await expect(page.locator(selector).first()).toBeVisible();
};

async function idsFor(context: BrowserContext) {
	const get = async <T>(url: string) => (await (await context.request.get(url)).json()) as T;
	const plan = (await get<{ items: { id: number; year: number }[] }>('/api/v1/plans')).items.find(
		(p) => p.year === 2020
	)!.id;
	const indicator = (await get<{ items: { id: number }[] }>(`/api/v1/indicators?planId=${plan}&pageSize=1`))
		.items[0]!.id;
	return { plan, indicator };
}

/** Runs axe on the page once it is ready; returns one line per violation for the failure message. */
async function audit(page: Page, path: string, ready: (page: Page) => Promise<void>) {
	await page.goto(path);
	await ready(page);
	// Let fonts, late panels and transitions settle so colours are measured as the user sees them.
	await page.waitForLoadState('networkidle');
	await page.waitForTimeout(300);
	const result = await new AxeBuilder({ page }).withTags(TAGS).analyze();
	return result.violations.map((v) => {
		// One example element per distinct failure (e.g. per colour pair), so the message says what to fix.
		const byFailure = new Map<string, string>();
		for (const n of v.nodes) {
			const why = (n.failureSummary ?? '').split('\n').slice(1).join(' ').trim();
			if (!byFailure.has(why)) byFailure.set(why, n.target.join(' '));
		}
		const examples = [...byFailure].slice(0, 12).map(([why, target]) => `\n    ${target} — ${why}`);
		return `${path} · ${v.id} (${v.impact}) ×${v.nodes.length}:${examples.join('')}`;
	});
}

async function auditAll(browser: Browser, user: string | null, options: object, pages: (ids: Ids) => Page_[]) {
	const context = await browser.newContext({ ...options, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
	if (user) await signIn(context, user);
	const ids = user && !['admin', 'secadmin', 'auditor'].includes(user) ? await idsFor(context) : null;
	const page = await context.newPage();
	const found: string[] = [];
	for (const p of pages(ids!)) found.push(...(await audit(page, p.path, p.ready)));
	await context.close();
	expect(found, found.join('\n')).toEqual([]);
}
type Ids = Awaited<ReturnType<typeof idsFor>>;

const unitPages = (ids: Ids): Page_[] => [
	{ path: '/workspace', ready: rows('article[data-indicator-id]') },
	{ path: '/my', ready: rows('tr[data-indicator-id]') },
	{ path: '/unit-dashboard', ready: heading },
	{ path: `/plans/${ids.plan}`, ready: rows('tr[data-indicator-id]') },
	{ path: `/indicators/${ids.indicator}`, ready: heading },
	{ path: '/requests', ready: heading },
	{ path: '/notices', ready: heading },
	{ path: '/bulletins', ready: heading },
	{ path: '/notifications', ready: heading },
	{ path: '/account', ready: heading }
];

test.describe('axe: WCAG 2.1 A/AA', () => {
	test.describe.configure({ timeout: 240_000 });

	test('sign-in page at 1440 and 390', async ({ browser }) => {
		await auditAll(browser, null, DESKTOP, () => [{ path: '/login', ready: heading }]);
		await auditAll(browser, null, PHONE, () => [{ path: '/login', ready: heading }]);
	});

	test('unit reporter (dsj) at 1440', async ({ browser }) => {
		await auditAll(browser, 'dsj', DESKTOP, unitPages);
	});

	test('unit reporter (dsj) at 390 on a phone', async ({ browser }) => {
		await auditAll(browser, 'dsj', PHONE, unitPages);
	});

	test('office at 1440', async ({ browser }) => {
		await auditAll(browser, 'office', DESKTOP, (ids) => [
			{ path: `/plans/${ids.plan}`, ready: rows('tr[data-indicator-id]') },
			{ path: `/indicators/${ids.indicator}`, ready: heading },
			{ path: '/dashboard', ready: heading },
			{ path: '/unit-dashboard', ready: heading },
			{ path: '/review', ready: rows('tr[data-report-id]') },
			{ path: '/review?status=accepted', ready: rows('tr[data-report-id]') },
			{ path: '/requests?status=all', ready: rows('tr[data-request-id]') },
			{ path: '/notices', ready: rows('tr[data-notice-id]') },
			{ path: '/bulletins', ready: heading },
			{ path: '/import', ready: heading },
			{ path: '/notifications', ready: heading },
			{ path: '/account', ready: heading }
		]);
	});

	test('office: one report under review', async ({ browser }) => {
		await auditAll(browser, 'office', DESKTOP, () => [
			{
				path: '/review',
				ready: async (page) => {
					await page.locator('tr[data-report-id]').first().getByRole('link').click();
					await expect(page.locator('article[data-indicator-id]').first()).toBeVisible();
				}
			}
		]);
	});

	test('leader at 1440', async ({ browser }) => {
		await auditAll(browser, 'leader', DESKTOP, (ids) => [
			{ path: '/dashboard', ready: heading },
			{ path: `/plans/${ids.plan}`, ready: rows('tr[data-indicator-id]') },
			{ path: `/indicators/${ids.indicator}`, ready: heading },
			{ path: '/review', ready: heading },
			{ path: '/bulletins', ready: heading },
			{ path: '/notifications', ready: heading }
		]);
	});

	test('administrators at 1440', async ({ browser }) => {
		await auditAll(browser, 'admin', DESKTOP, () => [
			{ path: '/users', ready: heading },
			{ path: '/mail', ready: rows('tr[data-mail-id]') },
			{ path: '/account', ready: heading }
		]);
		await auditAll(browser, 'secadmin', DESKTOP, () => [
			{ path: '/security', ready: heading },
			{ path: '/account', ready: heading }
		]);
		await auditAll(browser, 'auditor', DESKTOP, () => [
			{ path: '/audit', ready: heading },
			{ path: '/account', ready: heading }
		]);
	});
});
