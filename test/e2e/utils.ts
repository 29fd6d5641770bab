import {
	expect,
	request as playwrightRequest,
	type APIRequestContext,
	type BrowserContext,
	type Page
} from '@playwright/test';
import ExcelJS from 'exceljs';

export const DEMO_PASSWORD = 'Duban@2020';

/** Signs a browser context in through the API (the login form itself is tested in auth.e2e.ts). */
export async function signIn(context: BrowserContext, username: string, password = DEMO_PASSWORD) {
	const res = await context.request.post('/api/v1/auth/login', { data: { username, password } });
	expect(res.status(), `login ${username}`).toBe(200);
}

export async function signInPage(page: Page, username: string, path = '/') {
	await signIn(page.context(), username);
	await page.goto(path);
}

let counter = 0;
/** A name no other test uses, so tests never depend on each other's data. */
export function unique(prefix: string) {
	counter++;
	return `${prefix}${Date.now().toString(36)}${counter}`;
}

/** Builds a small task-division table as .xlsx with merged section cells, like offices keep them. */
export async function taskTableXlsx(rows: string[][]): Promise<Buffer> {
	const wb = new ExcelJS.Workbook();
	const ws = wb.addWorksheet('分工表');
	ws.addRow(['一级领域', '工作任务', '具体指标', '完成时间', '责任单位']);
	for (const r of rows) ws.addRow(r);
	return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The origin the browser tests run against (as playwright.config.ts sets baseURL). */
export const BASE_URL = `http://127.0.0.1:${process.env.E2E_PORT ?? 4173}`;

/** A password the policy accepts, for accounts an administrator creates (changed at the first sign-in). */
export const TEMP_PASSWORD = 'Temp@Pass2020';

/**
 * Creates a unit account through the API as the demo admin. The admin's password is only temporary
 * (it must be changed at the first sign-in), so the new user signs in once in a separate request
 * context and changes it to the demo password: callers then sign in with DEMO_PASSWORD as before.
 */
export async function createUnitUser(request: APIRequestContext, unitName: string) {
	const username = unique('u');
	const login = await request.post('/api/v1/auth/login', {
		data: { username: 'admin', password: DEMO_PASSWORD }
	});
	expect(login.status()).toBe(200);
	const res = await request.post('/api/v1/users', {
		data: { username, name: `${unitName}测试员`, role: 'unit', unitName, password: TEMP_PASSWORD }
	});
	expect(res.status(), await res.text()).toBe(201);
	await changeFirstPassword(username, TEMP_PASSWORD, DEMO_PASSWORD);
	return username;
}

/** Signs a new account in once, in its own request context, and replaces its temporary password. */
export async function changeFirstPassword(username: string, temporary: string, password: string) {
	const own = await playwrightRequest.newContext({ baseURL: BASE_URL });
	try {
		const login = await own.post('/api/v1/auth/login', { data: { username, password: temporary } });
		expect(login.status(), `first login ${username}`).toBe(200);
		expect(((await login.json()) as { pending: string | null }).pending).toBe('password');
		const change = await own.post('/api/v1/auth/password', {
			data: { currentPassword: temporary, newPassword: password }
		});
		expect(change.status(), await change.text()).toBe(200);
		// Leave no session behind: tests count the sessions a user has.
		expect((await own.post('/api/v1/auth/logout')).status()).toBe(200);
	} finally {
		await own.dispose();
	}
}

/** Reads JSON from the API, failing the test with the URL on any other status. */
export async function getJson<T>(request: APIRequestContext, url: string): Promise<T> {
	const res = await request.get(url);
	expect(res.status(), url).toBe(200);
	return (await res.json()) as T;
}

/**
 * Imports a small 2020 plan through the API as the office (the request context must be signed in as
 * the office). Unknown units are created, so a fresh unit name gives a unit with only these indicators.
 */
export async function importPlan(request: APIRequestContext, rows: string[][], title = unique('E2E计划')) {
	const res = await request.post('/api/v1/imports', {
		multipart: {
			file: { name: 'plan.xlsx', mimeType: 'application/octet-stream', buffer: await taskTableXlsx(rows) },
			title,
			year: '2020',
			createUnits: '1'
		}
	});
	expect(res.status(), await res.text()).toBe(200);
	const planId = ((await res.json()) as { planId: number }).planId;
	const { items } = await getJson<{ items: { id: number; text: string }[] }>(
		request,
		`/api/v1/indicators?planId=${planId}&pageSize=500`
	);
	return { planId, title, indicators: items };
}

/** The id of a unit by its exact name. */
export async function unitIdOf(request: APIRequestContext, name: string) {
	const { items } = await getJson<{ items: { id: number; name: string }[] }>(request, '/api/v1/units');
	const unit = items.find((u) => u.name === name);
	expect(unit, name).toBeTruthy();
	return unit!.id;
}

/** A small valid PDF, built in the test (the server checks that the bytes start with %PDF-). */
export function tinyPdf(): Buffer {
	return Buffer.from(
		'%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n'
	);
}

/**
 * Chooses an option in each of several selects (by id) within one task: every change before the one
 * before it has landed, as a quick hand might.
 */
export async function selectAtOnce(page: Page, choices: Record<string, string>) {
	await page.evaluate((choices) => {
		for (const [id, value] of Object.entries(choices)) {
			const select = document.getElementById(id) as HTMLSelectElement;
			select.value = value;
			select.dispatchEvent(new Event('change', { bubbles: true }));
		}
	}, choices);
}
