import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { addDays } from '../lib/dates.ts';
import { archiveAudit, AUDIT_RETENTION_DAYS, verifyAuditChain } from '../services/audit.ts';
import { UsageError, type CliContext } from './context.ts';

/** duban audit verify | archive --before YYYY-MM-DD --out FILE */
export async function auditCommand(ctx: CliContext, args: string[]) {
	const [sub, ...rest] = args;
	if (sub === 'verify') {
		const check = await verifyAuditChain(ctx.db);
		if (check.ok) console.log(`审计日志哈希链完整：${check.rows} 行`);
		else {
			console.log(
				`审计日志哈希链断裂：第一处在 id=${check.firstBroken!.id}，${check.firstBroken!.reason}（已检查 ${check.rows} 行）`
			);
			process.exitCode = 1;
		}
		return;
	}
	if (sub === 'archive') {
		const { values } = parseArgs({
			args: rest,
			options: { before: { type: 'string' }, out: { type: 'string' } }
		});
		if (!values.before || !values.out)
			throw new UsageError('用法：duban audit archive --before YYYY-MM-DD --out FILE');
		const limit = addDays(ctx.clock.today(), -AUDIT_RETENTION_DAYS);
		if (values.before > limit)
			throw new UsageError(`审计日志至少保留 ${AUDIT_RETENTION_DAYS} 天：--before 不能晚于 ${limit}`);
		const n = await archiveAudit(ctx.db, new Date(`${values.before}T00:00:00+08:00`), (lines) =>
			writeFileSync(values.out!, lines, { flag: 'wx' })
		);
		console.log(n ? `已归档 ${n} 行到 ${values.out}` : '没有需要归档的行');
		return;
	}
	throw new UsageError('用法：duban audit verify | duban audit archive --before YYYY-MM-DD --out FILE');
}
