import { expect, test } from '@playwright/test';
import { signInPage, unique } from './utils.ts';

/**
 * The office keeps its list of placeholder names and sees the indicators still owed by one: a name added
 * on the page is 待明确 in the next import, the indicator is listed with its due date and overdue days, and
 * its row leads to the indicator's resolve form; an unused name is removed after a confirmation.
 */
test('the office adds a placeholder name, finds the imported indicator owed by it, and removes an unused name', async ({
	page
}) => {
	test.slow();
	await signInPage(page, 'office', '/');
	await page.getByRole('navigation').getByRole('link', { name: '待明确' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('待明确责任单位');

	const name = unique('E2E专班');
	await page.getByLabel('新的待明确名称').fill(name);
	await page.getByRole('button', { name: '加入清单' }).click();
	await expect(page.getByRole('status').filter({ hasText: `已将“${name}”加入待明确名称清单` })).toBeVisible();
	const nameRow = page.locator(`li[data-name="${name}"]`);
	await expect(nameRow).toContainText('尚未用于指标');

	// A unit name is refused with the server's reason, next to the field.
	await page.getByLabel('新的待明确名称').fill('省财政厅');
	await page.getByRole('button', { name: '加入清单' }).click();
	await expect(page.getByRole('alert').filter({ hasText: '单位名录中已有“省财政厅”' })).toBeVisible();

	// The next import takes the name as a placeholder: no unit files reports for it.
	const text = unique('由专班负责的指标');
	const csv = `一级领域,二级领域,工作任务,具体指标,完成时间,责任单位\n领域,,任务,${text},2020年3月底前,${name}\n`;
	const imported = await page.request.post('/api/v1/imports', {
		headers: { Origin: new URL(page.url()).origin },
		multipart: {
			file: { name: 'table.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) },
			title: unique('E2E待明确计划'),
			year: '2020'
		}
	});
	expect(imported.status(), await imported.text()).toBe(200);

	await page.reload();
	const row = page.getByRole('row').filter({ hasText: text });
	await expect(row).toContainText(name);
	await expect(row).toContainText('2020-03-31');
	await expect(row.locator('.badge-danger')).toContainText(/逾期 \d+ 天/);
	await expect(nameRow).toContainText('用于 1 项指标，1 项待明确');
	await expect(nameRow.getByRole('button', { name: '移除' })).toBeDisabled();

	for (const width of [1440, 390]) {
		await page.setViewportSize({ width, height: 900 });
		await page.screenshot({ path: `reports/screens/pending-${width}.png`, fullPage: true });
	}
	await page.setViewportSize({ width: 1440, height: 900 });

	// An unused name goes after a confirmation.
	const spare = unique('E2E备用名称');
	await page.getByLabel('新的待明确名称').fill(spare);
	await page.getByRole('button', { name: '加入清单' }).click();
	await page.locator(`li[data-name="${spare}"]`).getByRole('button', { name: '移除' }).click();
	const dialog = page.getByRole('dialog', { name: '移除待明确名称' });
	await expect(dialog).toContainText(spare);
	await dialog.getByRole('button', { name: '移除' }).click();
	await expect(page.getByRole('status').filter({ hasText: `已移除“${spare}”` })).toBeVisible();
	await expect(page.locator(`li[data-name="${spare}"]`)).toHaveCount(0);

	// Each row leads to the indicator's form for naming the units.
	await row.getByRole('link', { name: '指定责任单位' }).click();
	await expect(page).toHaveURL(/\/indicators\/\d+#resolve$/);
	await expect(page.locator('#resolve')).toContainText(name);
});
