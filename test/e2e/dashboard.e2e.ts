import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { signIn, signInPage } from './utils.ts';

type Tiles = {
	indicators: number;
	completedOnTime: number;
	completedLate: number;
	inProgress: number;
	red: number;
	yellow: number;
	dueWithin30: number;
	reports: { period: string; onTime: number; late: number; missing: number; rate: number | null };
};
type Summary = { day: string; today: string; tiles: Tiles };
type Ranking = {
	period: string;
	items: { unit: { id: number; name: string }; score: number; rank: number }[];
};
type Indicator = {
	id: number;
	completion: 'on_time' | 'late' | null;
	alerts: { unitId: number; light: 'red' | 'yellow' }[];
};

async function json<T>(request: APIRequestContext, url: string): Promise<T> {
	const res = await request.get(url);
	expect(res.status(), url).toBe(200);
	return (await res.json()) as T;
}

const TILE_KEYS = [
	'indicators',
	'completedOnTime',
	'completedLate',
	'inProgress',
	'red',
	'yellow',
	'dueWithin30'
] as const;

/** The tiles show exactly the API's figures for that day. */
async function expectTiles(page: Page, tiles: Tiles) {
	for (const key of TILE_KEYS) {
		await expect(page.locator(`[data-tile="${key}"] .tile-value`), key).toHaveText(String(tiles[key]));
	}
	const reports = page.locator('[data-tile="reports"]');
	await expect(reports.locator('[data-part="rate"]')).toHaveText(
		tiles.reports.rate === null ? '—' : `${tiles.reports.rate}%`
	);
	await expect(reports.locator('[data-part="onTime"] dd')).toHaveText(String(tiles.reports.onTime));
	await expect(reports.locator('[data-part="late"] dd')).toHaveText(String(tiles.reports.late));
	await expect(reports.locator('[data-part="missing"] dd')).toHaveText(String(tiles.reports.missing));
}

