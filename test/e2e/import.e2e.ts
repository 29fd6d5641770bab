import { expect, test } from '@playwright/test';
import { signInPage, taskTableXlsx, unique } from './utils.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

test('the office previews a table with a row error, fixes it, imports it and finds the tasks in the plan', async ({
	page
}) => {
	const title = unique('E2E导入计划');
	const taskA = unique('测试任务甲');
	const taskB = unique('测试任务乙');
	const rows = (unit: string) => [
		['测试领域', taskA, `${taskA}：新增开放数据集1500个`, '2020年6月底前', '省大数据局、各设区市政府'],
		['测试领域', taskA, `${taskA}：完善工作机制`, '2020年9月底前', '省大数据局'],
		['测试领域', taskB, `${taskB}：推进系统建设`, '2020年12月底前', `${unit}、省大数据局`]
	];

	await signInPage(page, 'office', '/import');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('导入任务分工表');
	await page.getByLabel('新建计划').check();
	await page.getByLabel('计划名称').fill(title);
	await page.getByLabel('年度').fill('2020');

	// 1. A row names a unit that is not in the directory: the preview shows the row, column and a suggestion.
	await page.getByLabel('分工表文件').setInputFiles({
		name: 'with-error.xlsx',
		mimeType: XLSX,
		buffer: await taskTableXlsx(rows('省市场监督局'))
	});
	await page.getByRole('button', { name: '预览' }).click();
	await expect(page.getByRole('alert').filter({ hasText: '发现 1 处错误' })).toBeVisible();
	const errorRow = page.getByRole('row').filter({ hasText: '省市场监督局' });
	await expect(errorRow).toContainText('错误');
	await expect(errorRow).toContainText('第 4 行');
	await expect(errorRow).toContainText('责任单位');
	await expect(errorRow).toContainText('是否为：省市场监管局');
	await expect(page.getByRole('button', { name: '确认导入' })).toBeDisabled();

	// 2. The fixed file previews clean; only then can it be imported, after a confirmation.
	await page.getByLabel('分工表文件').setInputFiles({
		name: 'fixed.xlsx',
		mimeType: XLSX,
		buffer: await taskTableXlsx(rows('省市场监管局'))
	});
	await expect(page.getByRole('button', { name: '确认导入' })).toBeDisabled();
	await page.getByRole('button', { name: '预览' }).click();
	await expect(page.getByText('校验通过，没有错误，可以确认导入。')).toBeVisible();
	await expect(page.getByRole('row').filter({ hasText: '省市场监督局' })).toHaveCount(0);
	await page.getByRole('button', { name: '确认导入' }).click();
	const dialog = page.getByRole('dialog', { name: '确认导入' });
	await expect(dialog).toContainText(title);
	await dialog.getByRole('button', { name: '确认导入' }).click();

	await expect(page.getByRole('heading', { name: '导入成功' })).toBeVisible();
	await expect(page.getByText('已导入 3 项指标（新增 3 项），涉及 2 项任务。')).toBeVisible();
	await page.getByRole('link', { name: '查看计划' }).click();

	await expect(page).toHaveURL(/\/plans\/\d+$/);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
	await expect(page.getByText('共 3 项指标 / 2 项任务')).toBeVisible();
	await expect(page.getByRole('cell', { name: taskA, exact: true })).toBeVisible();
	await expect(page.getByRole('cell', { name: taskB, exact: true })).toBeVisible();
	const rowB = page.locator('tr[data-indicator-id]').filter({ hasText: `${taskB}：推进系统建设` });
	await expect(rowB).toContainText('省市场监管局');
	await expect(page.locator('tr[data-indicator-id]').first()).toContainText('新增开放数据集 ≥ 1,500个');
});

test('only the office may import', async ({ page }) => {
	await signInPage(page, 'leader', '/import');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('无权访问此页面');
	await expect(
		page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '导入' })
	).toHaveCount(0);
});
