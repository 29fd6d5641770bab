import { expect, test, type BrowserContext } from '@playwright/test';
import { signIn, taskTableXlsx, unique } from './utils.ts';

/** Imports a one-row plan whose co-units include the 省级有关单位 placeholder (as the office). */
async function planWithPlaceholder(office: BrowserContext, text: string) {
	const task = unique('测试任务');
	const file = await taskTableXlsx([['测试领域', task, text, '2020年9月底前', '省大数据局、省级有关单位']]);
	const res = await office.request.post('/api/v1/imports', {
		multipart: {
			file: { name: 'plan.xlsx', mimeType: 'application/octet-stream', buffer: file },
			title: unique('E2E明确单位计划'),
			year: '2020'
		}
	});
	expect(res.status()).toBe(200);
	return ((await res.json()) as { planId: number }).planId;
}

test('the office resolves 省级有关单位 on an indicator to concrete units', async ({ page }) => {
	await signIn(page.context(), 'office');
	const text = '日活跃用户数达到120万';
	const planId = await planWithPlaceholder(page.context(), text);

	await page.goto(`/plans/${planId}`);
	const row = page.locator('tr[data-indicator-id]').filter({ hasText: text });
	await expect(row).toContainText('待明确');
	await expect(row).toContainText('日活跃用户数 ≥ 120万');
	await row.getByRole('link', { name: text }).click();

	await expect(page).toHaveURL(/\/indicators\/\d+$/);
	await expect(page.getByRole('heading', { level: 1 })).toContainText(text);
	await expect(page.getByText('2020年9月底前').first()).toBeVisible();
	await expect(page.getByRole('cell', { name: '日活跃用户数', exact: true })).toBeVisible();

	const form = page.getByRole('form', { name: /明确单位：省级有关单位/ });
	await form.getByRole('button', { name: '明确单位' }).click();
	await expect(form.getByRole('alert')).toHaveText('请至少选择一个单位');
	await form.getByLabel('搜索单位').fill('发展改革');
	await form.getByLabel('省发展改革委').check();
	await form.getByLabel('搜索单位').fill('市场监管');
	await form.getByLabel('省市场监管局').check();
	await form.getByRole('button', { name: '明确单位' }).click();

	const dialog = page.getByRole('dialog', { name: '确认明确单位' });
	await expect(dialog).toContainText('省发展改革委、省市场监管局');
	await dialog.getByRole('button', { name: '确认' }).click();

	await expect(page.getByText('已明确“省级有关单位”，共 2 个单位。')).toBeVisible();
	const co = page.getByRole('region', { name: /配合单位/ });
	await expect(co).toContainText('省发展改革委');
	await expect(co).toContainText('省市场监管局');
	await expect(co).toContainText('经单位组“省级有关单位”');
	await expect(page.getByRole('form', { name: /明确单位/ })).toHaveCount(0);
});

test('a leader reads an indicator without the resolve form', async ({ page, browser }) => {
	const office = await browser.newContext();
	await signIn(office, 'office');
	const text = unique('推进数据共享');
	const planId = await planWithPlaceholder(office, text);
	await office.close();

	await signIn(page.context(), 'leader');
	const res = await page.context().request.get(`/api/v1/indicators?planId=${planId}`);
	const { items } = (await res.json()) as { items: { id: number }[] };
	await page.goto(`/indicators/${items[0]!.id}`);
	await expect(page.getByRole('heading', { level: 1 })).toContainText(text);
	await expect(page.getByText(/尚未明确到具体单位/)).toBeVisible();
	await expect(page.getByRole('button', { name: '明确单位' })).toHaveCount(0);
});

test('the admin adds a unit reporter', async ({ page }) => {
	await signIn(page.context(), 'admin');
	await page.goto('/users');
	const username = unique('e2e_');
	await page.getByLabel('用户名').fill(username);
	await page.getByLabel('姓名').fill('测试填报员');
	await page.getByLabel('角色', { exact: true }).selectOption('unit');
	await page.getByRole('combobox', { name: '所属单位' }).fill('杭州');
	await page.getByRole('option', { name: /^杭州市政府/ }).click();
	await page.getByLabel('初始密码').fill('short');
	await page.getByRole('button', { name: '创建用户' }).click();
	await expect(page.getByRole('alert')).toContainText('密码至少 8 位');
	await page.getByLabel('初始密码').fill('Duban@2020x');
	await page.getByRole('button', { name: '创建用户' }).click();
	await expect(page.getByText(`已创建用户“${username}”`)).toBeVisible();
	await expect(page.getByRole('row').filter({ hasText: username })).toContainText('杭州市政府');
});

test('the office switches an indicator to each-owes after a confirmation; a leader only reads it', async ({
	page,
	browser
}) => {
	await signIn(page.context(), 'office');
	const text = unique('各单位分别建设数据专区');
	const task = unique('责任方式任务');
	const file = await taskTableXlsx([['测试领域', task, text, '2020年9月底前', '省大数据局、省发展改革委']]);
	const res = await page.context().request.post('/api/v1/imports', {
		multipart: {
			file: { name: 'plan.xlsx', mimeType: 'application/octet-stream', buffer: file },
			title: unique('E2E责任方式计划'),
			year: '2020'
		}
	});
	expect(res.status()).toBe(200);
	const { planId } = (await res.json()) as { planId: number };
	const list = await page.context().request.get(`/api/v1/indicators?planId=${planId}`);
	const id = ((await list.json()) as { items: { id: number }[] }).items[0]!.id;

	await page.goto(`/indicators/${id}`);
	const kind = page.locator('[data-kind]');
	await expect(kind).toHaveAttribute('data-kind', 'joint');
	await expect(kind.getByRole('radio', { name: /牵头负责/ })).toBeChecked();
	await kind.getByRole('radio', { name: /各自负责/ }).check();
	await kind.getByRole('button', { name: '更改责任方式' }).click();
	const dialog = page.getByRole('dialog', { name: '确认更改责任方式' });
	await expect(dialog).toContainText('各自负责');
	await dialog.getByRole('button', { name: '确认' }).click();
	await expect(kind).toHaveAttribute('data-kind', 'each');
	await expect(page.getByText(/各单位分别负责：0\/2 已完成/)).toBeVisible();

	const leader = await browser.newContext();
	await signIn(leader, 'leader');
	const leaderPage = await leader.newPage();
	await leaderPage.goto(`/indicators/${id}`);
	await expect(leaderPage.locator('[data-kind="each"]')).toContainText('各自负责');
	await expect(leaderPage.getByRole('button', { name: '更改责任方式' })).toHaveCount(0);
	await leader.close();
});
