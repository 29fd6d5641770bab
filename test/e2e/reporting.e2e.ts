import { expect, test, type Page } from '@playwright/test';
import { createUnitUser, getJson, importPlan, signIn, tinyPdf, unique } from './utils.ts';

/**
 * The monthly cycle end to end: a unit files October 2020 with an attachment, the office returns one
 * item, the unit fixes and resubmits, the office accepts; then the lead unit asks for sign-off, the
 * office approves it and the plan shows the indicator completed.
 */
test('a unit reports, the office returns an item, the unit resubmits, the office accepts and signs off', async ({
	browser
}) => {
	test.setTimeout(90_000);
	const unitName = unique('测试填报单位');
	const office = await browser.newContext();
	await signIn(office, 'office');
	const { planId, indicators } = await importPlan(office.request, [
		['测试领域', unique('数据开放任务'), '新增开放数据集1500个', '2020年12月底前', unitName],
		['测试领域', unique('机制建设任务'), '完善数据开放工作机制', '2020年11月底前', unitName]
	]);
	const target = indicators.find((i) => i.text.includes('1500'))!;
	const other = indicators.find((i) => i.text.includes('工作机制'))!;

	const admin = await browser.newContext();
	const username = await createUnitUser(admin.request, unitName);
	await admin.close();
	const unit = await browser.newContext();
	await signIn(unit, username);
	const up = await unit.newPage();

	// 1. The unit opens this month's (October 2020) empty report.
	await up.goto('/workspace');
	await expect(up.getByRole('heading', { level: 2, name: '2020年10月月报' })).toBeVisible();
	await expect(up.locator('.report-head')).toContainText('未填报');
	const card = up.locator(`article[data-indicator-id="${target.id}"]`);
	const card2 = up.locator(`article[data-indicator-id="${other.id}"]`);
	await expect(card).toContainText('新增开放数据集');
	await expect(card).toContainText('目标 ≥ 1,500个');

	await card.getByLabel('进展状态').selectOption({ label: '按计划推进' });
	await card.getByLabel('完成百分比').fill('60');
	await card.getByLabel('新增开放数据集').fill('900');
	await card.getByLabel('当月进展').fill('本月新增开放数据集 300 个，累计 900 个。');
	await card.getByLabel('存在问题').fill('部分部门数据质量有待提高。');
	await card.locator('input[type="file"]').setInputFiles({
		name: '开放数据清单.pdf',
		mimeType: 'application/pdf',
		buffer: tinyPdf()
	});
	await expect(card.getByRole('link', { name: '开放数据清单.pdf' })).toBeVisible();
	// The draft saves itself a few seconds after the edits.
	await expect(up.getByText(/已保存 \d\d:\d\d/)).toBeVisible({ timeout: 10_000 });

	// 2. Submitting with the second item empty lists what is missing and goes to it.
	await up.getByRole('button', { name: '提交', exact: true }).click();
	const issues = up.getByRole('alert').filter({ hasText: '需要补充或修改' });
	await expect(issues).toContainText('请选择进展状态');
	await expect(issues).toContainText('请填写当月进展');
	await expect(card2.getByLabel('进展状态')).toBeFocused();

	await card2.getByLabel('进展状态').selectOption({ label: '按计划推进' });
	await card2.getByLabel('当月进展').fill('起草数据开放工作机制，征求各部门意见。');
	await submit(up);
	await expect(up.getByText('月报已提交，等待联席办审核。')).toBeVisible();
	await expect(up.locator('.report-head')).toContainText('待审核');
	await expect(card.getByRole('link', { name: '开放数据清单.pdf' })).toBeVisible();
	await expect(up.getByRole('button', { name: '提交', exact: true })).toHaveCount(0);

	// 3. The office finds it in the review queue and returns one item with a reason.
	const op = await office.newPage();
	await op.goto('/review');
	const row = op.getByRole('row').filter({ hasText: unitName });
	await expect(row).toContainText('2020年10月');
	await row.getByRole('link', { name: '审核' }).click();
	await expect(op).toHaveURL(/\/review\/\d+$/);
	await expect(op.getByRole('heading', { level: 1 })).toContainText(unitName);
	const reviewed = op.locator(`article[data-indicator-id="${target.id}"]`);
	await expect(reviewed).toContainText('本月新增开放数据集 300 个');
	await expect(reviewed).toContainText('实际 900个');
	await expect(reviewed.getByRole('link', { name: '开放数据清单.pdf' })).toBeVisible();
	await reviewed.getByLabel('退回此项').check();
	await op.locator(`#ritem-${target.id}-reason`).fill('请补充本月新增数据集的清单和质量情况');
	await op.getByLabel('整体退回原因').fill('第一项内容不完整，请补充后重新提交');
	await op.getByRole('button', { name: '退回', exact: true }).click();
	const returnDialog = op.getByRole('dialog', { name: '确认退回月报' });
	await expect(returnDialog).toContainText('逐项退回 1 项');
	await returnDialog.getByRole('button', { name: '退回' }).click();
	await expect(op.getByText('已退回，等待单位修改后重新提交。')).toBeVisible();

	// 4. The unit sees the returned item highlighted with the reason, fixes it and resubmits.
	await up.reload();
	await expect(up.locator('.report-head')).toContainText('已退回');
	await expect(up.locator('.report-head')).toContainText('第一项内容不完整，请补充后重新提交');
	await expect(card).toHaveClass(/item-returned/);
	await expect(card).toContainText('联席办退回此项：请补充本月新增数据集的清单和质量情况');
	await expect(card2).not.toHaveClass(/item-returned/);
	await card
		.getByLabel('当月进展')
		.fill('本月新增开放数据集 300 个，累计 900 个；清单见附件，抽检合格率 98%。');
	await submit(up);
	await expect(up.locator('.report-head')).toContainText('待审核');

	// 5. The office accepts the resubmitted report.
	await op.reload();
	await expect(op.locator(`article[data-indicator-id="${target.id}"]`)).toContainText('抽检合格率 98%');
	await op.getByRole('button', { name: '通过', exact: true }).click();
	await op.getByRole('dialog', { name: '确认审核通过' }).getByRole('button', { name: '通过' }).click();
	await expect(op.getByText('已审核通过。')).toBeVisible();
	await expect(op.locator('.report-head')).toContainText('已通过');

	// 6. The lead unit asks for sign-off (办结) from its workspace.
	await up.reload();
	await expect(up.locator('.report-head')).toContainText('已通过');
	await card.getByRole('button', { name: '申请办结' }).click();
	const ask = up.getByRole('dialog', { name: '申请办结' });
	await ask.getByLabel('完成情况说明').fill('新增开放数据集已达 1500 个，相关清单已归档。');
	await ask.locator('input[type="file"]').setInputFiles({
		name: '完成证明.pdf',
		mimeType: 'application/pdf',
		buffer: tinyPdf()
	});
	await expect(ask.getByRole('link', { name: '完成证明.pdf' })).toBeVisible();
	await ask.getByRole('button', { name: '提交申请' }).click();
	await expect(up.getByText('已提交办结申请，等待联席办审批。')).toBeVisible();
	// The pending request is a visible state on the card, not a greyed button with a tooltip.
	await expect(card.getByText('办结审批中', { exact: true })).toBeVisible();
	await expect(card.getByRole('button', { name: '申请办结' })).toHaveCount(0);

	// 7. The office approves it in the requests queue, with the evidence at hand.
	await op.goto('/requests');
	const request = op.getByRole('row').filter({ hasText: target.text }).filter({ hasText: unitName });
	await expect(request).toContainText('待审批');
	await expect(request.getByRole('link', { name: '完成证明.pdf' })).toBeVisible();
	await request.getByRole('button', { name: '批准' }).click();
	const approve = op.getByRole('dialog', { name: '批准办结申请' });
	await expect(approve).toContainText(unitName);
	await approve.getByRole('button', { name: '批准' }).click();
	await expect(op.getByText(`已批准${unitName}的办结申请。`)).toBeVisible();

	// 8. The plan shows the indicator completed, on time.
	await op.goto(`/plans/${planId}`);
	const planRow = op.locator(`tr[data-indicator-id="${target.id}"]`);
	await expect(planRow).toContainText('✓按期完成');
	await expect(op.locator(`tr[data-indicator-id="${other.id}"]`)).not.toContainText('完成');
	const done = await getJson<{ status: string; light: string }>(
		office.request,
		`/api/v1/indicators/${target.id}`
	);
	expect(done).toMatchObject({ status: 'completed', light: 'completed_on_time' });

	await unit.close();
	await office.close();
});

