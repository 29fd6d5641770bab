import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { getJson, signIn } from './utils.ts';

/**
 * Reporting from a phone (390 × 844, touch, as in 浙政钉): 省大数据局 (dsj) opens this month's form, which
 * fits the screen's width, fills one item by tapping, copies last month into the rest and submits it
 * from the bar fixed at the bottom of the screen.
 */
const PHONE = {
	viewport: { width: 390, height: 844 },
	isMobile: true,
	hasTouch: true,
	deviceScaleFactor: 3,
	locale: 'zh-CN',
	timezoneId: 'Asia/Shanghai'
};
const DIR = 'test-results/screens';

/** The page is no wider than the screen: nothing to scroll sideways. */
async function fitsWidth(page: Page) {
	const [scroll, inner] = await page.evaluate(() => [
		document.documentElement.scrollWidth,
		window.innerWidth
	]);
	expect(inner).toBe(390);
	expect(scroll, 'document scrollWidth').toBeLessThanOrEqual(inner);
}

/** A tap at the centre of the control reaches the control itself, not a neighbouring label or field. */
async function tapLandsOn(page: Page, selector: string) {
	const hit = await page.evaluate((sel) => {
		const el = document.querySelector<HTMLElement>(sel)!;
		el.scrollIntoView({ block: 'center' });
		const r = el.getBoundingClientRect();
		const at = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
		return { same: at === el || el.contains(at), height: r.height, width: r.width };
	}, selector);
	expect(hit.same, `a tap on ${selector} reaches it`).toBe(true);
	expect(hit.height, `${selector} is at least 44 px tall`).toBeGreaterThanOrEqual(44);
}

test('dsj fills and submits the monthly report on a 390 px phone', async ({ browser }) => {
	test.setTimeout(120_000);
	const context = await browser.newContext(PHONE);
	await signIn(context, 'dsj');
	const page = await context.newPage();

	await page.goto('/workspace');
	const cards = page.locator('article[data-indicator-id]');
	await expect(cards.first()).toBeVisible({ timeout: 30_000 });
	await expect(page.getByRole('heading', { level: 2, name: '2020年10月月报' })).toBeVisible();
	await fitsWidth(page);
	await page.screenshot({ path: `${DIR}/phone-workspace-390.png` });

	// The save/submit bar is on screen at the bottom before any scrolling, and stays there.
	const bar = page.locator('.actions');
	const submit = bar.getByRole('button', { name: '提交', exact: true });
	const fixedAtBottom = async () => {
		const box = (await bar.boundingBox())!;
		expect(box.y + box.height).toBeLessThanOrEqual(844);
		expect(box.y + box.height).toBeGreaterThan(844 - 4);
		expect(box.width).toBe(390);
		expect((await submit.boundingBox())!.height).toBeGreaterThanOrEqual(44);
	};
	await fixedAtBottom();

	// One column: the fields of the first item sit one under another, each reachable by a tap.
	const first = cards.first();
	const id = await first.getAttribute('data-indicator-id');
	for (const field of ['status', 'percent', 'progress', 'problems', 'next'])
		await tapLandsOn(page, `#item-${id}-${field}`);
	const [status, progress] = await Promise.all(
		['status', 'progress'].map(async (f) => (await page.locator(`#item-${id}-${f}`).boundingBox())!)
	);
	expect(progress.x).toBe(status.x);
	expect(progress.y).toBeGreaterThan(status.y);
	expect(progress.width).toBeGreaterThan(300);

	// Fill the first item by tapping its fields and typing.
	await first.getByLabel('进展状态').tap();
	await first.getByLabel('进展状态').selectOption({ label: '按计划推进' });
	await first.getByLabel('完成百分比').tap();
	await first.getByLabel('完成百分比').clear();
	await page.keyboard.type('70');
	await first.getByLabel('当月进展').tap();
	await expect(first.getByLabel('当月进展')).toBeFocused();
	await first.getByLabel('当月进展').clear(); // the demo may have left a draft for this month
	await page.keyboard.type('手机上填报：本月完成浙政钉 2.0 版消息模块的迁移。');
	await first.getByLabel('存在问题').tap();
	await expect(first.getByLabel('存在问题')).toBeFocused();
	await first.getByLabel('存在问题').clear();
	await page.keyboard.type('无');
	await page.screenshot({ path: `${DIR}/phone-workspace-item-390.png` });
	await fixedAtBottom();
	await fitsWidth(page);

	// 本月无变化 on the second item: last month's status and figures, and 当月进展 says nothing changed.
	const second = cards.nth(1);
	await second.getByLabel('当月进展').clear();
	await second.getByRole('button', { name: '本月无变化' }).tap();
	await expect(second.getByLabel('进展状态')).not.toHaveValue('');
	await expect(second.getByLabel('当月进展')).toHaveValue(/^本月无新进展，情况同 2020-09。$/);

	// Everything else from last month in one tap; the items typed above keep what was typed.
	await page.getByRole('button', { name: '全部复制上月内容' }).tap();
	await expect(page.getByRole('status').filter({ hasText: /已为 \d+ 项填入上月内容/ })).toBeVisible();
	await expect(first.getByLabel('当月进展')).toHaveValue('手机上填报：本月完成浙政钉 2.0 版消息模块的迁移。');
	await expect(first.getByLabel('完成百分比')).toHaveValue('70');
	// Items with no report last month (other tests may give dsj new assignments) are filled by hand.
	const total = await cards.count();
	for (let i = 0; i < total; i++) {
		const card = cards.nth(i);
		if ((await card.getByLabel('当月进展').inputValue()) !== '') continue;
		await card.getByLabel('进展状态').selectOption({ label: '按计划推进' });
		await card.getByLabel('当月进展').fill('本月新承接，已启动。');
	}
	await expect(page.locator('.report-head')).toContainText(`已填 ${total} / ${total} 项`);

	await submit.tap();
	const confirm = page.getByRole('dialog', { name: '确认提交月报' });
	await expect(confirm).toBeVisible();
	await page.screenshot({ path: `${DIR}/phone-workspace-confirm-390.png` });
	await confirm.getByRole('button', { name: '提交' }).tap();
	await expect(page.getByText('月报已提交，等待联席办审核。')).toBeVisible();
	await expect(page.locator('.report-head')).toContainText('待审核');
	await fitsWidth(page);
	await page.screenshot({ path: `${DIR}/phone-workspace-submitted-390.png` });
	await context.close();
});

