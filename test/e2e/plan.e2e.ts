import { expect, test, type APIRequestContext } from '@playwright/test';
import { signIn, signInPage } from './utils.ts';

type Unit = { id: number; name: string };
type Indicator = {
	id: number;
	task: { id: number };
	leadUnits: Unit[];
	coUnits: Unit[];
};
type Page = { items: Indicator[]; total: number };

async function json<T>(request: APIRequestContext, url: string): Promise<T> {
	const res = await request.get(url);
	expect(res.status(), url).toBe(200);
	return (await res.json()) as T;
}

async function plan2020(request: APIRequestContext) {
	const { items } = await json<{ items: { id: number; year: number; title: string }[] }>(
		request,
		'/api/v1/plans'
	);
	const plan = items.find((p) => p.year === 2020 && p.title.includes('最多跑一次'));
	expect(plan, 'the 2020 plan').toBeTruthy();
	return plan!;
}

async function unitNamed(request: APIRequestContext, name: string) {
	const { items } = await json<{ items: Unit[] }>(request, '/api/v1/units');
	const unit = items.find((u) => u.name === name);
	expect(unit, name).toBeTruthy();
	return unit!;
}

test.describe('计划总览', () => {
	test('the office filters the plan by 省大数据局 and sees only its indicators', async ({ page }) => {
		await signIn(page.context(), 'office');
		const request = page.context().request;
		const plan = await plan2020(request);
		const dsj = await unitNamed(request, '省大数据局');
		const expected = await json<Page>(
			request,
			`/api/v1/indicators?planId=${plan.id}&unitId=${dsj.id}&pageSize=500`
		);
		const tasks = new Set(expected.items.map((i) => i.task.id)).size;
		expect(expected.total).toBeGreaterThan(0);

		await page.goto(`/plans/${plan.id}`);
		const all = await json<Page>(request, `/api/v1/indicators?planId=${plan.id}&pageSize=1`);
		await expect(page.getByText(`共 ${all.total} 项指标`)).toBeVisible();

		const unitFilter = page.getByRole('combobox', { name: '责任单位' });
		await unitFilter.fill('大数据');
		await page.getByRole('option', { name: /^省大数据局/ }).click();

		await expect(page).toHaveURL(new RegExp(`[?&]unit=${dsj.id}(&|$)`));
		await expect(page.getByText(`共 ${expected.total} 项指标 / ${tasks} 项任务`)).toBeVisible();
		const rows = page.locator('tr[data-indicator-id]');
		await expect(rows).toHaveCount(expected.total);
		for (const row of await rows.all()) await expect(row).toContainText('省大数据局');

		// The filtered view is shareable: the same URL shows the same rows after a reload.
		await page.reload();
		await expect(rows).toHaveCount(expected.total);
		await expect(unitFilter).toHaveValue('省大数据局');
	});

	test('month, unresolved and text filters are reflected in the URL and match the API', async ({ page }) => {
		await signIn(page.context(), 'office');
		const request = page.context().request;
		const plan = await plan2020(request);
		const june = await json<Page>(
			request,
			`/api/v1/indicators?planId=${plan.id}&dueFrom=2020-06-01&dueTo=2020-06-30&pageSize=500`
		);
		const unresolved = await json<Page>(
			request,
			`/api/v1/indicators?planId=${plan.id}&unresolved=1&pageSize=500`
		);

		await page.goto(`/plans/${plan.id}`);
		await page.getByLabel('完成月份').selectOption('2020-06');
		await expect(page).toHaveURL(/month=2020-06/);
		await expect(page.locator('tr[data-indicator-id]')).toHaveCount(june.total);

		await page.getByLabel('完成月份').selectOption('');
		await page.getByLabel('仅看单位待明确').check();
		await expect(page).toHaveURL(/unresolved=1/);
		if (unresolved.total) {
			await expect(page.locator('tr[data-indicator-id]')).toHaveCount(unresolved.total);
			await expect(page.locator('tr[data-indicator-id]').first()).toContainText('待明确');
		} else {
			await expect(page.getByText('没有符合条件的指标')).toBeVisible();
		}

		await page.getByRole('search').getByRole('button', { name: '清空筛选' }).click();
		await page.getByRole('searchbox', { name: '关键词' }).fill('浙政钉');
		await expect(page).toHaveURL(/q=%E6%B5%99%E6%94%BF%E9%92%89/);
		const rows = page.locator('tr[data-indicator-id]');
		await expect(rows.first()).toBeVisible();
		const q = await json<Page>(
			request,
			`/api/v1/indicators?planId=${plan.id}&q=${encodeURIComponent('浙政钉')}`
		);
		await expect(rows).toHaveCount(q.total);

		await page.getByRole('searchbox', { name: '关键词' }).fill('没有这样的指标文字');
		await expect(page.getByText('没有符合条件的指标')).toBeVisible();
	});

	test('a unit user sees only its unit’s assignments on /my, lead and co apart', async ({
		page,
		browser
	}) => {
		const office = await browser.newContext();
		await signIn(office, 'office');
		const dsj = await unitNamed(office.request, '省大数据局');
		const lead = await json<Page>(
			office.request,
			`/api/v1/indicators?unitId=${dsj.id}&role=lead&pageSize=500`
		);
		const co = await json<Page>(office.request, `/api/v1/indicators?unitId=${dsj.id}&role=co&pageSize=500`);
		const everything = await json<Page>(office.request, `/api/v1/indicators?pageSize=500`);
		const foreign = everything.items.find(
			(i) => ![...i.leadUnits, ...i.coUnits].some((u) => u.id === dsj.id)
		);
		expect(foreign, 'an indicator without 省大数据局').toBeTruthy();
		await office.close();

		// “/” opens a unit reporter's workspace; its tasks are one click away.
		await signInPage(page, 'dsj', '/');
		await expect(page).toHaveURL(/\/workspace$/);
		await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '本单位任务' }).click();
		await expect(page).toHaveURL(/\/my$/);
		await expect(page.getByRole('banner')).toContainText('省大数据局');

		const leadPart = page.getByRole('region', { name: /^牵头任务/ });
		const coPart = page.getByRole('region', { name: /^配合任务/ });
		await expect(leadPart.locator('tr[data-indicator-id]')).toHaveCount(lead.total);
		await expect(coPart.locator('tr[data-indicator-id]')).toHaveCount(co.total);
		const ids = async (part: typeof leadPart) =>
			(
				await part
					.locator('tr[data-indicator-id]')
					.evaluateAll((rows) => rows.map((r) => Number(r.dataset.indicatorId)))
			).sort((a, b) => a - b);
		expect(await ids(leadPart)).toEqual(lead.items.map((i) => i.id).sort((a, b) => a - b));
		expect(await ids(coPart)).toEqual(co.items.map((i) => i.id).sort((a, b) => a - b));
		// Every row tells how far its deadline is (or that it is done, monthly or undated).
		const timeLeft = /逾期 \d+ 天|剩 \d+ 天|今日到期|已完成|每月|无截止日期/;
		await expect(leadPart.locator('tr[data-indicator-id]').filter({ hasText: timeLeft })).toHaveCount(
			lead.total
		);
		await expect(coPart.locator('tr[data-indicator-id]').filter({ hasText: timeLeft })).toHaveCount(co.total);

		await page.goto(`/indicators/${foreign!.id}`);
		await expect(page.getByRole('heading', { level: 1 })).toContainText('不存在或无权查看');
	});

	test('an unknown plan or page shows the not-found page', async ({ page }) => {
		await signInPage(page, 'leader', '/plans/999999');
		await expect(page.getByRole('heading', { level: 1 })).toContainText('不存在或无权查看');
		await page.goto('/no/such/page');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('页面不存在');
	});
});
