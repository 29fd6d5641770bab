import { parseArgs } from 'node:util';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { ApiError } from '../errors.ts';
import { PERSON_ROLES, type Role } from '../../db/schema/index.ts';
import { cliContext, UsageError, type CliContext } from './context.ts';
import { runInit } from './init.ts';
import { bulletinCommand } from './bulletin.ts';
import { backupCommand, restoreCommand } from './backup.ts';
import { auditCommand } from './audit.ts';
import { dbCommand } from './db.ts';
import { serviceAccountCommand } from './service-accounts.ts';
import { SYSTEM_OFFICE } from '../services/setup.ts';
import { importTable } from '../services/imports.ts';
import { createUser } from '../services/users.ts';
import { exportPlan, EXPORT_FORMATS, type ExportFormat } from '../services/exports.ts';
import { listPlans } from '../services/plans.ts';
import type { StartJobs } from '../server.ts';

type Command = (ctx: CliContext, args: string[]) => Promise<void>;

/**
 * What the composition root (bin/duban.mjs) plugs in: api/ does not import tasks/ (a layer rule in
 * eslint.config.js), so the scheduled jobs and the `tasks`/`alerts` commands come from there.
 */
export type CliPlugins = { startJobs: StartJobs; tasks: Command; alerts: Command };

const USAGE = `用法 (usage):
  duban init [--demo]                       创建/迁移数据库，载入单位名录和 2020 年计划；--demo 加演示账号
  duban start [--init-only]                 初始化（按 DUBAN_DEMO）并启动服务；--init-only 只初始化
  duban serve                               在已初始化的数据库上启动服务
  duban user add --username U --name N --role admin|security|auditor|office|leader|unit [--unit 单位] [--email E] --password-stdin [--permanent]
  duban import FILE --plan-title T --year Y [--dry-run] [--create-units] [--json]
  duban export plan [--plan ID] --format json|csv|xlsx [--out FILE]
  duban tasks run daily|evaluate|send-mail [--as-of YYYY-MM-DD] [--json]
  duban tasks replay --from YYYY-MM-DD --to YYYY-MM-DD [--json]
  duban tasks worker                        只运行定时任务（网页实例设 DUBAN_JOBS=0）
  duban alerts [--as-of YYYY-MM-DD] [--json]  评估并列出当前预警
  duban bulletin --period YYYY-MM [--week YYYY-MM-DD] --format docx|xlsx|json [--out FILE]  生成通报
  duban backup --out DIR                    在线备份（数据库、附件、校验清单）
  duban restore DIR                         恢复到空的数据目录
  duban audit verify | archive --before D --out FILE   校验审计日志哈希链 / 归档 190 天前的行
  duban db copy --to postgres://…           把数据目录中的 SQLite 数据库一次复制到空的 PostgreSQL 数据库
  duban service-account create --username U --name N | list | token --username U | revoke --username U --token-id N
                                            机器客户端的服务账号和令牌（令牌只显示一次）
数据目录取自环境变量 DATA_DIR（默认 ./data）。`;

async function readStdin(): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks)
		.toString('utf8')
		.replace(/\r?\n$/, '');
}

async function userAdd(ctx: CliContext, args: string[]) {
	const { values } = parseArgs({
		args,
		options: {
			username: { type: 'string' },
			name: { type: 'string' },
			role: { type: 'string' },
			unit: { type: 'string' },
			email: { type: 'string' },
			'password-stdin': { type: 'boolean' },
			/** The password was chosen by the user themself: no change at the first sign-in. */
			permanent: { type: 'boolean' }
		}
	});
	if (!values.username || !values.name || !values.role)
		throw new UsageError('需要 --username、--name 和 --role');
	if (!(PERSON_ROLES as readonly string[]).includes(values.role))
		throw new UsageError(`--role 只能是 ${PERSON_ROLES.join('|')}`);
	if (!values['password-stdin']) throw new UsageError('密码只从标准输入读取：请加 --password-stdin');
	const password = await readStdin();
	const created = await createUser(ctx, {
		username: values.username,
		name: values.name,
		role: values.role as Role,
		unitName: values.unit,
		email: values.email,
		password,
		temporary: !values.permanent
	});
	console.log(`已创建用户 ${created.username}（${created.role}）`);
}