test('the unit pages fit a 390 px phone and the office pages a 768 px tablet', async ({ browser }) => {
	test.setTimeout(120_000);
	const phone = await browser.newContext(PHONE);
	await signIn(phone, 'dsj');
	const page = await phone.newPage();
	for (const [path, ready] of [
		['/my', 'tr[data-indicator-id]'],
		['/requests', 'h1'],
		['/unit-dashboard', 'h1'],
		['/notices', 'h1']
	] as const) {
		await page.goto(path);
		await expect(page.locator(ready).first()).toBeVisible({ timeout: 30_000 });
		await page.waitForLoadState('networkidle');
		await fitsWidth(page);
		await page.screenshot({ path: `${DIR}/phone${path.replace('/', '-')}-390.png` });
	}
	// 计划总览 in the unit's menu opens the plan, filtered to the unit.
	await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '计划总览' }).tap();
	await expect(page).toHaveURL(/\/plans\/\d+\?unit=\d+$/);
	await expect(page.locator('tr[data-indicator-id]').first()).toBeVisible({ timeout: 30_000 });
	await page.screenshot({ path: `${DIR}/phone-plan-390.png` });
	await phone.close();

	const tablet = await browser.newContext({ viewport: { width: 768, height: 1024 } });
	await signIn(tablet, 'office');
	const office = await tablet.newPage();
	for (const [path, ready] of [
		['/review', 'tr[data-report-id]'],
		['/requests?status=all', 'tr[data-request-id]'],
		['/dashboard', 'h1']
	] as const) {
		await office.goto(path);
		await expect(office.locator(ready).first()).toBeVisible({ timeout: 30_000 });
		const [scroll, inner] = await office.evaluate(() => [document.documentElement.scrollWidth, innerWidth]);
		expect(scroll, `${path} at 768`).toBeLessThanOrEqual(inner);
		await office.screenshot({ path: `${DIR}/tablet${path.replace(/[/?=]/g, '-')}-768.png` });
	}
	await tablet.close();
});

type Ids = { plan: number; indicator: number; unit: number; bulletin: number };

/**
 * A published bulletin every role may read: the demo has none, so the office makes and publishes the
 * 2020-08 monthly one through the API the first time (bulletins.e2e.ts works on 2020-09).
 */
async function publishedBulletin(browser: Browser) {
	const office = await browser.newContext();
	await signIn(office, 'office');
	const { items } = await getJson<{ items: { id: number; status: string }[] }>(
		office.request,
		'/api/v1/bulletins'
	);
	let id = items.find((b) => b.status === 'published')?.id;
	if (!id) {
		const made = await office.request.post('/api/v1/bulletins', { data: { period: '2020-08' } });
		expect(made.status(), await made.text()).toBe(201);
		id = ((await made.json()) as { id: number }).id;
		const published = await office.request.post(`/api/v1/bulletins/${id}/publish`);
		expect(published.status(), await published.text()).toBe(200);
	}
	await office.close();
	return id;
}

async function idsFor(browser: Browser, context: BrowserContext): Promise<Ids> {
	const plan = (
		await getJson<{ items: { id: number; year: number }[] }>(context.request, '/api/v1/plans')
	).items.find((p) => p.year === 2020)!.id;
	const indicator = (
		await getJson<{ items: { id: number }[] }>(
			context.request,
			`/api/v1/indicators?planId=${plan}&pageSize=1`
		)
	).items[0]!.id;
	const unit = (
		await getJson<{ items: { id: number; name: string }[] }>(context.request, '/api/v1/units')
	).items.find((u) => u.name === '省大数据局')!.id;
	return { plan, indicator, unit, bulletin: await publishedBulletin(browser) };
}

