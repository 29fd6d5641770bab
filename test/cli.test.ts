import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvTable } from './support/harness.ts';

const bin = new URL('../bin/duban.mjs', import.meta.url).pathname;
let dataDir: string;

function duban(args: string[], input?: string) {
	const res = spawnSync(process.execPath, [bin, ...args], {
		// A short demo history keeps `init --demo` quick here; its content is tested in demo-history.test.ts.
		env: { ...process.env, DATA_DIR: dataDir, DUBAN_DEMO_DATE: '2020-02-20' },
		input,
		encoding: 'utf8'
	});
	return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

beforeAll(() => {
	dataDir = mkdtempSync(join(tmpdir(), 'duban-cli-'));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('duban command line', () => {
	it('init loads the 2020 plan and is idempotent; --demo prints clearly marked demo accounts', () => {
		const first = duban(['init', '--demo']);
		expect(first.status).toBe(0);
		expect(first.stdout).toContain('80 项指标');
		expect(first.stdout).toContain('演示账号');
		expect(first.stdout).toMatch(/dsj\s+密码/);
		const again = duban(['init']);
		expect(again.status).toBe(0);
		expect(again.stdout).toContain('本次新增 0 项指标；库中共 80 项指标');
		// A demo install already has an admin, so no password is generated.
		expect(again.stdout).not.toContain('初始密码');
	});

	it('user add reads the password from stdin and the new user can be listed', () => {
		const res = duban(
			[
				'user',
				'add',
				'--username',
				'zj-fgw',
				'--name',
				'张三',
				'--role',
				'unit',
				'--unit',
				'省发展改革委',
				'--password-stdin'
			],
			'S3cure!pass\n'
		);
		expect(res.stderr).toBe('');
		expect(res.stdout).toContain('已创建用户 zj-fgw（unit）');
		const dup = duban(
			['user', 'add', '--username', 'zj-fgw', '--name', '张三', '--role', 'office', '--password-stdin'],
			'S3cure!pass\n'
		);
		expect(dup.status).toBe(1);
		expect(dup.stderr).toContain('已存在');
	});

	it('import --json prints the counts and row errors, exiting 1 on errors and committing nothing', () => {
		const file = join(dataDir, 'bad.csv');
		writeFileSync(
			file,
			csvTable([
				['领域', '', '任务一', '指标一', '2020年6月底前', '省大数据局'],
				['领域', '', '任务一', '指标二', '2个工作日内', '省不存在局']
			])
		);
		const res = duban(['import', file, '--plan-title', '命令行测试', '--year', '2020', '--json']);
		expect(res.status).toBe(1);
		const out = JSON.parse(res.stdout);
		expect(Object.keys(out)).toEqual([
			'sections',
			'tasks',
			'indicators',
			'assignments',
			'errors',
			'warnings'
		]);
		expect(out).toMatchObject({ sections: 1, tasks: 1, indicators: 1, assignments: 1 });
		expect(out.errors).toEqual([
			{ row: 3, column: '责任单位', message: expect.stringContaining('未知单位“省不存在局”') }
		]);
		// "2个工作日内" is a relative deadline now (counted from an event the office records): no warning.
		expect(out.warnings).toEqual([]);
		const exported = JSON.parse(duban(['export', 'plan', '--format', 'json']).stdout);
		expect(exported.some((r: { task: string }) => r.task === '任务一')).toBe(false);
	});

	it('export plan writes csv and xlsx files', async () => {
		const csv = join(dataDir, 'plan.csv');
		expect(duban(['export', 'plan', '--format', 'csv', '--out', csv]).status).toBe(0);
		expect(readFileSync(csv, 'utf8').split('\r\n').filter(Boolean)).toHaveLength(81);
		const xlsx = join(dataDir, 'plan.xlsx');
		expect(duban(['export', 'plan', '--format', 'xlsx', '--out', xlsx]).status).toBe(0);
		const wb = new ExcelJS.Workbook();
		await wb.xlsx.readFile(xlsx);
		expect(wb.worksheets[0]!.getCell('D3').value).toContain('政务服务2.0平台');
	});

	it('a clean install (DUBAN_DEMO=0) has only the three administrators, each with a password printed once', () => {
		const clean = mkdtempSync(join(tmpdir(), 'duban-clean-'));
		const run = () =>
			spawnSync(process.execPath, [bin, 'init'], {
				env: { ...process.env, DATA_DIR: clean },
				encoding: 'utf8'
			});
		const first = run();
		for (const name of ['系统管理员 admin', '安全管理员 secadmin', '审计管理员 auditor'])
			expect(first.stdout).toMatch(new RegExp(`已创建${name}，初始密码.*首次登录须修改.*：[A-Za-z0-9]{4}-`));
		expect(first.stdout).not.toContain('演示账号');
		expect(run().stdout).not.toContain('初始密码');
		rmSync(clean, { recursive: true, force: true });
	});

	it('tasks replay prints what each day opened and resolved; alerts --json prints one object a line', () => {
		const replay = duban(['tasks', 'replay', '--from', '2020-06-30', '--to', '2020-07-01', '--json']);
		expect(replay.status).toBe(0);
		const days = replay.stdout
			.trim()
			.split('\n')
			.map((l) => JSON.parse(l));
		expect(days.map((d: { day: string }) => d.day)).toEqual(['2020-06-30', '2020-07-01']);
		expect(days[1]).toMatchObject({
			opened: expect.any(Number),
			resolved: expect.any(Number),
			mails: expect.any(Number)
		});
		expect(days[1].opened).toBeGreaterThan(0);
		const alerts = duban(['alerts', '--as-of', '2020-07-01', '--json']);
		const lines = alerts.stdout
			.trim()
			.split('\n')
			.map((l) => JSON.parse(l));
		const overdue = lines.filter((l: { kind: string }) => l.kind === 'overdue');
		expect(overdue.length).toBeGreaterThan(0);
		expect(Object.keys(overdue[0])).toEqual([
			'kind',
			'light',
			'indicator',
			'unit',
			'period',
			'since',
			'reason'
		]);
		expect(overdue[0].indicator).toMatchObject({
			id: expect.any(Number),
			task: expect.any(String),
			text: expect.any(String)
		});
		const run = duban(['tasks', 'run', 'evaluate', '--as-of', '2020-07-01', '--json']);
		expect(JSON.parse(run.stdout)).toMatchObject({ day: '2020-07-01', opened: 0, resolved: 0 });
	});

	it('bulletin produces the same document as the UI, as json, docx or xlsx', () => {
		const json = duban(['bulletin', '--period', '2020-01', '--format', 'json']);
		expect(json.status).toBe(0);
		const content = JSON.parse(json.stdout);
		expect(content.title).toBe('关于2020年1月政府数字化转型工作进展情况的通报');
		expect(content.texts.overview).toContain('全省工作要点共80项指标');
		const docx = join(dataDir, 'b.docx');
		expect(duban(['bulletin', '--period', '2020-01', '--format', 'docx', '--out', docx]).status).toBe(0);
		expect(readFileSync(docx).subarray(0, 2).toString()).toBe('PK');
	});

	it('explains usage errors', () => {
		const res = duban(['import']);
		expect(res.status).toBe(2);
		expect(res.stderr).toContain('缺少要导入的文件');
	});
});

describe('duban service-account', () => {
	it('create prints the token once; list shows only its prefix; revoke stops it', () => {
		expect(duban(['init']).status).toBe(0);
		const made = duban(['service-account', 'create', '--username', 'cockpit', '--name', '领导驾驶舱']);
		expect(made.stderr).toBe('');
		const token = /dbn_[\w-]{43}/.exec(made.stdout)![0];
		const list = duban(['service-account', 'list']);
		expect(list.stdout).toContain('cockpit\t领导驾驶舱\t启用');
		expect(list.stdout).toContain(`${token.slice(0, 10)}…`);
		expect(list.stdout).not.toContain(token);
		const tokenId = /(\d+):dbn_/.exec(list.stdout)![1]!;
		const revoked = duban(['service-account', 'revoke', '--username', 'cockpit', '--token-id', tokenId]);
		expect(revoked.stdout).toContain(`已吊销令牌 ${tokenId}`);
		expect(duban(['service-account', 'list']).stdout).toContain('令牌 无');
		expect(duban(['service-account', 'frobnicate']).status).toBe(2);
	});
});
