import { expect, test, type Browser } from '@playwright/test';
import { signIn, taskTableXlsx, unique } from './utils.ts';

/** Full-page screenshots of the main screens at the two desktop sizes the offices use. */
const SIZES = [
	{ width: 1440, height: 900 },
	{ width: 1920, height: 1080 }
];
const DIR = 'test-results/screens';

async function contextFor(browser: Browser, size: { width: number; height: number }, user?: string) {
	const context = await browser.newContext({ viewport: size, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
	if (user) await signIn(context, user);
	return context;
}

for (const size of SIZES) {
	test(`screens at ${size.width}×${size.height}`, async ({ browser }) => {
		test.setTimeout(60_000);
		const shot = (name: string) => `${DIR}/${name}-${size.width}.png`;

		// Login
		const anonymous = await contextFor(browser, size);
		const login = await anonymous.newPage();
		await login.goto('/login');
		await expect(login.getByRole('heading', { name: '督办系统登录' })).toBeVisible();
		await login.screenshot({ path: shot('login'), fullPage: true });
		await anonymous.close();

		// Plan, indicator and import as the office
		const office = await contextFor(browser, size, 'office');
		const page = await office.newPage();
		const plans = (await (await office.request.get('/api/v1/plans')).json()) as {
			items: { id: number; year: number; title: string }[];
		};
		const plan = plans.items.find((p) => p.year === 2020 && p.title.includes('最多跑一次'))!;
		await page.goto(`/plans/${plan.id}`);
		await expect(page.locator('tr[data-indicator-id]').first()).toBeVisible();
		await page.screenshot({ path: shot('plan'), fullPage: true });

		const { items } = (await (
			await office.request.get(
				`/api/v1/indicators?planId=${plan.id}&q=%E6%B5%99%E9%87%8C%E5%8A%9E&pageSize=1`
			)
		).json()) as { items: { id: number }[] };
		const fallback = (await (await office.request.get('/api/v1/indicators?pageSize=1')).json()) as {
			items: { id: number }[];
		};
		await page.goto(`/indicators/${(items[0] ?? fallback.items[0])!.id}`);
		await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
		await page.screenshot({ path: shot('indicator'), fullPage: true });

		await page.goto('/import');
		await page.getByLabel('新建计划').check();
		await page.getByLabel('计划名称').fill(unique('截图用计划'));
		await page.getByLabel('年度').fill('2020');
		const task = unique('截图任务');
		await page.getByLabel('分工表文件').setInputFiles({
			name: '分工表.xlsx',
			mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
			buffer: await taskTableXlsx([
				['数字政府', task, '新增开放数据集1500个', '2020年6月底前', '省大数据局、各设区市政府'],
				['数字政府', task, '完善工作机制', '尽快', '省大数据局'],
				['数字政府', `${task}二`, '推进系统建设', '2020年12月底前', '省市场监督局、省大数据局']
			])
		});
		await page.getByRole('button', { name: '预览' }).click();
		await expect(page.getByRole('heading', { name: '校验结果' })).toBeVisible();
		await page.screenshot({ path: shot('import'), fullPage: true });
		await office.close();

		// My unit as a unit reporter
		const unit = await contextFor(browser, size, 'dsj');
		const my = await unit.newPage();
		await my.goto('/my');
		await expect(my.locator('tr[data-indicator-id]').first()).toBeVisible();
		await my.screenshot({ path: shot('my-unit'), fullPage: true });
		await unit.close();
	});
}
