import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { outbox } from '../db/schema/index.ts';
import { openAlerts, evaluateAlerts } from '../api/services/alerts.ts';
import { DATE_WINDOW_MESSAGE, daysFromTo, inDateWindow } from '../api/lib/dates.ts';
import { manualClock } from '../api/lib/clock.ts';
import { smtpMailer } from '../api/lib/mailer.ts';
import { UsageError, type CliContext } from '../api/cli/context.ts';
import type { JobName } from '../web/src/lib/rules/jobs.ts';
import { jobContext } from './context.ts';
import { JOBS, runJob, startJobs } from './index.ts';

/*
 * The `duban tasks …` and `duban alerts` commands: api/cli/main.ts parses the command line and reaches
 * these through bin/duban.mjs, since api/ does not import tasks/.
 */

const ISO = /^\d{4}-\d{2}-\d{2}$/;
const isDay = (value: string) => ISO.test(value) && inDateWindow(value);
/** Jobs replayed for a past day run at 06:00 Shanghai time, as the schedule does. */
const morningOf = (day: string) => new Date(`${day}T06:00:00+08:00`);

function asOf(value: string | undefined, ctx: CliContext): Date {
	if (value === undefined) return ctx.clock.now();
	if (!isDay(value)) throw new UsageError(`--as-of 应为 YYYY-MM-DD，${DATE_WINDOW_MESSAGE}`);
	return morningOf(value);
}

const print = (json: boolean, value: unknown, text: string) =>
	console.log(json ? JSON.stringify(value) : text);

/** duban tasks run JOB | replay --from --to | worker */
export async function tasksCommand(ctx: CliContext, args: string[]) {
	const [sub, ...rest] = args;
	const { values, positionals } = parseArgs({
		args: rest,
		allowPositionals: true,
		options: {
			'as-of': { type: 'string' },
			from: { type: 'string' },
			to: { type: 'string' },
			json: { type: 'boolean' }
		}
	});
	const mailer = smtpMailer(ctx.config.smtpUrl);
	try {
		if (sub === 'run') {
			const job = positionals[0] as JobName;
			if (!(job in JOBS)) throw new UsageError(`任务名应为 ${Object.keys(JOBS).join('|')}`);
			const now = asOf(values['as-of'], ctx);
			const result = await runJob(job, { ...ctx, clock: manualClock(now), mailer }, now);
			print(!!values.json, result, `${job}：${JSON.stringify(result)}`);
		} else if (sub === 'replay') {
			const from = values.from;
			const to = values.to;
			if (!from || !to || !isDay(from) || !isDay(to) || from > to)
				throw new UsageError(
					`需要 --from YYYY-MM-DD --to YYYY-MM-DD（from 不晚于 to，${DATE_WINDOW_MESSAGE}）`
				);
			for (const day of daysFromTo(from, to)) {
				const mailsBefore = await countMail(ctx);
				const now = morningOf(day);
				const result = (await runJob('daily', { ...ctx, clock: manualClock(now), mailer }, now)) as {
					opened: number;
					resolved: number;
					open: number;
					notifications: number;
				};
				const mails = (await countMail(ctx)) - mailsBefore;
				print(
					!!values.json,
					{
						day,
						opened: result.opened,
						resolved: result.resolved,
						open: result.open,
						mails,
						notifications: result.notifications
					},
					`${day}  新增预警 ${result.opened}  解除 ${result.resolved}  当前预警 ${result.open}  邮件 ${mails}  站内通知 ${result.notifications}`
				);
			}
		} else if (sub === 'worker') {
			console.log('督办定时任务已启动（仅任务，不提供网页服务）；Ctrl+C 退出。');
			const stop = startJobs({ ...ctx, mailer });
			await new Promise<void>((resolve) => {
				process.once('SIGINT', resolve);
				process.once('SIGTERM', resolve);
			});
			await stop();
			// Started by the supervisor (api/processes.ts): its IPC channel must not keep this process alive.
			process.channel?.unref();
		} else {
			throw new UsageError(
				'用法：duban tasks run JOB [--as-of D] [--json] | replay --from D1 --to D2 [--json] | worker'
			);
		}
	} finally {
		mailer?.close();
	}
}

async function countMail(ctx: CliContext) {
	return (
		await ctx.db
			.select({ n: sql<number>`count(*)` })
			.from(outbox)
			.limit(1)
	)[0]!.n;
}

/** duban alerts --as-of D [--json]: the open alerts after that day's evaluation, one JSON object a line. */
export async function alertsCommand(ctx: CliContext, args: string[]) {
	const { values } = parseArgs({ args, options: { 'as-of': { type: 'string' }, json: { type: 'boolean' } } });
	const evaluation = jobContext({ ...ctx, mailer: null }, 'evaluate', asOf(values['as-of'], ctx));
	const day = evaluation.clock.today();
	await evaluateAlerts(evaluation);
	for (const a of await openAlerts(ctx.db, day)) {
		const line = {
			kind: a.kind,
			light: a.light,
			indicator: a.indicator,
			unit: a.unit?.name ?? '待明确',
			period: a.period,
			since: a.since,
			reason: a.reason
		};
		console.log(
			values.json
				? JSON.stringify(line)
				: `${a.light === 'red' ? '红' : '黄'} ${a.unit?.name ?? '待明确'} ${a.indicator ? `${a.indicator.task}：${a.indicator.text.slice(0, 30)}` : a.period} — ${a.reason}`
		);
	}
}
