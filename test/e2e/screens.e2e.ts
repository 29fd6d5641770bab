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
		test.setTimeout(150_000);
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

		// Review queue and one report, requests, urge notices (with the prefilled issue form)
		await page.goto('/review');
		await expect(page.locator('tr[data-report-id]').first()).toBeVisible();
		await page.screenshot({ path: shot('review-queue'), fullPage: true });
		await page.locator('tr[data-report-id]').first().getByRole('link').click();
		await expect(page.locator('article[data-indicator-id]').first()).toBeVisible();
		await page.locator('article[data-indicator-id]').first().getByLabel('退回此项').check();
		await page.screenshot({ path: shot('review-report'), fullPage: true });

		await page.goto('/review?status=accepted');
		await page.locator('tr[data-report-id]').first().getByRole('link').click();
		await page.getByRole('button', { name: '比较' }).click();
		await expect(page.getByRole('table', { name: /的差异/ })).toBeVisible();
		await page.screenshot({ path: shot('review-versions'), fullPage: false });

		await page.goto('/requests?status=all');
		await expect(page.locator('tr[data-request-id]').first()).toBeVisible();
		await page.screenshot({ path: shot('requests'), fullPage: true });

		const dsjId = (
			(await (await office.request.get('/api/v1/units')).json()) as { items: { id: number; name: string }[] }
		).items.find((u) => u.name === '省大数据局')!.id;
		const overdue = (
			(await (await office.request.get(`/api/v1/alerts?unitId=${dsjId}&light=red`)).json()) as {
				items: { indicator: { id: number } | null }[];
			}
		).items.find((a) => a.indicator)!.indicator!.id;
		await page.goto(`/notices?issue=1&unitId=${dsjId}&indicatorId=${overdue}&level=red`);
		await expect(page.locator('[data-notice-id]').first()).toBeVisible();
		await expect(page.getByRole('checkbox', { checked: true })).toHaveCount(1);
		await page.screenshot({ path: shot('notices'), fullPage: true });
		await office.close();

		// Mail log with one mail open, and the job runs, as the admin
		const admin = await contextFor(browser, size, 'admin');
		const mail = await admin.newPage();
		await mail.goto('/mail');
		await expect(mail.locator('tr[data-mail-id]').first()).toBeVisible();
		await mail.screenshot({ path: shot('mail'), fullPage: true });
		await mail.locator('tr[data-mail-id]').filter({ hasText: '督办提醒' }).first().getByRole('link').click();
		await expect(mail.locator('iframe[sandbox]')).toBeVisible();
		await mail.screenshot({ path: shot('mail-detail'), fullPage: true });
		await mail.getByRole('tab', { name: '任务运行记录' }).click();
		await expect(mail.getByRole('cell', { name: 'daily', exact: true }).first()).toBeVisible();
		await mail.screenshot({ path: shot('mail-jobs'), fullPage: true });
		await admin.close();

		// My unit as a unit reporter
		const unit = await contextFor(browser, size, 'dsj');
		const my = await unit.newPage();
		await my.goto('/my');
		await expect(my.locator('tr[data-indicator-id]').first()).toBeVisible();
		await my.screenshot({ path: shot('my-unit'), fullPage: true });

		// The unit's workspace (this month's report), the bell, and its urge notices
		await my.goto('/workspace');
		await expect(my.locator('article[data-indicator-id]').first()).toBeVisible();
		await expect(my.locator('tr').filter({ hasText: '2020年9月' }).first()).toBeVisible();
		await my.screenshot({ path: shot('workspace'), fullPage: true });
		await my.screenshot({ path: shot('workspace-top'), fullPage: false });
		await my.getByRole('button', { name: /^通知（/ }).click();
		await expect(my.getByRole('region', { name: '通知', exact: true })).toBeVisible();
		await my.screenshot({ path: shot('bell'), fullPage: false });
		await my.goto('/notices');
		await expect(my.locator('[data-notice-id]').first()).toBeVisible();
		await my.screenshot({ path: shot('notices-unit'), fullPage: true });
		await unit.close();
	});
}
