import { expect, test } from '@playwright/test';
import { createUnitUser, getJson, importPlan, signIn, unique, unitIdOf } from './utils.ts';

/**
 * The office's daily digest links to /notices?issue=1&unitId=…&indicatorId=…&level=red: one click opens
 * a prefilled red notice. The unit signs for it at the top of its workspace; the office sees who and when.
 */
test('the office issues a red notice from the digest link, the unit signs for it, the office sees it signed', async ({
	browser
}) => {
	test.setTimeout(60_000);
	const unitName = unique('测试督办单位');
	const office = await browser.newContext();
	await signIn(office, 'office');
	const { indicators } = await importPlan(office.request, [
		['测试领域', unique('逾期任务'), '建成统一的数据共享交换平台', '2020年6月底前', unitName],
		['测试领域', unique('在办任务'), '完善平台运维机制', '2020年12月底前', unitName]
	]);
	const overdue = indicators.find((i) => i.text.includes('交换平台'))!;
	const unitId = await unitIdOf(office.request, unitName);

	const admin = await browser.newContext();
	const username = await createUnitUser(admin.request, unitName);
	await admin.close();

	// 1. The prefilled form: the unit, the indicator and the red level are chosen already.
	const op = await office.newPage();
	await op.goto(`/notices?issue=1&unitId=${unitId}&indicatorId=${overdue.id}&level=red`);
	const form = op.getByRole('region', { name: '发出督办通知' });
	await expect(form.getByText('已按督办日报的建议预填')).toBeVisible();
	await expect(form.getByRole('combobox', { name: '督办单位' })).toHaveValue(unitName);
	await expect(form.getByRole('checkbox', { name: /建成统一的数据共享交换平台/ })).toBeChecked();
	await expect(form.getByRole('checkbox', { name: /完善平台运维机制/ })).not.toBeChecked();
	await expect(form.getByRole('radio', { name: '红色督办' })).toBeChecked();
	await expect(form.getByLabel('督办事项')).toHaveValue(/已超过完成时限/);
	await form.getByRole('button', { name: '发出通知' }).click();
	const dialog = op.getByRole('dialog', { name: '确认发出督办通知' });
	await expect(dialog).toContainText(unitName);
	await expect(dialog).toContainText('红色督办');
	await dialog.getByRole('button', { name: '发出通知' }).click();
	const issued = op.getByText(new RegExp(`已向${unitName}发出 督办〔2020〕\\d+号`));
	await expect(issued).toBeVisible();
	const number = (await issued.textContent())!.match(/督办〔2020〕\d+号/)![0];
	const card = op.getByRole('article', { name: number });
	await expect(card).toContainText('红色督办');
	await expect(card).toContainText('待签收');

	// 2. The unit sees it at the top of its workspace and signs for it.
	const unit = await browser.newContext();
	await signIn(unit, username);
	const up = await unit.newPage();
	await up.goto('/workspace');
	const banner = up.getByRole('region', { name: /待签收的督办通知/ });
	const item = banner.getByRole('listitem').filter({ hasText: number });
	await expect(item).toContainText('红色督办');
	await expect(item).toContainText('已超过完成时限');
	await expect(item.getByRole('link', { name: '建成统一的数据共享交换平台' })).toBeVisible();
	await item.getByRole('button', { name: '签收' }).click();
	await expect(up.getByText(`已签收 ${number}。`)).toBeVisible();
	await expect(up.getByRole('region', { name: /待签收的督办通知/ })).toHaveCount(0);

	// 3. The office sees it signed for, by whom and when.
	await op.goto(`/notices?unit=${unitId}`);
	const signed = op.getByRole('article', { name: number });
	await expect(signed).toContainText('待反馈');
	await expect(signed).toContainText(new RegExp(`${unitName}测试员 于 2020-10-15 \\d\\d:\\d\\d 签收`));
	await op.getByLabel('状态').selectOption({ label: '待签收' });
	await expect(op.getByRole('article', { name: number })).toHaveCount(0);

	const { items } = await getJson<{ items: { number: string; acknowledgedByName: string | null }[] }>(
		office.request,
		`/api/v1/notices?unitId=${unitId}`
	);
	expect(items.find((n) => n.number === number)?.acknowledgedByName).toBe(`${unitName}测试员`);
	await unit.close();
	await office.close();
});