async function importCommand(ctx: CliContext, args: string[]) {
	const { values, positionals } = parseArgs({
		args,
		allowPositionals: true,
		options: {
			'plan-title': { type: 'string' },
			year: { type: 'string' },
			'dry-run': { type: 'boolean' },
			'create-units': { type: 'boolean' },
			json: { type: 'boolean' }
		}
	});
	const file = positionals[0];
	if (!file) throw new UsageError('缺少要导入的文件');
	const year = Number(values.year);
	if (!values['plan-title'] || !Number.isInteger(year)) throw new UsageError('需要 --plan-title 和 --year');
	const input = {
		data: readFileSync(file),
		fileName: basename(file),
		plan: { title: values['plan-title'], year },
		createUnits: !!values['create-units'],
		dryRun: !!values['dry-run']
	};
	let report;
	try {
		report = await importTable({ ...ctx, actor: SYSTEM_OFFICE }, input);
	} catch (err) {
		// A commit with row errors is refused; show the same report the dry run gives.
		if (!(err instanceof ApiError) || err.code !== 'unprocessable') throw err;
		report = err.details as NonNullable<typeof report>;
	}
	const { sections, tasks, indicators, assignments, errors, warnings } = report;
	if (values.json) {
		console.log(JSON.stringify({ sections, tasks, indicators, assignments, errors, warnings }));
	} else {
		console.log(
			`${values['dry-run'] ? '预览' : report.committed ? '已导入' : '未导入'}：${sections} 个领域、${tasks} 项任务、${indicators} 项指标、${assignments} 条责任分工`
		);
		for (const e of errors) console.log(`错误 第 ${e.row} 行 ${e.column}：${e.message}`);
		for (const w of warnings) console.log(`提示 第 ${w.row} 行 ${w.column}：${w.message}`);
	}
	if (errors.length) process.exitCode = 1;
}

async function exportCommand(ctx: CliContext, args: string[]) {
	const { values, positionals } = parseArgs({
		args,
		allowPositionals: true,
		options: { plan: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' } }
	});
	if (positionals[0] !== 'plan') throw new UsageError('目前只支持 duban export plan');
	const format = (values.format ?? 'json') as ExportFormat;
	if (!EXPORT_FORMATS.includes(format)) throw new UsageError(`--format 只能是 ${EXPORT_FORMATS.join('|')}`);
	const reader = { ...ctx, actor: SYSTEM_OFFICE };
	const planId = values.plan ? Number(values.plan) : (await listPlans(reader)).at(-1)?.id;
	if (!planId) throw new UsageError('库中还没有计划');
	const file = await exportPlan(reader, planId, format);
	if (values.out) writeFileSync(values.out, file.body);
	else process.stdout.write(file.body);
}

async function main(argv: string[], plugins: CliPlugins) {
	const [command, ...rest] = argv;
	if (!command || command === '--help' || command === 'help') {
		console.log(USAGE);
		return;
	}
	if (command === 'serve' || command === 'start') {
		if (command === 'start') {
			const ctx = await cliContext();
			await runInit(ctx, { demo: ctx.config.demo });
			await ctx.close();
			if (rest.includes('--init-only')) return;
		}
		const { startServer } = await import('../server.ts');
		await startServer(plugins.startJobs);
		return;
	}
	if (command === 'backup') return backupCommand(rest);
	if (command === 'restore') return restoreCommand(rest);
	if (command === 'db') return dbCommand(rest);
	const ctx = await cliContext();
	try {
		if (command === 'init') await runInit(ctx, { demo: rest.includes('--demo') });
		else if (command === 'user' && rest[0] === 'add') await userAdd(ctx, rest.slice(1));
		else if (command === 'import') await importCommand(ctx, rest);
		else if (command === 'export') await exportCommand(ctx, rest);
		else if (command === 'tasks') await plugins.tasks(ctx, rest);
		else if (command === 'alerts') await plugins.alerts(ctx, rest);
		else if (command === 'bulletin') await bulletinCommand(ctx, rest);
		else if (command === 'audit') await auditCommand(ctx, rest);
		else if (command === 'service-account') await serviceAccountCommand(ctx, rest);
		else throw new UsageError(`未知命令：${argv.join(' ')}`);
	} finally {
		await ctx.close();
	}
}

/** Runs one command line; a usage error prints the usage (exit 2), any other error its message (exit 1). */
export const runCli = (argv: string[], plugins: CliPlugins) =>
	main(argv, plugins).catch((err: unknown) => {
		if (err instanceof UsageError) {
			console.error(`${err.message}\n\n${USAGE}`);
			process.exitCode = 2;
		} else if (err instanceof ApiError) {
			console.error(`错误：${err.message}`);
			process.exitCode = 1;
		} else {
			console.error(err);
			process.exitCode = 1;
		}
	});
