import { expect, test, type BrowserContext } from '@playwright/test';
import { createUnitUser, importPlan, signIn, unique } from './utils.ts';

const SHOTS = process.env.SHOTS_DIR;

/** A fresh unit with one overdue and one open indicator, its October report submitted. */
async function unitWithReport(browser: import('@playwright/test').Browser) {
	const unitName = unique('语言测试单位');
	const office = await browser.newContext();
	await signIn(office, 'office');
	const { indicators } = await importPlan(office.request, [
		['测试领域', unique('逾期任务'), '建成统一的电子证照库', '2020年9月底前', unitName],
		['测试领域', unique('进行任务'), '完善数据共享工作机制', '2020年12月底前', unitName]
	]);
	const overdue = indicators.find((i) => i.text.includes('电子证照'))!;
	const open = indicators.find((i) => i.text.includes('工作机制'))!;
	const admin = await browser.newContext();
	const username = await createUnitUser(admin.request, unitName);
	await admin.close();
	const unit = await browser.newContext();
	await signIn(unit, username);
	const items = [overdue, open].map((i) => ({
		indicatorId: i.id,
		progressStatus: 'on_track',
		progress: '本月按计划推进。'
	}));
	const sent = await unit.request.post('/api/v1/reports/mine/2020-10/submit', {
		data: { revision: null, items }
	});
	expect(sent.status(), await sent.text()).toBe(200);
	const reportId = ((await sent.json()) as { report: { id: number } }).report.id;
	return { unitName, office, unit, overdue, open, reportId };
}

const english = (context: BrowserContext) =>
	context.addInitScript(() => localStorage.setItem('duban.locale', 'en'));

test('in English: the returned report’s notification, a light’s reason and a server refusal read in English', async ({
	browser
}) => {
	test.setTimeout(90_000);
	const { office, unit, overdue, open, reportId } = await unitWithReport(browser);
	const returned = await office.request.post(`/api/v1/reports/${reportId}/return`, {
		data: { reason: '请补充数据', items: [{ indicatorId: open.id, reason: '请补充清单' }] }
	});
	expect(returned.status()).toBe(200);

	await english(unit);
	const page = await unit.newPage();
	await page.goto('/workspace');
	await expect(page.getByRole('heading', { level: 2, name: 'Report for Oct 2020' })).toBeVisible();
	// The light's reason, written by the system: rendered from its kind and parameters.
	const card = page.locator(`article[data-indicator-id="${overdue.id}"]`);
	await expect(card).toContainText('past its due date 2020-09-30 (15 days overdue), not signed off');
	await expect(card).not.toContainText('已超过完成时限');

	// The bell: the return, in English, with the office's own words as written.
	await page.getByRole('button', { name: /Notifications \(\d+ unread\)/ }).click();
	const bell = page.getByRole('region', { name: 'Notifications' });
	await expect(bell).toContainText('The 2020-10 report was returned: please revise and submit again');
	await expect(bell).toContainText('Reason: 请补充数据');
	if (SHOTS) {
		await page.screenshot({ path: `${SHOTS}/en-workspace-bell-1440.png`, fullPage: false });
		await page.setViewportSize({ width: 390, height: 844 });
		await page.screenshot({ path: `${SHOTS}/en-workspace-bell-390.png`, fullPage: false });
		await page.setViewportSize({ width: 1440, height: 900 });
	}
	await page.keyboard.press('Escape');

	// A server refusal: a "PDF" that is not one, answered with a key the page shows in English.
	const openCard = page.locator(`article[data-indicator-id="${open.id}"]`);
	await openCard.locator('input[type="file"]').setInputFiles({
		name: 'fake.pdf',
		mimeType: 'application/pdf',
		buffer: Buffer.from('not a PDF')
	});
	await expect(openCard.getByRole('alert')).toContainText('The file’s content does not match its extension');

	// The indicator page and the unit's dashboard: the same reason, in English too.
	await page.goto(`/indicators/${overdue.id}`);
	await expect(page.getByText('past its due date 2020-09-30 (15 days overdue)').first()).toBeVisible();
	if (SHOTS) await page.screenshot({ path: `${SHOTS}/en-indicator-1440.png`, fullPage: false });
	// On a phone the longer English labels wrap instead of pushing the page sideways.
	await page.setViewportSize({ width: 390, height: 844 });
	await expect(page.getByRole('button', { name: 'Ask for extension' })).toBeInViewport();
	if (SHOTS) await page.screenshot({ path: `${SHOTS}/en-indicator-390.png`, fullPage: false });
	await page.setViewportSize({ width: 1440, height: 900 });
	await page.goto('/unit-dashboard');
	await expect(page.getByText('past its due date 2020-09-30').first()).toBeVisible();
	if (SHOTS) {
		await page.screenshot({ path: `${SHOTS}/en-unit-dashboard-1440.png`, fullPage: false });
		await page.setViewportSize({ width: 390, height: 844 });
		await page.goto('/workspace');
		await expect(card).toContainText('15 days overdue');
		await page.screenshot({ path: `${SHOTS}/en-workspace-390.png`, fullPage: true });
	}
	await unit.close();
	await office.close();
});

test('the office accepts with a comment; the unit sees it on its report and in the bell; month pickers keep to the plans', async ({
	browser
}) => {
	test.setTimeout(90_000);
	const { unitName, office, unit, reportId } = await unitWithReport(browser);
	const op = await office.newPage();
	await op.goto('/review');
	// The queue's months are the plans' months: from January 2020, none of 2019.
	const queueMonths = op.locator('#rf-period option');
	await expect(queueMonths.filter({ hasText: '2020年1月' })).toHaveCount(1);
	await expect(queueMonths.filter({ hasText: '2019年' })).toHaveCount(0);

	await op.goto(`/review/${reportId}`);
	await expect(op.getByRole('heading', { level: 1 })).toContainText(unitName);
	await op.getByRole('button', { name: '通过', exact: true }).click();
	const dialog = op.getByRole('dialog', { name: '确认审核通过' });
	await dialog.getByLabel('审核意见（可选）').fill('材料齐全，进展扎实');
	if (SHOTS) await op.screenshot({ path: `${SHOTS}/accept-comment-1440.png` });
	await dialog.getByRole('button', { name: '通过' }).click();
	await expect(op.getByText('已审核通过。')).toBeVisible();
	await expect(op.locator('.report-head')).toContainText('联席办审核意见：材料齐全，进展扎实');

	const page = await unit.newPage();
	await page.goto('/workspace?period=2020-10');
	await expect(page.locator('.report-head')).toContainText('联席办审核意见：材料齐全，进展扎实');
	await page.getByRole('button', { name: /通知（\d+ 条未读）/ }).click();
	await expect(page.getByRole('region', { name: '通知' })).toContainText('联席办意见：材料齐全，进展扎实');

	// The ranking's months on the dashboard keep to the plans as well.
	await op.goto('/dashboard');
	const rankMonths = op.getByRole('combobox', { name: '排名月份' }).locator('option');
	await expect(rankMonths.filter({ hasText: '2020年1月' })).toHaveCount(1);
	await expect(rankMonths.filter({ hasText: '2019年' })).toHaveCount(0);
	await unit.close();
	await office.close();
});
