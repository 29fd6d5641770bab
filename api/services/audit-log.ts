import { and, desc, eq, gte, like, lt, sql, type SQL } from 'drizzle-orm';
import { auditLog, unit } from '../../db/schema/index.ts';
import type { ServiceContext } from '../context.ts';
import { assertRole } from './access.ts';
import { addDays } from '../lib/dates.ts';
import type { ExportLang } from '../lib/export-headers.ts';
import type { tableFile } from '../lib/table-file.ts';
import { runInWorker } from '../lib/worker-pool.ts';
import { audit, verifyAuditChain } from './audit.ts';

export type AuditFilter = {
	username?: string;
	unitId?: number;
	/** An exact action, or a family such as `auth.` */
	action?: string;
	result?: 'ok' | 'denied' | 'failed';
	/** Calendar days in Asia/Shanghai, both inclusive. */
	from?: string;
	to?: string;
};

/** The audit admin reads the log; no one else does (the system and security admins are audited by it). */
const assertAuditor = (ctx: ServiceContext) => assertRole(ctx.actor, ['auditor'], 'role.audit_log');

const dayStart = (day: string) => new Date(`${day}T00:00:00+08:00`);

function where(f: AuditFilter): SQL | undefined {
	return and(
		f.username ? eq(auditLog.username, f.username) : undefined,
		f.unitId ? eq(auditLog.unitId, f.unitId) : undefined,
		f.action
			? f.action.endsWith('.')
				? like(auditLog.action, `${f.action}%`)
				: eq(auditLog.action, f.action)
			: undefined,
		f.result ? eq(auditLog.result, f.result) : undefined,
		f.from ? gte(auditLog.at, dayStart(f.from)) : undefined,
		f.to ? lt(auditLog.at, dayStart(addDays(f.to, 1))) : undefined
	);
}

async function rows(ctx: ServiceContext, f: AuditFilter, limit: number, offset: number) {
	return await ctx.db
		.select({
			id: auditLog.id,
			at: auditLog.at,
			username: auditLog.username,
			unitName: unit.name,
			action: auditLog.action,
			objectType: auditLog.objectType,
			objectId: auditLog.objectId,
			result: auditLog.result,
			ip: auditLog.ip,
			before: auditLog.before,
			after: auditLog.after
		})
		.from(auditLog)
		.leftJoin(unit, eq(unit.id, auditLog.unitId))
		.where(where(f))
		.orderBy(desc(auditLog.id))
		.limit(limit)
		.offset(offset);
}

export async function searchAudit(ctx: ServiceContext, f: AuditFilter & { page: number; pageSize: number }) {
	assertAuditor(ctx);
	const total = (
		await ctx.db
			.select({ n: sql<number>`count(*)` })
			.from(auditLog)
			.where(where(f))
			.limit(1)
	)[0]!.n;
	const actions = (
		await ctx.db.selectDistinct({ action: auditLog.action }).from(auditLog).orderBy(auditLog.action)
	).map((r) => r.action);
	return { items: await rows(ctx, f, f.pageSize, (f.page - 1) * f.pageSize), total, actions };
}

/** Time with its offset, as the assessors ask for: 2020-10-15T09:30:00+08:00. */
function withOffset(at: Date): string {
	return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 19) + '+08:00';
}

const EXPORT_LIMIT = 100_000;

export async function exportAudit(
	ctx: ServiceContext,
	f: AuditFilter,
	format: 'csv' | 'xlsx',
	lang: ExportLang = 'zh'
) {
	assertAuditor(ctx);
	const list = await rows(ctx, f, EXPORT_LIMIT, 0);
	await audit(ctx, {
		action: 'audit.export',
		objectType: 'audit_log',
		after: { filter: f, rows: list.length, format }
	});
	const head = [
		'序号',
		'时间',
		'用户',
		'单位',
		'操作',
		'对象类型',
		'对象',
		'结果',
		'来源地址',
		'变更前',
		'变更后'
	];
	const json = (v: unknown) => (v == null ? null : JSON.stringify(v));
	const file = await runInWorker<typeof tableFile>(
		'api/lib/table-file.ts',
		'tableFile',
		format,
		'审计日志',
		head,
		list.map((r) => [
			r.id,
			withOffset(r.at),
			r.username,
			r.unitName,
			r.action,
			r.objectType,
			r.objectId,
			r.result,
			r.ip,
			json(r.before),
			json(r.after)
		]),
		lang
	);
	return { ...file, name: `审计日志-${ctx.clock.today()}.${format}` };
}

/** The unit directory for the audit search's unit filter (the auditor reads nothing else of the business). */
export async function auditUnits(ctx: ServiceContext) {
	assertAuditor(ctx);
	return await ctx.db.select({ id: unit.id, name: unit.name }).from(unit).orderBy(unit.id);
}

export async function checkAuditChain(ctx: ServiceContext) {
	assertAuditor(ctx);
	const result = await verifyAuditChain(ctx.db);
	await audit(ctx, { action: 'audit.verify', objectType: 'audit_log', after: result });
	return result;
}