test.describe('督查看板', () => {
	test('the office picks an earlier day and the tiles follow the API for that day', async ({ page }) => {
		await signIn(page.context(), 'office');
		const request = page.context().request;
		const now = await json<Summary>(request, '/api/v1/dashboard/summary');
		const before = await json<Summary>(request, '/api/v1/dashboard/summary?asOf=2020-09-30');
		// The demo history makes the two days differ (more red lights after the 30 September deadlines).
		expect(TILE_KEYS.some((k) => now.tiles[k] !== before.tiles[k])).toBe(true);

		await page.goto('/dashboard');
		await expect(page.getByRole('heading', { level: 1, name: '督查看板' })).toBeVisible();
		await expectTiles(page, now.tiles);
		await expect(page.getByText(`数据截至 ${now.day}`)).toBeVisible();

		await page.getByLabel('统计日期').fill('2020-09-30');
		await expect(page).toHaveURL(/[?&]date=2020-09-30(&|$)/);
		await expect(page.getByText('数据截至 2020-09-30')).toBeVisible();
		await expectTiles(page, before.tiles);
		await expect(page.getByText('历史回看')).toBeVisible();

		// The day survives a reload (it is in the URL), and a later day cannot be picked.
		await page.reload();
		await expectTiles(page, before.tiles);
		await expect(page.getByLabel('统计日期')).toHaveAttribute('max', now.today);

		// The charts' numbers are also available as tables.
		const sections = page.locator('section[aria-labelledby="sec-title"]');
		await sections.getByRole('button', { name: '数据表' }).click();
		await expect(sections.locator('table tbody tr').first()).toBeVisible();
		const trend = page.locator('section[aria-labelledby="trend-title"]');
		await trend.getByRole('button', { name: '数据表' }).click();
		await expect(trend.locator('table tbody tr').last()).toContainText('2020-09-30');
	});

	test('clicking the worst unit of the ranking lands on that unit’s red indicators', async ({ page }) => {
		await signIn(page.context(), 'office');
		const request = page.context().request;
		const summary = await json<Summary>(request, '/api/v1/dashboard/summary');
		const ranking = await json<Ranking>(
			request,
			`/api/v1/dashboard/ranking?period=${summary.tiles.reports.period}`
		);
		const worst = ranking.items.at(-1)!;
		expect(worst.score).toBeLessThan(ranking.items[0]!.score);
		const { items } = await json<{ items: Indicator[] }>(
			request,
			`/api/v1/indicators?unitId=${worst.unit.id}&pageSize=500`
		);
		const red = items
			.filter((i) => !i.completion && i.alerts.some((a) => a.unitId === worst.unit.id && a.light === 'red'))
			.map((i) => i.id)
			.sort((a, b) => a - b);

		await page.goto('/dashboard');
		const card = page.getByTestId('ranking');
		await expect(card.getByTestId('weights')).toContainText('满分 100 分');
		await card.getByRole('button', { name: '从低到高' }).click();
		const row = card.locator('tbody tr[data-unit-id]').first();
		await expect(row).toHaveAttribute('data-unit-id', String(worst.unit.id));
		await row.getByRole('link', { name: worst.unit.name }).click();

		await expect(page).toHaveURL(new RegExp(`/unit-dashboard\\?unitId=${worst.unit.id}&light=red$`));
		await expect(page.getByRole('heading', { level: 1 })).toContainText(worst.unit.name);
		const list = page.getByTestId('unit-items');
		await expect(list.getByRole('button', { name: /红灯/ })).toHaveAttribute('aria-pressed', 'true');
		if (red.length === 0) {
			await expect(list.getByText('本单位目前没有红灯指标')).toBeVisible();
		} else {
			const rows = list.locator('tr[data-indicator-id]');
			await expect(rows).toHaveCount(red.length);
			const shown = (await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.dataset.indicatorId)))).sort(
				(a, b) => a - b
			);
			expect(shown).toEqual(red);
			for (const light of await rows.evaluateAll((trs) => trs.map((tr) => tr.dataset.light)))
				expect(light).toBe('red');
		}
		// The unit's score on its dashboard is the one in the ranking.
		await expect(page.getByTestId('unit-score')).toContainText(String(worst.score));
	});

	test('the red list pages and sorts by due date; each row opens its indicator', async ({ page }) => {
		await signInPage(page, 'office', '/dashboard');
		const request = page.context().request;
		const asc = await json<{ total: number; items: { id: number; dueOn: string }[] }>(
			request,
			'/api/v1/dashboard/list?kind=red&sort=due&page=1&pageSize=10'
		);
		const desc = await json<{ items: { id: number }[] }>(
			request,
			'/api/v1/dashboard/list?kind=red&sort=-due&page=1&pageSize=10'
		);
		const list = page.getByTestId('due-list');
		const rows = list.locator('tbody tr[data-indicator-id]');
		await expect(rows).toHaveCount(Math.min(10, asc.total));
		await expect(rows.first()).toHaveAttribute('data-indicator-id', String(asc.items[0]!.id));

		await list.getByRole('button', { name: /完成时间/ }).click();
		await expect(page).toHaveURL(/[?&]sort=-due/);
		await expect(rows.first()).toHaveAttribute('data-indicator-id', String(desc.items[0]!.id));

		if (asc.total > 10) {
			await list.getByRole('button', { name: '下一页' }).click();
			await expect(page).toHaveURL(/[?&]page=2/);
			await expect(rows).toHaveCount(Math.min(10, asc.total - 10));
		}
		const first = rows.first();
		const id = await first.getAttribute('data-indicator-id');
		await first.getByRole('link').first().click();
		await expect(page).toHaveURL(new RegExp(`/indicators/${id}$`));
	});

	test('a leader lands on the dashboard; a unit reporter may not open it', async ({ page, browser }) => {
		await signInPage(page, 'leader', '/');
		await expect(page).toHaveURL(/\/dashboard$/);
		await expect(page.locator('[data-tile="indicators"] .tile-value')).toHaveText(/^\d+$/);
		// Leaders read; the plan is still one click away.
		await page.getByRole('link', { name: '计划总览' }).click();
		await expect(page).toHaveURL(/\/plans\/\d+$/);

		const unit = await browser.newContext();
		await signIn(unit, 'dsj');
		const unitPage = await unit.newPage();
		await unitPage.goto('/dashboard');
		await expect(unitPage.getByRole('heading', { name: '无权访问此页面' })).toBeVisible();
		expect((await unit.request.get('/api/v1/dashboard/summary')).status()).toBe(403);
		// Their own dashboard instead: lights, deadlines, report history, score, notices.
		await unitPage.goto('/unit-dashboard');
		await expect(unitPage.getByRole('heading', { level: 1 })).toContainText('省大数据局');
		await expect(unitPage.getByTestId('unit-items').locator('tr[data-indicator-id]').first()).toBeVisible();
		await expect(unitPage.getByRole('heading', { name: '近 12 个月月报' })).toBeVisible();
		await expect(unitPage.getByRole('heading', { name: '截止日期' })).toBeVisible();
		await unit.close();
	});
});
