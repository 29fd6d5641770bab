import { expect, test, type Browser } from '@playwright/test';
import { signIn } from './utils.ts';

/** Screenshots of the supervision screens at the two desktop sizes the offices use. */
const SIZES = [
	{ width: 1440, height: 900 },
	{ width: 1920, height: 1080 }
];
const DIR = 'test-results/screens';

async function contextFor(browser: Browser, size: { width: number; height: number }, user: string) {
	const context = await browser.newContext({ viewport: size, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
	await signIn(context, user);
	return context;
}

for (const size of SIZES) {
	test(`dashboard, unit dashboard and bulletin at ${size.width}×${size.height}`, async ({ browser }) => {
		test.setTimeout(90_000);
		const shot = (name: string) => `${DIR}/${name}-${size.width}.png`;

		const office = await contextFor(browser, size, 'office');
		const page = await office.newPage();
		await page.goto('/dashboard');
		await expect(page.locator('[data-tile="indicators"] .tile-value')).toHaveText(/^\d+$/);
		await expect(page.locator('section[aria-labelledby="sec-title"] canvas')).toHaveCount(1);
		await expect(page.locator('section[aria-labelledby="trend-title"] canvas')).toHaveCount(1);
		await expect(page.getByTestId('ranking').locator('tbody tr').first()).toBeVisible();
		await expect(page.getByTestId('due-list').locator('tbody tr').first()).toBeVisible();
		await page.waitForLoadState('networkidle');
		await page.screenshot({ path: shot('dashboard'), fullPage: true });
		// The first screen as it opens (no scrolling).
		await page.screenshot({ path: shot('dashboard-fold') });

		const { items } = (await (await office.request.get('/api/v1/units')).json()) as {
			items: { id: number; name: string }[];
		};
		const dsj = items.find((u) => u.name === '省大数据局')!;
		await page.goto(`/unit-dashboard?unitId=${dsj.id}`);
		await expect(page.getByTestId('unit-items').locator('tr[data-indicator-id]').first()).toBeVisible();
		await page.screenshot({ path: shot('unit-dashboard'), fullPage: true });

		// A bulletin of its own: generated and published through the API.
		const created = await office.request.post('/api/v1/bulletins', {
			data: { period: '2020-09', week: null }
		});
		expect(created.status()).toBe(201);
		const { id } = (await created.json()) as { id: number };
		await page.goto(`/bulletins/${id}`);
		await expect(page.getByRole('heading', { name: /^[一二三四五六七八九十]+、存在问题$/ })).toBeVisible();
		await page.screenshot({ path: shot('bulletin-draft') });
		expect((await office.request.post(`/api/v1/bulletins/${id}/publish`)).status()).toBe(200);
		await page.goto('/bulletins');
		await expect(page.locator(`tr[data-bulletin-id="${id}"]`)).toBeVisible();
		await page.screenshot({ path: shot('bulletins') });
		await office.close();

		const unit = await contextFor(browser, size, 'dsj');
		const reader = await unit.newPage();
		await reader.goto(`/bulletins/${id}`);
		await expect(reader.getByTestId('bulletin-number')).toHaveText(/督查通报/);
		await reader.screenshot({ path: shot('bulletin'), fullPage: true });
		await reader.emulateMedia({ media: 'print' });
		await reader.screenshot({ path: shot('bulletin-print'), fullPage: true });
		await reader.emulateMedia({ media: 'screen' });
		await reader.goto('/unit-dashboard');
		await expect(reader.getByTestId('unit-items').locator('tr[data-indicator-id]').first()).toBeVisible();
		await reader.screenshot({ path: shot('unit-dashboard-unit'), fullPage: true });
		await unit.close();
	});
}
