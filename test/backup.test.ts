import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importPlan, SAMPLE_FILES, startTestServer, uploadForm, type TestServer } from './support/harness.ts';

const bin = new URL('../bin/duban.mjs', import.meta.url).pathname;
let s: TestServer;
let scratch: string;
beforeAll(async () => {
	s = await startTestServer({ start: new Date('2020-05-10T02:00:00Z') });
	scratch = mkdtempSync(join(tmpdir(), 'duban-backup-'));
});
afterAll(async () => {
	await s.close();
	rmSync(scratch, { recursive: true, force: true });
});

describe('backup and restore', () => {
	it('backs up while the server writes, and restores into an empty folder with the same rows and files', async () => {
		const office = await s.as('office');
		await importPlan(
			office,
			[['领域', '', '备份任务', '备份指标', '2020年12月底前', '省体育局']],
			2020,
			'2020-04-01'
		);
		const unit = await s.as('unit', '省体育局');
		const files: number[] = [];
		for (let i = 0; i < 3; i++)
			files.push(
				(await unit.post('/api/v1/attachments', uploadForm(SAMPLE_FILES.pdf, `材料${i}.pdf`))).data.id
			);

		// Keep writing (draft saves) while the backup runs in another process.
		const form = (await unit.get('/api/v1/reports/mine/2020-04')).data;
		let revision: number | null = null;
		let writing = true;
		const writer = (async () => {
			let n = 0;
			while (writing) {
				// At the pace of autosave, under the per-user limit of saves a minute.
				s.clock.advance(3_000);
				const res = await unit.request('PUT', '/api/v1/reports/mine/2020-04', {
					revision,
					items: form.items.map((i: any) => ({
						indicatorId: i.indicatorId,
						progress: `第 ${++n} 次保存`,
						attachmentIds: files
					}))
				});
				revision = res.data.report.revision;
			}
			return n;
		})();
		const out = join(scratch, 'backup');
		const backup = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
			const child = spawn(process.execPath, [bin, 'backup', '--out', out], {
				env: { ...process.env, DATA_DIR: s.config.dataDir }
			});
			let stdout = '';
			child.stdout.on('data', (d) => (stdout += d));
			child.on('close', (code) => resolve({ code, stdout }));
		});
		writing = false;
		const saves = await writer;
		expect(backup.code).toBe(0);
		expect(backup.stdout).toContain('integrity_check ok');
		expect(saves).toBeGreaterThan(0);

		const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
		expect(manifest.files).toHaveLength(3);
		expect(manifest.tables.report_version).toBeGreaterThan(0);

		const target = join(scratch, 'restored');
		const restore = spawnSync(process.execPath, [bin, 'restore', out], {
			env: { ...process.env, DATA_DIR: target },
			encoding: 'utf8'
		});
		expect(restore.stderr).toBe('');
		expect(restore.stdout).toContain('恢复完成');
		const db = new Database(join(target, 'duban.db'), { readonly: true });
		expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
		for (const [table, n] of Object.entries(manifest.tables)) {
			expect((db.prepare(`select count(*) as n from "${table}"`).get() as { n: number }).n, table).toBe(n);
		}
		// Every attachment row of the restored database has its file.
		for (const row of db.prepare('select stored_name from attachment').all() as { stored_name: string }[]) {
			expect(existsSync(join(target, 'attachments', row.stored_name))).toBe(true);
		}
		db.close();

		const again = spawnSync(process.execPath, [bin, 'restore', out], {
			env: { ...process.env, DATA_DIR: target },
			encoding: 'utf8'
		});
		expect(again.status).toBe(2);
		expect(again.stderr).toContain('只能恢复到空的数据目录');
	});
});
