import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { signIn, signInPage, unique } from './utils.ts';

type BulletinRow = { id: number; status: 'draft' | 'published'; number: string | null };

test.describe('通报', () => {
	test('the office generates, edits and publishes a bulletin; a unit reads it and downloads it', async ({
		page,
		browser
	}) => {
		await signInPage(page, 'office', '/bulletins');
		await expect(page.getByRole('heading', { level: 1, name: '通报' })).toBeVisible();

		// Generate the 2020-09 monthly bulletin.
		await page.getByLabel('月度通报').check();
		await page.getByLabel('通报月份').fill('2020-09');
		await page.getByRole('button', { name: '生成草稿' }).click();
		await expect(page).toHaveURL(/\/bulletins\/\d+$/);
		const id = Number(page.url().split('/').at(-1));
		await expect(page.locator('[data-status="draft"]')).toBeVisible();
		await expect(page.getByTestId('bulletin-number')).toHaveText('（草稿，发布后编号）');
		// As of the month's last day; the day 较上期 compares with is stated.
		await expect(
			page.getByText('（2020年9月 · 统计日期 2020年9月30日，较上期比较日 2020年8月31日）')
		).toBeVisible();
		for (const part of [
			'一、总体情况',
			'二、目标任务完成情况',
			'三、各单位得分排名',
			'四、表扬',
			'五、通报批评',
			'六、存在问题',
			'七、整改要求',
			'八、下期工作安排'
		])
			await expect(page.getByRole('heading', { name: part, exact: true })).toBeVisible();
		for (const att of [
			'分领域进展情况',
			'量化目标完成情况',
			'各单位得分排名',
			'逾期未完成指标清单',
			'月报报送情况'
		])
			await expect(page.getByRole('heading', { name: att, exact: true })).toBeVisible();
		// The overdue list: one row per indicator, 牵头 and 配合 apart, a 合计 row.
		const overdue = page.locator('section.attachment', {
			has: page.getByRole('heading', { name: '逾期未完成指标清单' })
		});
		await expect(overdue.locator('tbody tr').first()).toContainText('牵头 ');
		await expect(overdue.locator('tr.total')).toContainText('合计');
		for (const width of [1440, 390]) {
			await page.setViewportSize({ width, height: 900 });
			await page.screenshot({ path: test.info().outputPath(`monthly-${width}.png`), fullPage: true });
		}
		await page.setViewportSize({ width: 1440, height: 900 });

		// Edit one text part and save it.
		const edited = `${unique('经研究，')}现将2020年9月全省政府数字化转型工作进展情况通报如下。`;
		const overview = page.getByLabel('一、总体情况');
		await overview.fill(edited);
		await expect(page.getByText('有未保存的修改')).toBeVisible();
		await page.getByRole('button', { name: '保存修改' }).click();
		await expect(page.getByText('已保存', { exact: true })).toBeVisible();
		const saved = await (await page.request.get(`/api/v1/bulletins/${id}`)).json();
		expect(saved.content.texts.overview).toBe(edited);

		// Drafts stay with the office.
		const unit = await browser.newContext();
		await signIn(unit, 'dsj');
		const unitList = (await (await unit.request.get('/api/v1/bulletins')).json()) as { items: BulletinRow[] };
		expect(unitList.items.some((b) => b.id === id)).toBe(false);
		expect((await unit.request.get(`/api/v1/bulletins/${id}`)).status()).toBe(404);

		// Publish (with confirmation): numbered and frozen.
		await page.getByRole('button', { name: '发布', exact: true }).click();
		const dialog = page.getByRole('dialog', { name: '发布通报' });
		await expect(dialog).toContainText('冻结');
		await dialog.getByRole('button', { name: '发布' }).click();
		await expect(page.getByTestId('bulletin-number')).toHaveText(/^督查通报〔2020〕\d+号$/);
		// 整改要求: a notice to each unit named, with where it stands.
		await expect(page.getByTestId('rectification')).toContainText('待反馈');
		const number = await page.getByTestId('bulletin-number').textContent();
		await expect(page.locator('[data-status="published"]')).toBeVisible();
		await expect(page.getByLabel('一、总体情况')).toHaveCount(0);
		await expect(page.getByRole('button', { name: '保存修改' })).toHaveCount(0);
		const late = await page.request.put(`/api/v1/bulletins/${id}`, { data: { texts: { overview: 'x' } } });
		expect(late.status()).toBe(409);

		// The unit reads it from the list and sees the edited text.
		const unitPage = await unit.newPage();
		await unitPage.goto('/bulletins');
		const row = unitPage.locator(`tr[data-bulletin-id="${id}"]`);
		await expect(row).toContainText(number!);
		await row.getByRole('link', { name: /关于2020年9月/ }).click();
		await expect(unitPage).toHaveURL(new RegExp(`/bulletins/${id}$`));
		await expect(unitPage.locator('[data-part="overview"]')).toContainText(edited);
		await expect(unitPage.getByTestId('bulletin-number')).toHaveText(number!);
		await expect(unitPage.getByRole('button', { name: '发布' })).toHaveCount(0);

		// Downloads: a Word document and the tables as a workbook.
		const [docx] = await Promise.all([
			unitPage.waitForEvent('download'),
			unitPage.getByRole('link', { name: '下载 Word' }).click()
		]);
		expect(docx.suggestedFilename()).toMatch(/\.docx$/);
		expect(
			readFileSync((await docx.path())!)
				.subarray(0, 2)
				.toString()
		).toBe('PK');
		const [xlsx] = await Promise.all([
			unitPage.waitForEvent('download'),
			unitPage.getByRole('link', { name: '下载附表 Excel' }).click()
		]);
		expect(xlsx.suggestedFilename()).toMatch(/\.xlsx$/);
		for (const [format, type] of [
			['docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
			['xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet']
		]) {
			const res = await unit.request.get(`/api/v1/bulletins/${id}/export?format=${format}`);
			expect(res.status()).toBe(200);
			expect(res.headers()['content-type']).toContain(type);
			expect(res.headers()['content-disposition']).toMatch(/attachment/);
			expect(res.headers()['content-disposition']).toContain(`.${format}`);
		}
		await unit.close();
	});

	test('a weekly bulletin is generated from its Monday; print hides the screen furniture', async ({
		page
	}) => {
		await signInPage(page, 'office', '/bulletins');
		await page.getByLabel('每周通报').check();
		await page.getByLabel('周一日期').fill('2020-09-22');
		await expect(page.getByText('请选择该周的星期一')).toBeVisible();
		await page.getByLabel('周一日期').fill('2020-09-21');
		await page.getByRole('button', { name: '生成草稿' }).click();
		await expect(page).toHaveURL(/\/bulletins\/\d+$/);
		await expect(
			page.getByText('（2020-09-21 至 2020-09-27 · 统计日期 2020年9月27日，较上期比较日 2020年9月20日）')
		).toBeVisible();
		await expect(page.getByRole('heading', { name: '本周动态', exact: true })).toBeVisible();
		await expect(page.getByLabel('一、总体情况')).toHaveValue(/本周完成指标/);
		for (const width of [1440, 390]) {
			await page.setViewportSize({ width, height: 900 });
			await page.screenshot({ path: test.info().outputPath(`weekly-${width}.png`), fullPage: true });
		}
		await page.setViewportSize({ width: 1440, height: 900 });

		await page.emulateMedia({ media: 'print' });
		await expect(page.getByRole('button', { name: '打印' })).toBeHidden();
		await expect(page.getByRole('banner')).toBeHidden();
		await expect(page.getByLabel('一、总体情况')).toBeHidden();
		// What prints is the official document: masthead, draft number, body, attachments on new pages.
		const sent = page.locator('.print-view .official');
		await expect(sent).toBeVisible();
		await expect(sent).toContainText('〔2020〕 号');
		await expect(sent).toContainText('一、总体情况');
		await expect(page.locator('article.doc')).toBeHidden();
		const breaks = await page
			.locator('.print-view .attachment')
			.evaluateAll((els) => els.map((el) => getComputedStyle(el).breakBefore));
		expect(breaks.length).toBeGreaterThanOrEqual(4);
		expect(new Set(breaks)).toEqual(new Set(['page']));
	});

	test('leaders and units see the published bulletins only and cannot generate one', async ({ browser }) => {
		for (const user of ['leader', 'dsj']) {
			const context = await browser.newContext();
			await signIn(context, user);
			const page = await context.newPage();
			await page.goto('/bulletins');
			await expect(page.getByRole('heading', { level: 1, name: '通报' })).toBeVisible();
			await expect(page.getByRole('button', { name: '生成草稿' })).toHaveCount(0);
			const list = (await (await context.request.get('/api/v1/bulletins')).json()) as {
				items: BulletinRow[];
			};
			expect(list.items.every((b) => b.status === 'published')).toBe(true);
			const post = await context.request.post('/api/v1/bulletins', {
				data: { period: '2020-09', week: null }
			});
			expect(post.status()).toBe(403);
			await context.close();
		}
	});
});
