// The month-end rush's data, shared by npm run bench:load (load.ts) and npm run bench:requests
// (request-cpu.ts): the three-year plan as the office would import it, its months, and what a unit writes.
import type { ServiceContext } from '../../api/context.ts';
import { addMonths } from '../../api/lib/dates.ts';
import { importTable } from '../../api/services/imports.ts';
import type { ReportForm } from '../../api/services/report-form.ts';
import { seedDirectory, SYSTEM_OFFICE } from '../../api/services/setup.ts';
import { csvTable } from '../support/harness.ts';

/** Every unit account's password. */
export const PASSWORD = 'Load@Test2020';
/** A three-year plan, so that every unit has many months to report on. */
export const PLAN = {
	title: '数字化改革三年行动计划（2018—2020年）任务分工（压测）',
	year: 2018,
	issuer: '省数字化改革领导小组办公室',
	issuedOn: '2018-01-15'
};
/** From the plan's first month to the server's; every one of them is owed (the plan's work stays open). */
export const MONTHS = Array.from({ length: 96 }, (_, i) => addMonths('2018-01', i));
/**
 * Months every unit has already submitted before the rush (through the service, ~50 ms each), so that
 * forms carry last month's text to copy; the users' own submissions add to it during the rush.
 */
export const HISTORY = MONTHS.slice(0, 3);
/** The months the users work through during the rush, one after another (the think-time users from the end). */
export const PERIODS = MONTHS.slice(HISTORY.length);
/** The server's "today": the first working day after the last period. */
export const TODAY = '2026-01-05';

export type FormItem = Pick<ReportForm['items'][number], 'indicatorId' | 'targets'>;

/** What a unit writes into its form: every item filled; a draft (the first autosave) has the text half done. */
export function fill(items: FormItem[], period: string, draft: boolean) {
	const month = MONTHS.indexOf(period) + 1;
	return items.map((item, i) => ({
		indicatorId: item.indicatorId,
		progressStatus: (['on_track', 'on_track', 'on_track', 'behind', 'not_started'] as const)[
			(i + month) % 5
		]!,
		percent: Math.min(100, month * 3 + (i % 7)),
		progress: draft
			? `${period}：已召开专题推进会`
			: `${period}：已召开专题推进会，制定实施方案并印发各地；完成系统对接和数据归集，累计覆盖${10 + i}个县（市、区），` +
				`形成典型案例${1 + (i % 4)}个，整体进展符合序时要求。`,
		problems: draft ? '' : i % 3 === 0 ? '部分县（市、区）数据共享接口尚未打通，基层人员培训不足。' : '',
		nextSteps: draft ? '' : '下月继续推进系统迭代和推广应用，加强督促指导，按期完成年度目标。',
		values: item.targets.map((t) => ({ targetId: t.id, value: Math.round((t.value * (month % 12)) / 12) })),
		attachmentIds: []
	}));
}

/**
 * The plan as the office would import it: `count` units, unit i in 15 + (7i mod 22) ∈ 15..36 indicators
 * (the busiest real unit has 36), about five units an indicator, the first of them the lead unit; a fifth
 * of the deadlines monthly, the rest month ends over the three years; most texts with numeric targets.
 */
export function planTable(count: number) {
	let seed = 11;
	const rand = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
	const units = Array.from({ length: count }, (_, i) => `压测单位${String(i + 1).padStart(3, '0')}`);
	const perUnit = units.map((_, i) => 15 + ((7 * i) % 22));
	const indicators = Math.max(36, Math.round(perUnit.reduce((a, b) => a + b, 0) / 5));
	const unitsOf: string[][] = Array.from({ length: indicators }, () => []);
	units.forEach((name, i) => {
		const chosen = new Set<number>();
		while (chosen.size < perUnit[i]!) chosen.add(Math.floor(rand() * indicators));
		for (const j of chosen) unitsOf[j]!.splice(Math.floor(rand() * (unitsOf[j]!.length + 1)), 0, name);
	});
	const texts = [
		(j: number) => `推进第${j}批政务服务事项“一网通办”，网上可办率达到${80 + (j % 20)}%`,
		(j: number) => `围绕第${j}号重点场景建成${2 + (j % 9)}个数字化应用，覆盖${20 + (j % 70)}个乡镇（街道）`,
		(j: number) => `完善第${j}号工作机制，健全数据共享和业务协同规范，形成工作闭环`,
		(j: number) => `第${j}项改革事项办理时间压缩至${1 + (j % 5)}个工作日以内，群众满意率不低于95%`
	];
	const rows = unitsOf.flatMap((names, j) => {
		if (!names.length) return [];
		const deadline = j % 5 === 0 ? '每月底前' : `${2018 + (j % 3)}年${1 + (j % 12)}月底前`;
		const task = Math.floor(j / 5);
		return [
			[
				`领域${1 + (task % 4)}`,
				`子领域${1 + (task % 4)}-${1 + (Math.floor(task / 4) % 5)}`,
				`重点任务${task + 1}`,
				texts[j % texts.length]!(j + 1),
				deadline,
				names.join('、')
			]
		];
	});
	return { units, perUnit, rows };
}

/**
 * A fresh database's directory and the rush's plan for `count` units, imported through the table
 * importer as the office would (creating the units); returns the table and the import's report.
 */
export async function importRushPlan(ctx: ServiceContext, count: number) {
	await seedDirectory(ctx);
	const table = planTable(count);
	const imported = await importTable(
		{ ...ctx, actor: SYSTEM_OFFICE },
		{
			data: new TextEncoder().encode(csvTable(table.rows)),
			fileName: 'rush-plan.csv',
			plan: PLAN,
			createUnits: true,
			dryRun: false
		}
	);
	if (!imported.committed) throw new Error(`import failed: ${JSON.stringify(imported.errors.slice(0, 3))}`);
	return { table, imported };
}
