import { readFileSync } from 'node:fs';
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { generateHOTP, generateTOTP } from '@oslojs/otp';
import { expect, request as playwrightRequest, test, type Page } from '@playwright/test';
import {
	BASE_URL,
	createUnitUser,
	DEMO_PASSWORD,
	selectAtOnce,
	signIn,
	TEMP_PASSWORD,
	unique
} from './utils.ts';

/** Screenshots of the new pages, next to those of screens.e2e.ts. */
const SHOTS = 'test-results/screens';

async function logIn(page: Page, username: string, password: string) {
	await page.goto('/login');
	await page.getByLabel('用户名', { exact: true }).fill(username);
	await page.getByLabel('密码', { exact: true }).fill(password);
	await page.getByRole('button', { name: '登录', exact: true }).click();
}

test.describe('三员分立与账户安全', () => {
	// Each test creates accounts (argon2 hashing) and signs in several times.
	test.describe.configure({ timeout: 90_000 });

	test('a new account must change its password at the first sign-in before anything else', async ({
		browser
	}) => {
		// The system admin creates a unit reporter in the UI; administrator roles are not offered.
		const admin = await browser.newContext();
		await signIn(admin, 'admin');
		const adminPage = await admin.newPage();
		await adminPage.goto('/users');
		const roles = adminPage.getByLabel('角色', { exact: true });
		await expect(roles.locator('option')).toHaveText(['单位填报员', '联席办督查员', '领导']);
		await expect(adminPage.getByText('管理角色由安全管理员授予')).toBeVisible();
		const username = unique('first');
		await adminPage.getByLabel('用户名', { exact: true }).fill(username);
		await adminPage.getByLabel('姓名').fill('首登测试员');
		await roles.selectOption('unit');
		await adminPage.getByRole('combobox', { name: '所属单位' }).fill('杭州');
		await adminPage.getByRole('option', { name: /^杭州市政府/ }).click();
		await adminPage.getByLabel('初始密码').fill(TEMP_PASSWORD);
		await adminPage.getByRole('button', { name: '创建用户' }).click();
		await expect(adminPage.getByText(`已创建用户“${username}”`)).toBeVisible();
		const row = adminPage.locator(`tr[data-user="${username}"]`);
		await expect(row.locator('[data-status="must-change"]')).toHaveText('须改密');
		await admin.close();

		// The user signs in through the form and is held on /account.
		const context = await browser.newContext();
		const page = await context.newPage();
		await logIn(page, username, TEMP_PASSWORD);
		await expect(page).toHaveURL(/\/account$/);
		await expect(page.getByText('请先修改密码')).toBeVisible();
		await expect(page.getByRole('navigation', { name: '主导航' }).getByRole('link')).toHaveCount(0);
		// Any other page sends it back here.
		await page.goto('/my');
		await expect(page).toHaveURL(/\/account$/);

		// A weak password: the checklist says so as one types, and the server's reasons are shown as written.
		await page.getByLabel('当前密码').fill(TEMP_PASSWORD);
		await page.getByLabel('新密码', { exact: true }).fill('password1');
		await page.getByLabel('确认新密码').fill('password1');
		await expect(page.locator('[data-rule="length"]')).toHaveClass(/\bmet\b/);
		await expect(page.locator('[data-rule="classes"]')).toHaveClass(/unmet/);
		await expect(page.locator('[data-rule="match"]')).toHaveClass(/\bmet\b/);
		await page.getByRole('button', { name: '修改密码' }).click();
		const refusal = page.getByRole('alert').filter({ hasText: '新密码不符合安全策略' });
		await expect(refusal).toContainText('至少 3 类');
		await expect(refusal).toContainText('过于常见');
		await page.screenshot({ path: `${SHOTS}/account-pending-1440.png`, fullPage: true });
		await expect(page).toHaveURL(/\/account$/);

		// A good one: other sessions are signed out, and the way on opens.
		await page.getByLabel('新密码', { exact: true }).fill('Hangzhou#2020ok');
		await page.getByLabel('确认新密码').fill('Hangzhou#2020ok');
		await expect(page.locator('[data-rule="classes"]')).toHaveClass(/\bmet\b/);
		await page.getByRole('button', { name: '修改密码' }).click();
		await expect(page.getByRole('status').filter({ hasText: '密码已修改' })).toContainText('全部退出');
		await expect(page.getByText('请先修改密码')).toHaveCount(0);
		await page.getByRole('link', { name: '进入系统' }).click();
		await expect(page).toHaveURL(/\/workspace$/);
		await expect(
			page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '本单位填报' })
		).toBeVisible();
		await context.close();
	});

	test('the security admin unlocks a locked account and ends a user’s session', async ({ browser }) => {
		const setup = await browser.newContext();
		const locked = await createUnitUser(setup.request, '省大数据局');
		const online = await createUnitUser(setup.request, '省发展改革委');
		await setup.close();

		// Five wrong passwords from one address stop sign-ins of that name from there.
		const attacker = await playwrightRequest.newContext({ baseURL: BASE_URL });
		for (let i = 0; i < 5; i++) {
			const res = await attacker.post('/api/v1/auth/login', {
				data: { username: locked, password: 'Wrong#Pass1' }
			});
			expect(res.status()).toBe(401);
		}
		const refused = await attacker.post('/api/v1/auth/login', {
			data: { username: locked, password: DEMO_PASSWORD }
		});
		expect(refused.status()).toBe(429);
		expect(((await refused.json()) as { error: { message: string } }).error.message).toContain(
			'登录失败次数过多'
		);

		// The other user is at work in a browser.
		const userContext = await browser.newContext();
		await signIn(userContext, online);
		const userPage = await userContext.newPage();
		await userPage.goto('/workspace');
		await expect(userPage.getByRole('navigation', { name: '主导航' })).toBeVisible();

		const sec = await browser.newContext();
		await signIn(sec, 'secadmin');
		const page = await sec.newPage();
		await page.goto('/');
		await expect(page).toHaveURL(/\/security$/);
		const nav = page.getByRole('navigation', { name: '主导航' });
		await expect(nav.getByRole('link')).toHaveText(['安全管理', '账户']);
		await expect(page.getByRole('banner')).toContainText('安全管理员');

		await page.getByLabel('状态').selectOption('locked');
		const row = page.locator(`tr[data-user="${locked}"]`);
		await expect(row.locator('[data-status="locked"]')).toContainText('限制登录至');
		await page.screenshot({ path: `${SHOTS}/security-accounts-1440.png`, fullPage: true });
		await row.getByRole('button', { name: '解锁' }).click();
		const dialog = page.getByRole('dialog');
		await expect(dialog).toContainText(`解锁“省大数据局测试员（${locked}）”`);
		await dialog.getByRole('button', { name: '解锁' }).click();
		await expect(page.getByRole('status').filter({ hasText: `已解锁“${locked}”` })).toBeVisible();
		await expect(row).toHaveCount(0);
		const again = await attacker.post('/api/v1/auth/login', {
			data: { username: locked, password: DEMO_PASSWORD }
		});
		expect(again.status()).toBe(200);
		await attacker.dispose();

		// The role dialog offers only the roles of the account's kind, with the unit for a unit reporter.
		await page.getByLabel('状态').selectOption('');
		await page.getByLabel('搜索').fill(online);
		await page.locator(`tr[data-user="${online}"]`).getByRole('button', { name: '变更角色' }).click();
		await expect(page.getByRole('dialog')).toContainText('账户类别：业务账户（不可变更）');
		await expect(page.getByLabel('新角色').locator('option')).toHaveText([
			'联席办督查员',
			'领导',
			'单位填报员'
		]);
		await page.setViewportSize({ width: 1440, height: 900 });
		await page.screenshot({ path: `${SHOTS}/security-role-dialog-1440.png` });
		await page.setViewportSize({ width: 390, height: 844 });
		await page.screenshot({ path: `${SHOTS}/security-role-dialog-390.png` });
		await page.setViewportSize({ width: 1440, height: 900 });
		// Should the server refuse (here: a role of the other kind slipped into the list), its reason is shown.
		await page.getByLabel('新角色').evaluate((select) => {
			const option = document.createElement('option');
			option.value = 'security';
			option.text = '安全管理员';
			select.appendChild(option);
		});
		await page.getByLabel('新角色').selectOption('security');
		await page.getByRole('dialog').getByRole('button', { name: '变更角色' }).click();
		await expect(page.getByRole('dialog').getByRole('alert')).toContainText(
			'业务账户与管理员账户之间不能变更角色；如需管理员账户，请新建账户'
		);
		await page.getByLabel('新角色').selectOption('unit');
		// The unit picker reads the unit directory and starts at the account's own unit.
		const unitPicker = page.getByRole('dialog').getByRole('combobox', { name: '所属单位' });
		await expect(unitPicker).toHaveValue('省发展改革委');
		await unitPicker.click();
		const unitOptions = page.locator('#rd-unit-list').getByRole('option');
		await expect(unitOptions.filter({ hasText: '省大数据局' })).toBeVisible();
		expect(await unitOptions.count()).toBeGreaterThan(10);
		await unitPicker.press('Escape');
		await expect(unitOptions).toHaveCount(0);
		await expect(page.getByRole('dialog')).toBeVisible();
		await page.getByRole('dialog').getByRole('button', { name: '取消' }).click();

		// 在线会话: end the user's session; the user's next page load goes to the login page.
		await page.getByRole('tab', { name: '在线会话' }).click();
		await expect(page).toHaveURL(/tab=sessions/);
		const sessionRow = page.locator(`tr[data-session-user="${online}"]`);
		await expect(sessionRow).toHaveCount(1);
		// The security admin's own session is marked and cannot be ended from here.
		const own = page.locator('tr[data-current]');
		await expect(own).toHaveCount(1);
		await expect(own).toHaveAttribute('data-session-user', 'secadmin');
		await expect(own).toContainText('本会话');
		await expect(own.getByRole('button', { name: '结束' })).toHaveCount(0);
		await page.screenshot({ path: `${SHOTS}/security-sessions-1440.png`, fullPage: true });
		await sessionRow.getByRole('button', { name: '结束' }).click();
		await expect(page.getByRole('dialog')).toContainText('结束后该浏览器须重新登录');
		await page.getByRole('dialog').getByRole('button', { name: '结束' }).click();
		await expect(page.getByRole('status').filter({ hasText: '已结束会话' })).toBeVisible();
		await expect(sessionRow).toHaveCount(0);

		await userPage.reload();
		await expect(userPage).toHaveURL(/\/login\?next=%2Fworkspace$/);
		await userContext.close();

		// 安全策略: the policy with its explanations.
		await page.getByRole('tab', { name: '安全策略' }).click();
		await expect(page.getByLabel('密码有效期（天）')).toHaveValue('90');
		await expect(page.getByText('填 0 表示不强制定期更换')).toBeVisible();
		await page.screenshot({ path: `${SHOTS}/security-policy-1440.png`, fullPage: true });
		await page.getByLabel('同一地址失败限制次数').fill('6');
		await page.getByRole('button', { name: '保存策略' }).click();
		await expect(page.getByRole('dialog')).toContainText('5 → 6');
		await page.getByRole('dialog').getByRole('button', { name: '取消' }).click();
		await expect(page.getByLabel('同一地址失败限制次数')).toHaveValue('6');
		await page.getByRole('button', { name: '重置', exact: true }).click();
		await expect(page.getByLabel('同一地址失败限制次数')).toHaveValue('5');
		await sec.close();
	});

	test('the auditor sees only the audit log, filters, exports and verifies it', async ({ browser }) => {
		// A unit reporter's sign-ins are logged under its unit.
		const setup = await browser.newContext();
		await createUnitUser(setup.request, '省市场监管局');
		await setup.close();

		// A failed and a good sign-in of the leader, to find again.
		const other = await playwrightRequest.newContext({ baseURL: BASE_URL });
		expect(
			(await other.post('/api/v1/auth/login', { data: { username: 'leader', password: 'x' } })).status()
		).toBe(401);
		expect(
			(
				await other.post('/api/v1/auth/login', { data: { username: 'leader', password: DEMO_PASSWORD } })
			).status()
		).toBe(200);
		await other.dispose();

		const context = await browser.newContext();
		await signIn(context, 'auditor');
		const page = await context.newPage();
		await page.goto('/');
		await expect(page).toHaveURL(/\/audit$/);
		await expect(page.getByRole('navigation', { name: '主导航' }).getByRole('link')).toHaveText([
			'审计日志',
			'账户'
		]);
		await expect(page.getByRole('banner')).toContainText('审计管理员');
		await expect(page.locator('tr[data-audit-id]').first()).toBeVisible();

		await page.getByLabel('用户名').fill('leader');
		await page.getByLabel('用户名').press('Enter');
		await page.getByLabel('操作').selectOption('auth.login');
		await expect(page).toHaveURL(/username=leader/);
		await expect(page).toHaveURL(/action=auth\.login/);
		const rows = page.locator('tr[data-audit-id]');
		// (the unit picker has a 清除 of its own)
		const clearFilters = page.locator('button.clear', { hasText: '清除' });
		await expect(rows.first()).toBeVisible();
		for (const action of await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-action'))))
			expect(action).toBe('auth.login');
		await expect(rows.filter({ hasText: '失败' }).first()).toContainText('登录');
		await expect(rows.filter({ hasText: '成功' }).first()).toContainText('+08:00');
		await page.getByLabel('结果').selectOption('failed');
		await expect(rows.first()).toContainText('失败');
		await expect(rows.filter({ hasText: '成功' })).toHaveCount(0);
		await page.getByLabel('结果').selectOption('');

		// Export under the current filter: UTF-8 with BOM, Chinese header.
		const [download] = await Promise.all([
			page.waitForEvent('download'),
			page.getByRole('link', { name: '导出 CSV' }).click()
		]);
		expect(download.suggestedFilename()).toMatch(/^审计日志-.*\.csv$/);
		const csv = readFileSync((await download.path())!, 'utf8');
		expect(csv.startsWith('\uFEFF序号,时间')).toBe(true);
		expect(csv).toContain('auth.login');
		expect(csv).toContain('leader');

		// The unit filter narrows the rows to that unit's.
		await clearFilters.click();
		const unitFilter = page.getByRole('combobox', { name: '单位' });
		await unitFilter.fill('市场监管');
		await page.getByRole('option', { name: '省市场监管局' }).click();
		await expect(page).toHaveURL(/unitId=\d+/);
		await expect(unitFilter).toHaveValue('省市场监管局');
		const units = page.locator('tr[data-audit-id] td.unit');
		await expect.poll(async () => [...new Set(await units.allTextContents())]).toEqual(['省市场监管局']);
		await page.screenshot({ path: `${SHOTS}/audit-1440.png`, fullPage: true });

		// Two filters set at once — the second before the first has landed — both hold.
		await clearFilters.click();
		await selectAtOnce(page, { 'af-action': 'auth.login', 'af-result': 'failed' });
		await expect(page).toHaveURL(/action=auth\.login/);
		await expect(page).toHaveURL(/result=failed/);
		await expect(page).not.toHaveURL(/unitId=/);
		await expect(unitFilter).toHaveValue('');
		await expect(rows.first()).toContainText('失败');

		// The details of a change open under its row.
		await clearFilters.click();
		await page.getByLabel('操作').selectOption('audit.export');
		const exportRow = rows.first();
		await exportRow.getByRole('button', { name: '展开' }).click();
		await expect(page.locator('tr.detail-row')).toContainText('"format": "csv"');
		await page.screenshot({ path: `${SHOTS}/audit-detail-1440.png`, fullPage: true });

		await page.getByRole('button', { name: '校验哈希链' }).click();
		await expect(page.locator('[data-chain="ok"]')).toContainText('哈希链完整');

		// Business pages show the refusal instead of data; the API refuses as well.
		await page.goto('/plans/1');
		await expect(page.getByRole('heading', { name: '无权访问此页面' })).toBeVisible();
		await expect(page.getByText('审计管理员不能访问业务功能')).toBeVisible();
		await expect(page.locator('tr[data-indicator-id]')).toHaveCount(0);
		const api = await page.request.get('/api/v1/plans');
		expect(api.status()).toBe(403);
		await context.close();
	});

	test('a user turns on TOTP on /account and then signs in with a code', async ({ browser }) => {
		const setup = await browser.newContext();
		const username = await createUnitUser(setup.request, '省市场监管局');
		await setup.close();

		const context = await browser.newContext();
		const page = await context.newPage();
		await logIn(page, username, DEMO_PASSWORD);
		await expect(page).toHaveURL(/\/my$/);
		await page
			.getByRole('banner')
			.getByRole('link', { name: /省市场监管局测试员/ })
			.click();
		await expect(page).toHaveURL(/\/account$/);
		await expect(page.getByRole('heading', { name: '账户与安全' })).toBeVisible();

		await page.getByRole('button', { name: '生成密钥' }).click();
		const secretEl = page.locator('code[data-secret]');
		await expect(secretEl).toBeVisible();
		const secret = (await secretEl.getAttribute('data-secret'))!;
		// Shown in groups of four for typing by hand.
		await expect(secretEl).toHaveText(secret.match(/.{1,4}/g)!.join(' '));
		await expect(page.getByLabel(/配置链接/)).toHaveValue(/^otpauth:\/\/totp\//);
		await page.screenshot({ path: `${SHOTS}/account-1440.png`, fullPage: true });

		const key = decodeBase32IgnorePadding(secret);
		const step = Math.floor(Date.now() / 30_000);
		await page.getByLabel('验证码', { exact: true }).fill(generateTOTP(key, 30, 6));
		await page.getByRole('button', { name: '确认启用' }).click();
		await expect(page.getByRole('status').filter({ hasText: '动态验证码已启用' })).toBeVisible();
		await expect(page.locator('.badge', { hasText: '已启用' })).toBeVisible();

		await page.getByRole('banner').getByRole('button', { name: '退出' }).click();
		await expect(page).toHaveURL(/\/login$/);
		await logIn(page, username, DEMO_PASSWORD);
		const code = page.getByLabel('动态验证码');
		await expect(code).toBeFocused();
		await expect(code).toHaveAttribute('autocomplete', 'one-time-code');
		await expect(code).toHaveAttribute('inputmode', 'numeric');
		await page.screenshot({ path: `${SHOTS}/login-totp-1440.png`, fullPage: true });

		// A wrong code is refused and the step stays; the right one signs in. A code is good once only, so
		// the next step's code is used (the server accepts one step of drift either side of the real time).
		await code.fill('12345');
		await page.getByRole('button', { name: '登录', exact: true }).click();
		await expect(page.getByRole('alert')).toHaveText('请输入 6 位数字验证码');
		await code.fill(generateHOTP(key, BigInt(step + 1), 6));
		await page.getByRole('button', { name: '登录', exact: true }).click();
		await expect(page).toHaveURL(/\/my$/);
		await context.close();
	});
});
