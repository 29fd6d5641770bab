import { expect, test, type Locator, type Page } from '@playwright/test';
import { signIn, taskTableXlsx, unique } from './utils.ts';

/** Where the screenshots go for a look (not committed). */
const SHOTS = process.env.SHOTS_DIR ?? 'test-results';

/** The whole page at 1440 px; at 390 px the screen around `focus` (a phone's page is long). */
async function shoot(page: Page, name: string, focus?: Locator) {
	for (const [width, height] of [
		[1440, 900],
		[390, 844]
	] as const) {
		await page.setViewportSize({ width, height });
		if (focus && width < 600) await focus.scrollIntoViewIfNeeded();
		await page.screenshot({
			path: `${SHOTS}/milestones-${name}-${width}.png`,
			fullPage: !focus || width > 600
		});
	}
	await page.setViewportSize({ width: 1440, height: 900 });
}

test('the unit enters and submits its milestone plan, the office approves it, the report form shows the month’s milestone', async ({
	page,
	browser
}) => {
	test.setTimeout(120_000);
	await signIn(page.context(), 'office');
	const text = unique('挂图作战指标');
	const file = await taskTableXlsx([['测试领域', unique('测试任务'), text, '2020年12月底前', '省大数据局']]);
	const imported = await page.context().request.post('/api/v1/imports', {
		multipart: {
			file: { name: 'plan.xlsx', mimeType: 'application/octet-stream', buffer: file },
			title: unique('E2E里程碑计划'),
			year: '2020'
		}
	});
	expect(imported.status()).toBe(200);
	const planId = ((await imported.json()) as { planId: number }).planId;
	const list = await page.context().request.get(`/api/v1/indicators?planId=${planId}`);
	const indicatorId = ((await list.json()) as { items: { id: number }[] }).items[0]!.id;

	// The unit fills in the month grid by keyboard: each month's deliverable, then Tab to its percent.
	const unit = await browser.newContext();
	await signIn(unit, 'dsj');
	const up = await unit.newPage();
	await up.goto('/milestones');
	await up.locator(`tr[data-indicator-id="${indicatorId}"]`).getByRole('button', { name: '编制' }).click();
	for (let m = 1; m <= 12; m++) {
		await up.getByLabel(`${m}月 交付成果`, { exact: true }).fill(`第${m}个月成果`);
		await up.keyboard.press('Tab');
		await up.keyboard.type(String(Math.round((m * 100) / 12)));
	}
	await up.getByRole('button', { name: '提交审核' }).click();
	await expect(up.getByText('已提交审核，等待督查部门审核')).toBeVisible();
	await expect(up.locator(`tr[data-indicator-id="${indicatorId}"]`)).toContainText('待审核');
	await expect(up.getByLabel('3月 交付成果', { exact: true })).toBeDisabled();
	await shoot(up, 'unit', up.locator('#ms-editor-title'));

	// The office's queue: the plan with its months; approved, it leaves the queue.
	await page.goto('/milestones');
	const card = page.locator('article[data-plan-id]', { hasText: text });
	await expect(card).toContainText('第12个月成果');
	await shoot(page, 'queue', card);
	await card.getByRole('button', { name: '批准' }).click();
	await expect(page.locator('article[data-plan-id]', { hasText: text })).toHaveCount(0);

	// The report form shows this month's milestone beside the actual; the indicator page plan vs actual.
	await up.goto('/workspace');
	const item = up.locator(`article[data-indicator-id="${indicatorId}"]`);
	// The form of 26 items takes a while on a busy machine.
	await expect(item.locator('[data-milestone]')).toContainText('本月里程碑', { timeout: 20_000 });
	await expect(item.locator('[data-milestone]')).toContainText('个月成果');
	await shoot(up, 'form', item);
	await page.goto(`/indicators/${indicatorId}`);
	await expect(page.locator('[data-unit-id]')).toContainText('现行第 1 版');
	await unit.close();
});

test('the demo lights some of 省大数据局’s indicators by its approved milestones, plan beside actual', async ({
	page
}) => {
	await signIn(page.context(), 'office');
	const alerts = (await (await page.context().request.get('/api/v1/alerts')).json()) as {
		items: { kind: string; indicator: { id: number } | null; unit: { name: string } | null }[];
	};
	const lit = alerts.items.filter((a) => a.kind === 'behind_milestone' || a.kind === 'milestone_missed');
	expect(lit.length).toBeGreaterThan(0);
	expect(new Set(lit.map((a) => a.unit?.name))).toEqual(new Set(['省大数据局']));
	await page.goto(`/indicators/${lit[0]!.indicator!.id}`);
	await expect(page.locator('[data-unit-id]')).toContainText('省大数据局');
	await shoot(page, 'indicator', page.locator('#pva-title'));
});