async function submit(page: Page) {
	await page.getByRole('button', { name: '提交', exact: true }).click();
	const dialog = page.getByRole('dialog', { name: '确认提交月报' });
	await expect(dialog).toBeVisible();
	await dialog.getByRole('button', { name: '提交' }).click();
	await expect(dialog).toBeHidden();
}

test('a refused attachment shows the server’s message; the month switcher opens another month', async ({
	browser
}) => {
	const unitName = unique('测试附件单位');
	const office = await browser.newContext();
	await signIn(office, 'office');
	const { indicators } = await importPlan(office.request, [
		['测试领域', unique('附件任务'), '建设统一的电子证照库', '2020年12月底前', unitName]
	]);
	await office.close();
	const admin = await browser.newContext();
	const username = await createUnitUser(admin.request, unitName);
	await admin.close();

	const unit = await browser.newContext();
	await signIn(unit, username);
	const page = await unit.newPage();
	await page.goto('/workspace');
	const card = page.locator(`article[data-indicator-id="${indicators[0]!.id}"]`);
	await expect(card).toContainText('建设统一的电子证照库');
	await expect(card).toContainText('支持 pdf、doc/docx、xls/xlsx、jpg/png，单个不超过 20 MB');
	// A file named .pdf whose bytes are not a PDF is refused by the server, with its Chinese message.
	await card.locator('input[type="file"]').setInputFiles({
		name: '假文件.pdf',
		mimeType: 'application/pdf',
		buffer: Buffer.from('这不是 PDF')
	});
	await expect(card.getByRole('alert')).toContainText('文件内容不是 PDF');
	await expect(card.getByRole('link', { name: '假文件.pdf' })).toHaveCount(0);

	await page.getByRole('button', { name: '上个月' }).click();
	await expect(page).toHaveURL(/period=2020-09/);
	await expect(page.getByRole('heading', { level: 2, name: '2020年9月月报' })).toBeVisible();
	await expect(page.locator('.report-head')).toContainText('逾期 15 天');
	await expect(page.getByRole('button', { name: '下个月' })).toBeEnabled();
	await page.getByRole('combobox', { name: '填报月份' }).selectOption('2020-10');
	await expect(page).toHaveURL(/period=2020-10/);
	await expect(page.getByRole('button', { name: '下个月' })).toBeDisabled();
	await unit.close();
});
