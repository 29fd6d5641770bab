import { mkdirSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { createUnitUser, getJson, importPlan, signIn, unique } from './utils.ts';

/** Screenshots for the eye (not committed), beside the other browser tests' screens. */
const SHOTS = new URL('../../test-results/screens/', import.meta.url).pathname;
async function shoot(page: Page, name: string) {
	mkdirSync(SHOTS, { recursive: true });
	for (const [width, height] of [
		[1440, 900],
		[390, 844]
	] as const) {
		await page.setViewportSize({ width, height });
		await page.screenshot({ path: `${SHOTS}${name}-${width}.png`, fullPage: true });
	}
	await page.setViewportSize({ width: 1440, height: 900 });
}

test('the cascade: 杭州 hands its part down, 西湖区 signs and reports, 杭州 sees the roll-up, the office drills down', async ({
	browser,
	page
}) => {
	// Three users, the workspace and the drill-down: minutes on a busy machine.
	test.setTimeout(180_000);
	await signIn(page.context(), 'office');
	const text = unique('设区市各推出5个以上数字化应用');
	const { indicators } = await importPlan(page.context().request, [
		['测试领域', unique('测试任务'), text, '2020年12月底前', '各设区市政府']
	]);
	const indicatorId = indicators.find((i) => i.text === text)!.id;
	const admin = await browser.newContext();
	const xihuUser = await createUnitUser(admin.request, '西湖区政府');
	await admin.close();

	// 杭州's unit user hands its part down to two districts.
	const hz = await browser.newContext();
	await signIn(hz, 'hangzhou');
	const hzPage = await hz.newPage();
	await hzPage.goto('/parts');
	await hzPage.locator('table[data-testid="parts"] a', { hasText: text }).click();
	await expect(hzPage.locator('h1')).toHaveText('杭州市政府');
	const form = hzPage.locator('form[data-testid="decompose"]');
	await form.getByLabel('签收期限').fill('2020-10-20');
	await form.getByLabel('下级单位').selectOption({ label: '西湖区政府' });
	await form.getByLabel('完成时限').fill('2020-12-20');
	await form.locator('input[type="number"]').fill('3');
	// Shares that do not add up are refused, in words.
	await form.getByRole('button', { name: '交办' }).click();
	await expect(form).toContainText('合计 3，应等于本单位承担的 5');
	await form.getByRole('button', { name: '添加单位' }).click();
	await form.getByLabel('下级单位').nth(1).selectOption({ label: '拱墅区政府' });
	await form.getByLabel('完成时限').nth(1).fill('2020-12-20');
	await form.locator('input[type="number"]').nth(1).fill('2');
	await form.getByRole('button', { name: '交办' }).click();
	await expect(hzPage.getByText('已交办给 2 个下级单位')).toBeVisible();
	const children = hzPage.locator('table[data-testid="children"]');
	await expect(children.locator('tr[data-unit="西湖区政府"]')).toContainText('未签收');

	// 西湖区 signs for it and files its month.
	const xihu = await browser.newContext();
	await signIn(xihu, xihuUser);
	const xihuPage = await xihu.newPage();
	await xihuPage.goto('/parts');
	await xihuPage.locator('table[data-testid="parts"] a', { hasText: text }).click();
	await expect(xihuPage.getByText('交办自 杭州市政府').first()).toBeVisible();
	await xihuPage.getByRole('button', { name: '签收' }).click();
	await expect(xihuPage.getByText('2020-10-15 签收')).toBeVisible();
	// It heard of the part on the bell, and its form holds it to its share of 杭州's 5.
	const bell = await getJson<{ items: { title: string }[] }>(xihu.request, '/api/v1/notifications');
	expect(bell.items.map((n) => n.title)).toContain('杭州市政府交办任务，请于 2020-10-20 前签收');
	await xihuPage.goto('/workspace?period=2020-10');
	await expect(xihuPage.locator(`article[data-indicator-id="${indicatorId}"]`)).toContainText(
		'本单位分解目标 ≥ 3个（杭州市政府目标 5个）',
		{ timeout: 30_000 }
	);
	await shoot(xihuPage, 'part-xihu-form');
	const formData = await getJson<{ items: { indicatorId: number; targets: { id: number }[] }[] }>(
		xihu.request,
		'/api/v1/reports/mine/2020-10'
	);
	const item = formData.items.find((i) => i.indicatorId === indicatorId)!;
	const submitted = await xihu.request.post('/api/v1/reports/mine/2020-10/submit', {
		data: {
			revision: null,
			items: formData.items.map((i) => ({
				indicatorId: i.indicatorId,
				progressStatus: 'on_track',
				progress: '已上线两个应用',
				values: i === item ? [{ targetId: item.targets[0]!.id, value: 2 }] : []
			}))
		}
	});
	expect(submitted.status(), await submitted.text()).toBe(200);

	// 杭州 sees the roll-up: 2 of its 5, 西湖 signed.
	await hzPage.reload();
	await expect(hzPage.getByText('下级合计 2 / 本级目标 5个')).toBeVisible();
	await expect(children.locator('tr[data-unit="西湖区政府"]')).toContainText('2020-10-15 签收');
	await shoot(hzPage, 'part-hangzhou');

	// The office drills down from the demo's indicator 6: 杭州市政府 is red through 余杭区政府.
	await page.goto('/dashboard');
	await page.goto('/parts?indicator=6');
	const hzRow = page.locator('tr[data-unit="杭州市政府"]');
	await expect(hzRow).toContainText('亮灯的下级单位：余杭区政府');
	await expect(hzRow).toContainText('下级单位余杭区政府红灯');
	await shoot(page, 'drill-indicator');
	await hzRow.getByRole('link', { name: '杭州市政府' }).click();
	await expect(page.locator('[data-testid="reason"]')).toContainText(
		'下级单位余杭区政府红灯：已超过完成时限'
	);
	await expect(page.locator('tr[data-unit="西湖区政府"]')).toContainText('按期完成');
	await shoot(page, 'drill-city');
	await page.locator('tr[data-unit="余杭区政府"]').getByRole('link', { name: '余杭区政府' }).click();
	await expect(page.locator('h1')).toHaveText('余杭区政府');
	await expect(page.getByText('交办自 杭州市政府').first()).toBeVisible();
	await shoot(page, 'drill-county');
	await hz.close();
	await xihu.close();
});
