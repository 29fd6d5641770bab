import { expect, test } from '@playwright/test';
import { signIn, signInPage } from './utils.ts';

test('the admin sends the outbox now and reads a delivered reminder digest', async ({ page }) => {
	await signInPage(page, 'admin', '/mail');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('邮件日志');
	await page.getByRole('button', { name: '立即发送' }).click();
	await expect(page.getByText(/已发送 \d+ 封，重试 \d+ 封，失败 \d+ 封，队列中 \d+ 封。/)).toBeVisible();

	await page.getByLabel('状态').selectOption('sent');
	await page.getByRole('searchbox', { name: '搜索' }).fill('督办提醒');
	await expect(page).toHaveURL(/status=sent/);
	await expect(page).toHaveURL(/q=/);
	const rows = page.locator('tr[data-mail-id]');
	await expect(rows.first()).toBeVisible();
	for (const row of await rows.all()) await expect(row).toContainText('已发送');

	const first = rows.first();
	const subject = (await first.getByRole('link').textContent())!;
	expect(subject).toContain('督办提醒');
	await first.getByRole('link').click();
	await expect(page).toHaveURL(/[?&]id=\d+/);

	const detail = page.getByRole('region', { name: subject });
	await expect(detail).toContainText('已发送');
	await expect(detail).toContainText('@demo.duban.local');
	// The HTML body is rendered in a sandboxed frame, never into the page itself.
	const frame = detail.locator('iframe');
	await expect(frame).toHaveAttribute('sandbox', '');
	await expect(
		page
			.frameLocator('iframe[sandbox]')
			.getByText(/督办提醒/)
			.first()
	).toBeVisible();
	await detail.getByRole('tab', { name: '纯文本' }).click();
	const text = detail.getByLabel('纯文本');
	await expect(text).toContainText('督办提醒');
	await expect(text).toContainText('请及时处理');

	await page.getByRole('tab', { name: '任务运行记录' }).click();
	await expect(page.getByRole('cell', { name: 'daily', exact: true }).first()).toBeVisible();
});

test('a unit user sees the bell count and its red reminders', async ({ browser }) => {
	const context = await browser.newContext();
	await signIn(context, 'dsj');
	const { unread } = (await (await context.request.get('/api/v1/notifications?unread=1')).json()) as {
		unread: number;
	};
	expect(unread).toBeGreaterThan(0);

	const page = await context.newPage();
	await page.goto('/workspace');
	const bell = page.getByRole('button', { name: /^通知（\d+ 条未读）$/ });
	await expect(bell).toHaveAccessibleName(`通知（${unread} 条未读）`);
	await expect(page.getByTestId('bell-count')).toHaveText(String(unread));
	await bell.click();
	const panel = page.getByRole('region', { name: '通知', exact: true });
	// An overdue indicator's reminder (the bell also carries decisions and overdue notice answers).
	const red = panel.getByRole('button').filter({ hasText: '红灯' }).filter({ hasText: '已逾期' });
	await expect(red.first()).toBeVisible();

	// Opening one marks it read and follows its link; the count goes down by one.
	await red.first().click();
	await expect(page).toHaveURL(/\/indicators\/\d+$/);
	await expect(page.getByTestId('bell-count')).toHaveText(String(unread - 1));
	await page.goto('/notifications');
	await expect(page.getByText(new RegExp(`共 \\d+ 条，未读 ${unread - 1} 条`))).toBeVisible();
	await expect(page.locator('tr[data-notification-id]').filter({ hasText: '红灯' }).first()).toBeVisible();
	await context.close();
});
