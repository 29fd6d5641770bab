import { expect, test } from '@playwright/test';
import { getJson, selectAtOnce, signIn } from './utils.ts';

test('the review queue keeps two filters set at once and lists what the API lists under them', async ({
	page
}) => {
	await signIn(page.context(), 'office');
	await page.goto('/review');
	const rows = page.locator('tr[data-report-id]');
	await expect(page.getByRole('heading', { level: 1 })).toBeVisible();

	// Status and lateness set in one go, the second before the first has landed (all statuses: no status
	// in the API's query).
	await selectAtOnce(page, { 'rf-status': 'all', 'rf-late': '1' });
	await expect(page).toHaveURL(/status=all/);
	await expect(page).toHaveURL(/late=1/);

	const listed = await getJson<{ items: { id: number }[]; total: number }>(
		page.context().request,
		'/api/v1/reports?page=1&pageSize=30&late=1'
	);
	expect(listed.total, 'the demo year has late reports').toBeGreaterThan(0);
	await expect
		.poll(() => rows.evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-report-id')))))
		.toEqual(listed.items.map((r) => r.id));

	// Back to the queue's default: reports waiting for review, lateness unset.
	await page.getByRole('button', { name: '清空筛选' }).click();
	await expect(page).not.toHaveURL(/status=|late=/);
});
