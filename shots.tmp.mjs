// temporary screenshot helper for iteration (deleted at the end)
import { chromium } from '@playwright/test';
const base = 'http://127.0.0.1:3999';
const [user, path, name, width = '1440', height = '900', full = '1', clipY] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const ctx = await browser.newContext({ viewport: { width: +width, height: +height }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', baseURL: base });
if (user !== '-') {
	const r = await ctx.request.post('/api/v1/auth/login', { data: { username: user, password: 'Duban@2020' } });
	if (r.status() !== 200) throw new Error('login ' + r.status());
}
if (process.env.LOCALE === 'en') await ctx.addInitScript(() => localStorage.setItem('duban.locale', 'en'));
const page = await ctx.newPage();
if (process.env.PRINT) await page.emulateMedia({ media: 'print' });
const errors = [];
page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
page.on('pageerror', (e) => errors.push(String(e)));
await page.goto(path);
await page.waitForLoadState('networkidle');
await page.waitForTimeout(300);
if (clipY !== undefined) await page.screenshot({ path: `/tmp/shots/${name}.png`, fullPage: true, clip: { x: 0, y: +clipY, width: +width, height: +height } });
else await page.screenshot({ path: `/tmp/shots/${name}.png`, fullPage: full === '1' });
console.log('url', page.url(), errors.length ? errors : '');
await browser.close();
