import { expect, test } from '@playwright/test';
import { DEMO_PASSWORD } from './utils.ts';

test.describe('登录与退出', () => {
	test('wrong password shows the server’s Chinese error and stays on the login page', async ({ page }) => {
		await page.goto('/login');
		await expect(page.getByLabel('用户名', { exact: true })).toBeFocused();
		await page.getByLabel('用户名', { exact: true }).fill('leader');
		await page.getByLabel('密码', { exact: true }).fill('not-the-password');
		await page.getByRole('button', { name: '登录' }).click();
		await expect(page.getByRole('alert')).toHaveText('用户名或密码错误');
		await expect(page).toHaveURL(/\/login/);
		await expect(page.getByLabel('密码', { exact: true })).toHaveValue('');
	});

	test('empty fields are caught before the request', async ({ page }) => {
		await page.goto('/login');
		await page.getByRole('button', { name: '登录' }).click();
		await expect(page.getByRole('alert')).toHaveText('请输入用户名');
	});

	test('correct login with Enter lands on the plan; logout returns to /login and ends the session', async ({
		page
	}) => {
		await page.goto('/login');
		await page.getByLabel('用户名', { exact: true }).fill('office');
		await page.getByLabel('密码', { exact: true }).fill(DEMO_PASSWORD);
		await page.getByLabel('密码', { exact: true }).press('Enter');

		await expect(page).toHaveURL(/\/plans\/\d+$/);
		// “/” opens the latest plan (highest year, then the newest).
		const { items } = (await (await page.request.get('/api/v1/plans')).json()) as {
			items: { id: number; year: number; title: string }[];
		};
		const latest = [...items].sort((a, b) => a.year - b.year || a.id - b.id).at(-1)!;
		await expect(page).toHaveURL(new RegExp(`/plans/${latest.id}$`));
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(latest.title);
		const bar = page.getByRole('banner');
		await expect(bar).toContainText('联席办督查员');
		await expect(
			page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '导入' })
		).toBeVisible();

		await bar.getByRole('button', { name: '退出' }).click();
		await expect(page).toHaveURL(/\/login$/);
		const me = await page.request.get('/api/v1/auth/me');
		expect(me.status()).toBe(401);
	});

	test('a signed-out visit goes to /login and comes back to the page after signing in', async ({ page }) => {
		await page.goto('/my');
		await expect(page).toHaveURL(/\/login\?next=%2Fmy$/);
		await page.getByLabel('用户名', { exact: true }).fill('dsj');
		await page.getByLabel('密码', { exact: true }).fill(DEMO_PASSWORD);
		await page.getByRole('button', { name: '登录' }).click();
		await expect(page).toHaveURL(/\/my$/);
		await expect(page.getByRole('heading', { level: 1 })).toContainText('省大数据局');
	});

	test('the language switch turns the interface to English and is remembered', async ({ page }) => {
		await page.goto('/login');
		await page.getByRole('button', { name: 'English' }).click();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in to Duban');
		await page.reload();
		await expect(page.getByLabel('Username')).toBeVisible();
		await page.getByRole('button', { name: '中文' }).click();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('督办系统登录');
	});
});
