import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { inPeriodWindow, PERIOD_RE, PERIOD_WINDOW_MESSAGE } from '../lib/dates.ts';
import { bulletinDocx, bulletinXlsx } from '../services/bulletin-files.ts';
import { buildBulletin } from '../services/bulletin-content.ts';
import { UsageError, type CliContext } from './context.ts';

/** duban bulletin --period YYYY-MM [--week YYYY-MM-DD] [--as-of YYYY-MM-DD] --format docx|xlsx|json --out FILE: the same document as the UI's draft. */
export async function bulletinCommand(ctx: CliContext, args: string[]) {
	const { values } = parseArgs({
		args,
		options: {
			period: { type: 'string' },
			week: { type: 'string' },
			'as-of': { type: 'string' },
			format: { type: 'string' },
			out: { type: 'string' }
		}
	});
	if (!values.period || !PERIOD_RE.test(values.period) || !inPeriodWindow(values.period))
		throw new UsageError(`需要 --period YYYY-MM（${PERIOD_WINDOW_MESSAGE}）`);
	const format = values.format ?? 'json';
	if (!['docx', 'xlsx', 'json'].includes(format)) throw new UsageError('--format 只能是 docx|xlsx|json');
	if (format !== 'json' && !values.out) throw new UsageError('docx/xlsx 需要 --out FILE');
	const asOf = values['as-of'] ?? null;
	if (asOf && !/^\d{4}-\d{2}-\d{2}$/.test(asOf)) throw new UsageError('--as-of 应为 YYYY-MM-DD（统计日期）');
	const content = await buildBulletin(
		ctx.db,
		{ period: values.period, week: values.week ?? null, asOf },
		ctx.clock.today()
	);
	const body =
		format === 'docx'
			? await bulletinDocx(content, null)
			: format === 'xlsx'
				? await bulletinXlsx(content)
				: JSON.stringify(content, null, 2);
	if (values.out) {
		writeFileSync(values.out, body);
		console.log(`已生成 ${values.out}：${content.title}`);
	} else process.stdout.write(`${body as string}\n`);
}
