import { expect, test, type Page } from '@playwright/test';
import { createUnitUser, importPlan, signIn, unique } from './utils.ts';

/** The focused element: its id (or name) and whether a focus ring can be seen on it. */
async function focused(page: Page) {
	return page.evaluate(() => {
		const el = document.activeElement as HTMLElement | null;
		if (!el || el === document.body) return { id: '', label: '', ring: false };
		const style = getComputedStyle(el);
		const ring =
			(style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2) ||
			/\b[2-9]px\b/.test(style.boxShadow.replace(/rgba?\([^)]*\)/g, ''));
		return { id: el.id, label: (el.getAttribute('aria-label') ?? el.textContent ?? '').trim(), ring };
	});
}

/** Presses Tab until `done` holds for the focused element, checking every stop shows where focus is. */
async function tabTo(page: Page, done: (f: { id: string; label: string }) => boolean, max = 80) {
	for (let i = 0; i < max; i++) {
		await page.keyboard.press('Tab');
		const f = await focused(page);
		expect(f.ring, `focus ring on ${f.id || f.label}`).toBe(true);
		if (done(f)) return f;
	}
	throw new Error('never reached by Tab');
}

test('the report form can be filled and submitted with the keyboard alone', async ({ browser }) => {
	test.setTimeout(120_000);
	const unitName = unique('键盘填报单位');
	const office = await browser.newContext();
	await signIn(office, 'office');
	const { indicators } = await importPlan(office.request, [
		['测试领域', unique('键盘任务'), '完善键盘填报工作机制', '2020年12月底前', unitName]
	]);
	await office.close();
	const admin = await browser.newContext();
	const username = await createUnitUser(admin.request, unitName);
	await admin.close();
	const unit = await browser.newContext();
	await signIn(unit, username);
	const page = await unit.newPage();
	await page.goto('/workspace');
	const id = indicators[0]!.id;
	await expect(page.locator(`#item-${id}-status`)).toBeVisible({ timeout: 30_000 });

	// From the top of the page, Tab reaches the first field; the fields follow in reading order.
	await tabTo(page, (f) => f.id === `item-${id}-status`);
	await page.keyboard.press('ArrowDown');
	await page.keyboard.press('ArrowDown');
	await expect(page.locator(`#item-${id}-status`)).not.toHaveValue('');
	for (const [field, text] of [
		['percent', '40'],
		['progress', '用键盘填写：起草工作机制。'],
		['problems', '无'],
		['next', '征求意见']
	]) {
		await page.keyboard.press('Tab');
		const f = await focused(page);
		expect(f.id).toBe(`item-${id}-${field}`);
		expect(f.ring, `focus ring on ${field}`).toBe(true);
		await page.keyboard.type(text!);
	}

	// On to 提交; Enter opens the confirmation with 提交 focused, Escape closes it and returns focus.
	await tabTo(page, (f) => f.label === '提交');
	await page.keyboard.press('Enter');
	const dialog = page.getByRole('dialog', { name: '确认提交月报' });
	await expect(dialog).toBeVisible();
	await expect(dialog.getByRole('button', { name: '提交' })).toBeFocused();
	await page.keyboard.press('Escape');
	await expect(dialog).toBeHidden();
	expect((await focused(page)).label).toBe('提交');
	await page.keyboard.press('Enter');
	await expect(dialog).toBeVisible();
	await page.keyboard.press('Enter');
	await expect(page.getByText('月报已提交，等待联席办审核。')).toBeVisible();
	await expect(page.locator('.report-head')).toContainText('待审核');
	await unit.close();
});