/**
 * What sticks out past the screen's right edge: the outermost such elements, leaving out those inside a
 * box that scrolls or clips (the menu bar, a DataTable's own scroll box), which do not widen the page.
 */
function outermostWide(page: Page) {
	return page.evaluate(() => {
		const inScrollBox = (el: Element) => {
			for (let a = el.parentElement; a && a !== document.body; a = a.parentElement)
				if (getComputedStyle(a).overflowX !== 'visible') return true;
			return false;
		};
		const wide = [...document.querySelectorAll('body *')].filter(
			(el) => el.getBoundingClientRect().right > innerWidth + 1 && !inScrollBox(el)
		);
		return wide
			.filter((el) => !wide.includes(el.parentElement!))
			.slice(0, 5)
			.map(
				(el) =>
					`${el.tagName.toLowerCase()}.${[...el.classList].join('.')} → ${Math.round(el.getBoundingClientRect().right)}`
			);
	});
}

/** A page to visit: its path, or how to make it from the demo's ids (only the business roles read those). */
type Visit = { path: string | ((ids: Ids) => string); open?: (page: Page) => Promise<void> };
const at = (path: string): Visit => ({ path });
const PLAN: Visit = { path: (ids) => `/plans/${ids.plan}` };
const INDICATOR: Visit = { path: (ids) => `/indicators/${ids.indicator}` };
const BULLETIN: Visit = { path: (ids) => `/bulletins/${ids.bulletin}` };
const UNIT_DASHBOARD: Visit = { path: (ids) => `/unit-dashboard?unitId=${ids.unit}` };
/** The first report in the review queue, opened from its row as the office does. */
const REPORT: Visit = {
	path: () => '/review?status=all',
	open: async (page) => {
		await page.locator('tr[data-report-id]').first().getByRole('link').first().click();
		await expect(page.locator('article[data-indicator-id]').first()).toBeVisible({ timeout: 30_000 });
	}
};

/** Every page each role reaches from its menu (and the pages one tap further), as it uses them on a phone. */
const ROLE_PAGES: Record<string, Visit[]> = {
	dsj: [
		at('/workspace'),
		at('/my'),
		at('/parts'),
		at('/unit-dashboard'),
		PLAN,
		INDICATOR,
		at('/requests'),
		at('/milestones'),
		at('/notices'),
		at('/bulletins'),
		BULLETIN,
		at('/notifications'),
		at('/account')
	],
	office: [
		at('/dashboard'),
		UNIT_DASHBOARD,
		at('/plans'),
		PLAN,
		INDICATOR,
		at('/review'),
		REPORT,
		at('/requests?status=all'),
		at('/milestones'),
		at('/notices'),
		at('/bulletins'),
		BULLETIN,
		at('/units'),
		at('/import'),
		at('/pending'),
		at('/notifications'),
		at('/account')
	],
	leader: [
		at('/dashboard'),
		UNIT_DASHBOARD,
		PLAN,
		INDICATOR,
		at('/review'),
		REPORT,
		at('/bulletins'),
		BULLETIN,
		at('/notifications'),
		at('/account')
	],
	// The three administrators (三员分立) keep their own pages, which the API refuses to everyone else.
	admin: [at('/users'), at('/mail'), at('/mail?tab=jobs'), at('/account')],
	secadmin: [at('/security'), at('/security?tab=sessions'), at('/security?tab=policy'), at('/account')],
	auditor: [at('/audit'), at('/account')]
};

for (const [user, visits] of Object.entries(ROLE_PAGES)) {
	test(`every page ${user} uses fits a 390 px phone`, async ({ browser }) => {
		test.setTimeout(300_000);
		const context = await browser.newContext(PHONE);
		await signIn(context, user);
		let ids: Ids | undefined;
		const page = await context.newPage();
		for (const visit of visits) {
			const path =
				typeof visit.path === 'string' ? visit.path : visit.path((ids ??= await idsFor(browser, context)));
			await page.goto(path);
			await expect(page.getByRole('heading', { level: 1 }).first()).toBeVisible({ timeout: 30_000 });
			await page.waitForLoadState('networkidle');
			if (visit.open) await visit.open(page);
			const width = await page.evaluate(() => document.documentElement.scrollWidth);
			const where = page.url().replace(/^https?:\/\/[^/]+/, '');
			// One line per page in the report: the widths, and what sticks out when the page is too wide.
			const wide = width > 390 ? await outermostWide(page) : [];
			console.log(JSON.stringify({ user, path: where, scrollWidth: width, wide }));
			const name = `phone-fit-${user}${where.replace(/[/?=&]+/g, '-')}`.replace(/-+$/, '');
			await page.screenshot({ path: `${DIR}/${name}-390.png`, fullPage: true });
			expect.soft(width, `${where} scrollWidth at 390`).toBeLessThanOrEqual(390);
		}
		await context.close();
	});
}
