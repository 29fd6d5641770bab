import { eq, sql, type SQL } from 'drizzle-orm';
import { indicator, report, type Role } from '../../db/schema/index.ts';
import type { Actor, ServiceContext } from '../context.ts';
import { ApiError, forbidden } from '../errors.ts';
import { ownUnitOnly } from '../../web/src/lib/rules/access.ts';

/** The indicators an actor may read: everything, or only those assigned to the actor's unit. */
export function visibleIndicators(actor: Actor): SQL | undefined {
	const unitId = ownUnitOnly(actor);
	if (unitId === null) return undefined;
	return sql`${indicator.id} in (select indicator_id from assignment where unit_id = ${unitId})`;
}

/** Drafts belong to their unit until submitted: the office and leaders see the rest. */
export function visibleReports(ctx: ServiceContext): SQL | undefined {
	const actor = ctx.actor!;
	const own = ownUnitOnly(actor);
	if (own !== null) return eq(report.unitId, own);
	if (actor.role === 'office' || actor.role === 'leader') return sql`${report.status} <> 'draft'`;
	throw new ApiError('forbidden', '当前角色无权查看月报');
}

/** Services check the role as well as their route does (defence in depth), with the refusal in Chinese. */
export function assertRole(
	actor: Actor | null,
	roles: readonly Role[],
	message: string
): asserts actor is Actor {
	if (!actor) throw new ApiError('unauthorized', '请先登录');
	if (!roles.includes(actor.role)) throw forbidden(message);
}

export function assertOffice(actor: Actor | null): asserts actor is Actor {
	assertRole(actor, ['office'], '仅联席办督查员可执行此操作');
}
