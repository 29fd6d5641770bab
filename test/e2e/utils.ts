import { expect, type APIRequestContext, type BrowserContext, type Page } from '@playwright/test';
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

/** Creates a unit account through the API as the demo admin. */
export async function createUnitUser(request: APIRequestContext, unitName: string) {
	const username = unique('u');
	const login = await request.post('/api/v1/auth/login', {
		data: { username: 'admin', password: DEMO_PASSWORD }
	});
	expect(login.status()).toBe(200);
	const res = await request.post('/api/v1/users', {
		data: { username, name: `${unitName}测试员`, role: 'unit', unitName, password: DEMO_PASSWORD }
	});
	expect(res.status()).toBe(201);
	return username;
}
