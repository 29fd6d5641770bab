import { expect, test } from '@playwright/test';
import { signIn, taskTableXlsx, unique } from './utils.ts';

test('approving an extension changes the indicator page and the dashboard tile at once, without a daily round', async ({
	page,
	browser
}) => {
	test.setTimeout(90_000);
	await signIn(page.context(), 'office');
	const text = unique('延期即时生效指标');
	const file = await taskTableXlsx([['测试领域', unique('测试任务'), text, '2020年9月底前', '省大数据局']]);
	const imported = await page.context().request.post('/api/v1/imports', {
		multipart: {
			file: { name: 'plan.xlsx', mimeType: 'application/octet-stream', buffer: file },
			title: unique('E2E延期计划'),
			year: '2020'
		}
	});
	expect(imported.status()).toBe(200);
	const planId = ((await imported.json()) as { planId: number }).planId;
	const list = await page.context().request.get(`/api/v1/indicators?planId=${planId}`);
	const indicatorId = ((await list.json()) as { items: { id: number }[] }).items[0]!.id;

	// The import lit it at once: past its due date, red.
	await page.goto(`/dashboard?plan=${planId}`);
	await expect(page.locator('[data-tile="red"] .tile-value')).toHaveText('1');
	await page.goto(`/indicators/${indicatorId}`);
	await expect(page.locator('.light-block')).toContainText('红灯');

	const unit = await browser.newContext();
	await signIn(unit, 'dsj');
	const asked = await unit.request.post('/api/v1/requests', {
		data: { kind: 'extension', indicatorId, newDueOn: '2020-12-31', statement: '设备到货推迟，申请延期。' }
	});
	expect(asked.status()).toBe(201);
	const requestId = ((await asked.json()) as { id: number }).id;
	await unit.close();

	await page.goto('/requests');
	const row = page.locator(`tr[data-request-id="${requestId}"]`);
	await row.getByRole('button', { name: '批准' }).click();
	await page.getByRole('dialog').getByRole('button', { name: '批准' }).click();
	await expect(row).toHaveCount(0);

	await page.goto(`/indicators/${indicatorId}`);
	await expect(page.locator('.light-block')).not.toContainText('红灯');
	await expect(page.getByText('2020-12-31').first()).toBeVisible();
	await page.goto(`/dashboard?plan=${planId}`);
	await expect(page.locator('[data-tile="red"] .tile-value')).toHaveText('0');
	for (const [width, height] of [
		[1440, 900],
		[390, 844]
	] as const) {
		await page.setViewportSize({ width, height });
		await page.screenshot({ path: `test-results/supervision-dashboard-${width}.png`, fullPage: true });
	}
});
