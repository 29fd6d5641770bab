import { sql } from 'drizzle-orm';
import { indicator } from '../../db/schema/index.ts';
import { PLAN_2020 } from '../../db/seed/units.ts';
import {
	createDemoAccounts,
	DEMO_ACCOUNTS,
	DEMO_PASSWORD,
	ensureAdministrators,
	loadPlan2020,
	seedDirectory
} from '../services/setup.ts';
import type { CliContext } from './context.ts';
import { demoStartClock, loadDemoHistory } from '../services/demo-history.ts';
import { getSettings } from '../services/settings.ts';

/** Creates/migrates the database, loads the units and the 2020 plan (idempotent), and the accounts asked for. */
export async function runInit(ctx: CliContext, opts: { demo: boolean }) {
	const started = performance.now();
	await seedDirectory(ctx);
	const freshDemo = opts.demo && !(await getSettings(ctx.db)).demoDate;
	const report = await loadPlan2020(freshDemo ? { ...ctx, clock: demoStartClock() } : ctx);
	const indicators = (
		await ctx.db
			.select({ n: sql<number>`count(*)` })
			.from(indicator)
			.limit(1)
	)[0]!.n;
	console.log(
		`数据库就绪：${ctx.config.dbFile}\n已载入《${PLAN_2020.title}》：${report.sections} 个领域、${report.tasks} 项任务、${report.indicators} 项指标、${report.assignments} 条责任分工（本次新增 ${report.created.indicators} 项指标；库中共 ${indicators} 项指标）`
	);
	if (opts.demo) {
		await createDemoAccounts(ctx);
		const history = await loadDemoHistory(ctx, ctx.config.demoDate);
		if (history) {
			console.log(
				`已载入演示数据（模拟的 2020 年填报历史，截至 ${ctx.config.demoDate}，演示模式下系统“今天”即该日）：${history.reports} 份月报（逾期 ${history.late} 份、退回 ${history.returned} 份），缺报 ${history.missing} 次，办结 ${history.completed} 项、延期 ${history.extensions} 项、督办通知 ${history.notices} 份，用时 ${history.ms} ms`
			);
		}
		console.log('\n================ 演示账号 DEMO ACCOUNTS ================');
		console.log('以下为演示账号，仅供试用，切勿用于生产环境（DUBAN_DEMO=0 为正式安装）。');
		console.log('These are demo accounts for trying Duban out — never use them in production.\n');
		for (const a of DEMO_ACCOUNTS) {
			console.log(`  ${a.username.padEnd(10)} 密码 ${DEMO_PASSWORD}   ${a.name}`);
		}
		console.log('=========================================================\n');
	} else {
		for (const admin of await ensureAdministrators(ctx, ctx.config.adminPassword)) {
			console.log(
				admin.password
					? `\n已创建${admin.name} ${admin.username}，初始密码（只显示这一次，首次登录须修改）：${admin.password}`
					: `\n已创建${admin.name} ${admin.username}，密码取自 DUBAN_ADMIN_PASSWORD。`
			);
		}
	}
	console.log(`初始化用时 ${Math.round(performance.now() - started)} ms`);
}
