import { mkdirSync, writeFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { signIn, taskTableXlsx, unique } from './utils.ts';

const SHOTS = process.env.SHOTS_DIR ?? 'test-results/screens';

/**
 * A city's supervisor: hzdb (杭州市督查员) sees 杭州's units only, on the dashboard, the review queue and the
 * directory, under a header that names its level; the province's own pages are not in its navigation.
 */
test('hzdb supervises 杭州市政府 and its districts only: dashboard, review queue and directory', async ({
	page,
	browser
}) => {
	test.setTimeout(120_000);
	// The province hands 西湖区政府 and 宁波's 海曙区政府 a task each; both report.
	const office = await browser.newContext();
	await signIn(office, 'office');
	const xihuText = unique('西湖区数字化改革指标');
	const haishuText = unique('海曙区数字化改革指标');
	const file = await taskTableXlsx([
		['测试领域', unique('测试任务'), xihuText, '2020年9月底前', '西湖区政府'],
		['测试领域', unique('测试任务'), haishuText, '2020年9月底前', '海曙区政府']
	]);
	const imported = await office.request.post('/api/v1/imports', {
		multipart: {
			file: { name: 'plan.xlsx', mimeType: 'application/octet-stream', buffer: file },
			title: unique('E2E分级督查计划'),
			year: '2020'
		}
	});
	expect(imported.status()).toBe(200);
	const planId = ((await imported.json()) as { planId: number }).planId;
	const items = (
		(await (await office.request.get(`/api/v1/indicators?planId=${planId}`)).json()) as {
			items: { id: number; text: string }[];
		}
	).items;
	await office.close();

	const xihu = await browser.newContext();
	await signIn(xihu, 'xihu');
	// The demo year may have sent 西湖区's October report already (its handed-down part): then that one is
	// in the queue; else it is sent now with the new task's item.
	const mine = (await (await xihu.request.get('/api/v1/reports/mine/2020-10')).json()) as {
		report: { id: number; status: string; revision: number } | null;
	};
	let reportId = mine.report?.id ?? 0;
	if (!mine.report || mine.report.status === 'draft' || mine.report.status === 'returned') {
		const submitted = await xihu.request.post('/api/v1/reports/mine/2020-10/submit', {
			data: {
				revision: mine.report?.revision ?? null,
				items: [
					{
						indicatorId: items.find((i) => i.text === xihuText)!.id,
						progressStatus: 'on_track',
						progress: '已完成方案编制，正在推进系统建设。'
					}
				]
			}
		});
		expect(submitted.status(), await submitted.text()).toBe(200);
		reportId = ((await submitted.json()) as { report: { id: number } }).report.id;
	}
	await xihu.close();

	await signIn(page.context(), 'hzdb');
	await page.goto('/dashboard');
	// The header names the level.
	await expect(page.locator('.who')).toContainText('杭州市督查员');
	await expect(page.locator('.who')).toContainText('杭州市政府及下属单位');
	const nav = page.getByRole('navigation', { name: '主导航' });
	await expect(nav.getByRole('link', { name: '督查看板' })).toBeVisible();
	await expect(nav.getByRole('link', { name: '导入' })).toHaveCount(0);
	await expect(nav.getByRole('link', { name: '待明确' })).toHaveCount(0);

	// The dashboard's units are 杭州's: the report matrix and the ranking name no other city or department.
	await expect(page.locator('.tile-value').first()).toBeVisible();
	const matrixUnits = page.locator('th.unit-col a');
	await expect(matrixUnits.first()).toBeVisible();
	for (const name of await matrixUnits.allTextContents())
		expect(name).toMatch(/^(杭州市政府|.+区政府|.+县政府|.+市政府)$/);
	const dashboardText = await page.locator('main').innerText();
	for (const other of ['宁波市政府', '海曙区政府', '省大数据局', '省发展改革委'])
		expect(dashboardText).not.toContain(other);
	await expect(page.locator('main')).toContainText('西湖区政府');
	for (const [width, height] of [
		[1440, 900],
		[390, 844]
	] as const) {
		await page.setViewportSize({ width, height });
		await page.screenshot({ path: `${SHOTS}/subtree-dashboard-${width}.png`, fullPage: true });
	}
	await page.setViewportSize({ width: 1440, height: 900 });

	// The review queue: 西湖区政府's report is there, 宁波's and the provinces' are not.
	await page.goto('/review?status=all');
	await expect(page.locator(`tr[data-report-id="${reportId}"]`)).toContainText('西湖区政府');
	const queue = await page.locator('main').innerText();
	for (const other of ['宁波市政府', '海曙区政府', '省大数据局']) expect(queue).not.toContain(other);
	for (const [width, height] of [
		[1440, 900],
		[390, 844]
	] as const) {
		await page.setViewportSize({ width, height });
		await page.screenshot({ path: `${SHOTS}/subtree-review-${width}.png`, fullPage: true });
	}
	await page.setViewportSize({ width: 1440, height: 900 });

	// A guessed indicator of 宁波 does not exist for it.
	const haishu = items.find((i) => i.text === haishuText)!.id;
	expect((await page.context().request.get(`/api/v1/indicators/${haishu}`)).status()).toBe(404);

	// The directory: 杭州's tree only.
	await page.goto('/units');
	await expect(page.locator('tr[data-unit="西湖区政府"]')).toBeVisible();
	await expect(page.locator('tr[data-unit="宁波市政府"]')).toHaveCount(0);
	await expect(page.locator('tr[data-unit="省大数据局"]')).toHaveCount(0);
	for (const [width, height] of [
		[1440, 900],
		[390, 844]
	] as const) {
		await page.setViewportSize({ width, height });
		await page.screenshot({ path: `${SHOTS}/subtree-units-${width}.png`, fullPage: true });
	}
});

/**
 * hzdb writes 杭州's own bulletin: from the menu, numbered in 杭州's series (杭州市督查通报〔year〕N号), under
 * 杭州's masthead, naming 杭州's units only; the list says who issued each.
 */
test('hzdb generates and publishes 杭州’s own bulletin', async ({ page }) => {
	test.setTimeout(180_000);
	await signIn(page.context(), 'hzdb');
	await page.goto('/dashboard');
	await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '通报' }).click();
	await expect(page.getByRole('heading', { level: 1, name: '通报' })).toBeVisible();
	// The scoring rules are the province's.
	await expect(page.getByRole('link', { name: '评分规则' })).toHaveCount(0);
	await page.getByLabel('月度通报').check();
	await page.getByLabel('通报月份').fill('2020-09');
	await page.getByRole('button', { name: '生成草稿' }).click();
	// Made on a worker thread: slow on a loaded machine.
	await expect(page).toHaveURL(/\/bulletins\/\d+$/, { timeout: 60_000 });
	await expect(page.locator('.mast-office')).toHaveText('杭州市推进政府数字化转型联席会议办公室');
	await page.getByRole('button', { name: '发布', exact: true }).click();
	await page.getByRole('dialog', { name: '发布通报' }).getByRole('button', { name: '发布' }).click();
	await expect(page.getByTestId('bulletin-number')).toHaveText(/^杭州市督查通报〔2020〕\d+号$/, {
		timeout: 30_000
	});
	// The .docx as downloaded, kept beside the screenshots for the documents check to render.
	const id = Number(page.url().split('/').at(-1));
	mkdirSync(SHOTS, { recursive: true });
	const docx = await page.request.get(`/api/v1/bulletins/${id}/export?format=docx`);
	expect(docx.status()).toBe(200);
	writeFileSync(`${SHOTS}/subtree-bulletin.docx`, await docx.body());
	const body = await page.locator('main').textContent();
	for (const other of ['宁波市政府', '海曙区政府', '省大数据局']) expect(body).not.toContain(other);
	for (const [width, height] of [
		[1440, 900],
		[390, 844]
	] as const) {
		await page.setViewportSize({ width, height });
		await page.screenshot({ path: `${SHOTS}/subtree-bulletin-${width}.png`, fullPage: true });
	}
	await page.setViewportSize({ width: 1440, height: 900 });
	await page.goto('/bulletins');
	const row = page.locator('tbody tr').first();
	await expect(row).toContainText('杭州市政府');
	await expect(row).toContainText('杭州市督查通报〔2020〕');
	for (const [width, height] of [
		[1440, 900],
		[390, 844]
	] as const) {
		await page.setViewportSize({ width, height });
		await page.screenshot({ path: `${SHOTS}/subtree-bulletins-${width}.png`, fullPage: true });
		// The level's longer menu (通报 included) fits the screen: nothing pushes the page wider.
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
	}
});
