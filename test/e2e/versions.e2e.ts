import { expect, test, type APIRequestContext } from '@playwright/test';
import { createUnitUser, getJson, importPlan, signIn, tinyPdf, unique } from './utils.ts';

type Form = {
	report: { id: number; revision: number } | null;
	items: { indicatorId: number; attachments: { id: number }[] }[];
};

const PERIOD = '2020-10';

async function upload(request: APIRequestContext, name: string) {
	const res = await request.post('/api/v1/attachments', {
		multipart: { file: { name, mimeType: 'application/pdf', buffer: tinyPdf() } }
	});
	expect(res.status(), await res.text()).toBe(201);
	return ((await res.json()) as { id: number }).id;
}

async function submit(request: APIRequestContext, form: Form, attachmentsOf: (i: number) => number[]) {
	const res = await request.post(`/api/v1/reports/mine/${PERIOD}/submit`, {
		data: {
			revision: form.report?.revision ?? null,
			items: form.items.map((item, i) => ({
				indicatorId: item.indicatorId,
				progressStatus: 'on_track',
				percent: 50,
				progress: '本月完成系统联调',
				attachmentIds: attachmentsOf(i)
			}))
		}
	});
	expect(res.status(), await res.text()).toBe(200);
	return ((await res.json()) as { report: { id: number; version: number } }).report;
}

/**
 * A unit resubmits a returned report with an acceptance report attached: the office's review page
 * numbers the submissions v1 and v2, and comparing them shows the attachment added.
 */
test('the review page’s version compare shows an attachment added on resubmission', async ({ browser }) => {
	test.setTimeout(90_000);
	const unitName = unique('版本比较单位');
	const office = await browser.newContext();
	await signIn(office, 'office');
	await importPlan(office.request, [
		['测试领域', unique('平台建设任务'), '建成统一数据平台', '2020年12月底前', unitName],
		['测试领域', unique('机制建设任务'), '完善数据共享机制', '2020年12月底前', unitName]
	]);
	const admin = await browser.newContext();
	const username = await createUnitUser(admin.request, unitName);
	await admin.close();
	const unit = await browser.newContext();
	await signIn(unit, username);

	const first = await upload(unit.request, '系统联调记录.pdf');
	const form = await getJson<Form>(unit.request, `/api/v1/reports/mine/${PERIOD}`);
	const v1 = await submit(unit.request, form, (i) => (i === 0 ? [first] : []));
	expect(v1.version).toBe(1);
	const returned = await office.request.post(`/api/v1/reports/${v1.id}/return`, {
		data: { reason: '请补充平台验收材料' }
	});
	expect(returned.status()).toBe(200);
	const added = await upload(unit.request, '平台验收报告.pdf');
	const back = await getJson<Form>(unit.request, `/api/v1/reports/mine/${PERIOD}`);
	const v2 = await submit(unit.request, back, (i) => (i === 0 ? [first, added] : []));
	expect(v2.version).toBe(2);

	const page = await office.newPage();
	await page.goto(`/review/${v1.id}`);
	const history = page.locator('section[aria-labelledby="versions-title"]');
	await expect(history.locator('.version')).toHaveText([/^v2\s*提交/, /^v1\s*退回/, /^v1\s*提交/]);
	// The default pair is the last two: the return of v1 and the resubmission v2.
	await history.getByRole('button', { name: '比较' }).click();
	const table = page.getByRole('table', { name: 'v1 退回 与 v2 提交 的差异' });
	await expect(table).toBeVisible();
	const row = table.getByRole('row').filter({ hasText: '新增附件' });
	await expect(row).toHaveCount(1);
	// The item's name heads its changes: one cell down its rows, so it is the table's, not every row's.
	await expect(table).toContainText('建成统一数据平台');
	await expect(row.getByRole('link', { name: '平台验收报告.pdf' })).toBeVisible();
	await expect(table).not.toContainText('系统联调记录.pdf');
	await page.screenshot({ path: 'test-results/screens/review-versions-attachment-1440.png' });
	await page.setViewportSize({ width: 390, height: 844 });
	await expect(table).toBeVisible();
	await page.screenshot({ path: 'test-results/screens/review-versions-attachment-390.png' });
	await Promise.all([office.close(), unit.close()]);
});
