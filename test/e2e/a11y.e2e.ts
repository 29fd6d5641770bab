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

// Generous waits: the first page of a role may take a while on a busy machine.
const heading = (page: Page) =>
	expect(page.getByRole('heading', { level: 1 }).first()).toBeVisible({ timeout: 30_000 });
const rows = (selector: string) => async (page: Page) => {
	await expect(page.locator(selector).first()).toBeVisible({ timeout: 30_000 });
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

type Ids = Awaited<ReturnType<typeof idsFor>>;
type Check = { path: string | ((ids: Ids) => string); ready: (page: Page) => Promise<void> };

/** One page for one user at one size: a test of its own, so a slow page never hides the others. */
async function auditOne(browser: Browser, user: string | null, options: object, check: Check) {
	const context = await browser.newContext({ ...options, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
	if (user) await signIn(context, user);
	const path = typeof check.path === 'string' ? check.path : check.path(await idsFor(context));
	const found = await audit(await context.newPage(), path, check.ready);
	await context.close();
	expect(found, found.join('\n')).toEqual([]);
}

const plan = (ids: Ids) => `/plans/${ids.plan}`;
const indicator = (ids: Ids) => `/indicators/${ids.indicator}`;
const UNIT_PAGES: Check[] = [
	{ path: '/workspace', ready: rows('article[data-indicator-id]') },
	{ path: '/my', ready: rows('tr[data-indicator-id]') },
	{ path: '/unit-dashboard', ready: heading },
	{ path: plan, ready: rows('tr[data-indicator-id]') },
	{ path: indicator, ready: heading },
	{ path: '/requests', ready: heading },
	{ path: '/notices', ready: heading },
	{ path: '/milestones', ready: rows('tr[data-indicator-id]') },
	{ path: '/bulletins', ready: heading },
	{ path: '/notifications', ready: heading },
	{ path: '/account', ready: heading }
];
const openFirstReport: Check = {
	path: '/review',
	ready: async (page) => {
		await page.locator('tr[data-report-id]').first().getByRole('link').click();
		await expect(page.locator('article[data-indicator-id]').first()).toBeVisible({ timeout: 30_000 });
	}
};
const SUITES: { user: string | null; size: 'desktop' | 'phone'; pages: Check[] }[] = [
	{ user: null, size: 'desktop', pages: [{ path: '/login', ready: heading }] },
	{ user: null, size: 'phone', pages: [{ path: '/login', ready: heading }] },
	{ user: 'dsj', size: 'desktop', pages: UNIT_PAGES },
	{ user: 'dsj', size: 'phone', pages: UNIT_PAGES },
	{
		user: 'office',
		size: 'desktop',
		pages: [
			{ path: plan, ready: rows('tr[data-indicator-id]') },
			{ path: indicator, ready: heading },
			{ path: '/dashboard', ready: heading },
			{ path: '/unit-dashboard', ready: heading },
			{ path: '/review', ready: rows('tr[data-report-id]') },
			openFirstReport,
			{ path: '/review?status=accepted', ready: rows('tr[data-report-id]') },
			{ path: '/requests?status=all', ready: rows('tr[data-request-id]') },
			{ path: '/notices', ready: rows('[data-notice-id]') },
			{ path: '/milestones', ready: rows('[data-plan-id]') },
			{ path: '/bulletins', ready: heading },
			{ path: '/import', ready: heading },
			{ path: '/pending', ready: heading },
			{ path: '/notifications', ready: heading },
			{ path: '/account', ready: heading }
		]
	},
	{
		user: 'leader',
		size: 'desktop',
		pages: [
			{ path: '/dashboard', ready: heading },
			{ path: plan, ready: rows('tr[data-indicator-id]') },
			{ path: indicator, ready: heading },
			{ path: '/review', ready: heading },
			{ path: '/bulletins', ready: heading },
			{ path: '/notifications', ready: heading }
		]
	},
	{
		user: 'admin',
		size: 'desktop',
		pages: [
			{ path: '/users', ready: heading },
			{ path: '/mail', ready: rows('tr[data-mail-id]') },
			{ path: '/account', ready: heading }
		]
	},
	{
		user: 'secadmin',
		size: 'desktop',
		pages: [
			{ path: '/security', ready: heading },
			{ path: '/account', ready: heading }
		]
	},
	{
		user: 'auditor',
		size: 'desktop',
		pages: [
			{ path: '/audit', ready: heading },
			{ path: '/account', ready: heading }
		]
	}
];

test.describe('axe: WCAG 2.1 A/AA', () => {
	test.describe.configure({ timeout: 120_000 });
	for (const suite of SUITES)
		for (const [n, check] of suite.pages.entries()) {
			const where = typeof check.path === 'string' ? check.path : check.path({ plan: 0, indicator: 0 });
			const name = `${suite.user ?? 'signed out'} ${suite.size === 'phone' ? '390 px phone' : '1440 px'} ${where.replace(/\/0$/, '/:id')}${check === openFirstReport ? ' → first report' : ''} #${n + 1}`;
			test(name, async ({ browser }) => {
				await auditOne(browser, suite.user, suite.size === 'phone' ? PHONE : DESKTOP, check);
			});
		}
});
