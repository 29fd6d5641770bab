import { expect, test } from '@playwright/test';
import { signInPage, taskTableXlsx, unique } from './utils.ts';
import { officeLayout2020 } from '../support/tables.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
// A preview starts a worker thread that reads the file: allow for it on a busy machine.
const READ = { timeout: 30_000 };

test('the office previews a table with a row error, fixes it, imports it and finds the tasks in the plan', async ({
	page
}) => {
	test.slow();
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
	await expect(page.getByRole('alert').filter({ hasText: '发现 1 处错误' })).toBeVisible(READ);
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
	await expect(page.getByText('校验通过，没有错误，可以确认导入。')).toBeVisible(READ);
	await expect(page.getByRole('row').filter({ hasText: '省市场监督局' })).toHaveCount(0);
	await page.getByRole('button', { name: '确认导入' }).click();
	const dialog = page.getByRole('dialog', { name: '确认导入' });
	await expect(dialog).toContainText(title);
	await dialog.getByRole('button', { name: '确认导入' }).click();

	await expect(page.getByRole('heading', { name: '导入成功' })).toBeVisible(READ);
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

test('the preview shows the structure found and every parsed row of the office layout; a hand mapping when unsure', async ({
	page
}) => {
	test.slow();
	await signInPage(page, 'office', '/import');
	await expect(page.getByRole('link', { name: '下载模板' })).toHaveAttribute(
		'href',
		'/api/v1/imports/template',
		READ
	);
	await page.getByLabel('新建计划').check();
	await page.getByLabel('计划名称').fill(unique('E2E办公厅版式'));
	await page.getByLabel('年度').fill('2020');
	await page.getByLabel('分工表文件').setInputFiles({
		name: 'office-layout.xlsx',
		mimeType: XLSX,
		buffer: Buffer.from(await officeLayout2020())
	});
	await page.getByRole('button', { name: '预览' }).click();
	await expect(page.getByText('校验通过，没有错误，可以确认导入。')).toBeVisible(READ);
	await expect(page.getByText('数据行：80')).toBeVisible();
	await expect(page.getByText('表头“工作任务”合并跨 3 列', { exact: false })).toBeVisible();
	await expect(page.getByRole('heading', { name: '识别出的结构' })).toBeVisible();
	const dau = page.getByRole('row').filter({ hasText: '日活跃用户数达到120万' });
	await expect(dau).toContainText('2020年底前');
	await expect(dau).toContainText('→ 2020-12-31');
	await expect(dau).toContainText('“浙里办”日活跃用户数 ≥ 120万');
	const pilot = page.getByRole('row').filter({ hasText: '首批试点所在县' });
	await expect(pilot).toContainText('首批试点所在县（市、区）政府（待明确）');
	for (const width of [1440, 390]) {
		await page.setViewportSize({ width, height: 1100 });
		await page.screenshot({ path: `test-results/import-preview-${width}.png`, fullPage: false });
	}
	await page.getByRole('heading', { name: '逐行解析结果' }).scrollIntoViewIfNeeded();
	await page.setViewportSize({ width: 1440, height: 1100 });
	await page.screenshot({ path: 'test-results/import-rows-1440.png' });

	// A layout it cannot read: it says so and offers the columns by hand.
	await page.getByLabel('分工表文件').setInputFiles({
		name: 'odd.csv',
		mimeType: 'text/csv',
		buffer: Buffer.from('序号,事项,要求,时间,负责\n1,事项甲,推出10个专区,2020年6月底前,省大数据局\n')
	});
	await page.getByRole('button', { name: '预览' }).click();
	await expect(page.getByText('未能识别表格结构', { exact: false }).first()).toBeVisible(READ);
	await page.getByLabel('工作任务').selectOption({ label: '第 2 列 · 事项' });
	await page.getByLabel('具体指标').selectOption({ label: '第 3 列 · 要求' });
	await page.getByLabel('完成时间').selectOption({ label: '第 4 列 · 时间' });
	await page.getByLabel('责任单位').selectOption({ label: '第 5 列 · 负责' });
	await page.screenshot({ path: 'test-results/import-mapping-1440.png' });
	await page.getByRole('button', { name: '按此对应重新预览' }).click();
	await expect(page.getByText('校验通过，没有错误，可以确认导入。')).toBeVisible(READ);
	await expect(page.getByRole('row').filter({ hasText: '推出10个专区' })).toContainText('→ 2020-06-30');
});

test('a large table shows each phase with its rows and percent while it is checked', async ({ page }) => {
	test.slow();
	const rows = Array.from(
		{ length: 4_000 },
		(_, i) =>
			`领域${i % 5},,任务${i % 400},第${i + 1}项指标：推出${(i % 50) + 1}个专区,2020年6月底前,省大数据局`
	);
	await signInPage(page, 'office', '/import');
	await page.getByLabel('新建计划').check();
	await page.getByLabel('计划名称').fill(unique('E2E大表'));
	await page.getByLabel('年度').fill('2020');
	await page.getByLabel('分工表文件').setInputFiles({
		name: 'large.csv',
		mimeType: 'text/csv',
		buffer: Buffer.from(['一级领域,二级领域,工作任务,具体指标,完成时间,责任单位', ...rows].join('\n'))
	});
	await page.getByRole('button', { name: '预览' }).click();
	const status = page.getByRole('status').filter({ hasText: '正在上传并校验' });
	// The phase that counts rows (reading or writing) shows "n / 4000 行（p%）" and a bar that far along.
	await expect(status).toContainText(/\/ 4000 行（\d+%）/, { timeout: 60_000 });
	await expect(page.getByRole('progressbar', { name: '导入进度' })).toHaveAttribute('aria-valuenow', /\d+/);
	await page.screenshot({ path: 'test-results/import-progress-1440.png' });
	await expect(page.getByText('校验通过，没有错误，可以确认导入。')).toBeVisible({ timeout: 120_000 });
});
