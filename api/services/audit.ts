import { auditLog } from '../../db/schema/index.ts';
import type { ServiceContext } from '../context.ts';

export type AuditEntry = {
	action: string;
	objectType?: string;
	objectId?: string | number;
	result?: 'ok' | 'denied' | 'failed';
	before?: unknown;
	after?: unknown;
	/** For events before a session exists (a failed login names the username tried). */
	username?: string;
};

/** Appends one row; call it inside the transaction of the change it records. */
export function audit(ctx: Pick<ServiceContext, 'db' | 'actor' | 'ip' | 'clock'>, entry: AuditEntry) {
	ctx.db
		.insert(auditLog)
		.values({
			at: ctx.clock.now(),
			userId: ctx.actor?.id ?? null,
			username: entry.username ?? ctx.actor?.username ?? null,
			unitId: ctx.actor?.unit?.id ?? null,
			action: entry.action,
			objectType: entry.objectType ?? null,
			objectId: entry.objectId === undefined ? null : String(entry.objectId),
			result: entry.result ?? 'ok',
			ip: ctx.ip,
			before: entry.before ?? null,
			after: entry.after ?? null
		})
		.run();
}
