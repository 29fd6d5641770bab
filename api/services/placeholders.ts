import { and, asc, eq, isNull, ne, sql } from 'drizzle-orm';
import {
	alert,
	assignment,
	indicator,
	pendingGroup,
	plan,
	task,
	unit,
	unitGroup
} from '../../db/schema/index.ts';
import { splitUnits } from '../../db/import/parse/units.ts';
import type { ServiceContext } from '../context.ts';
import { fail, notFound } from '../errors.ts';
import { daysBetween } from '../lib/dates.ts';
import { assertProvincialOffice } from './access.ts';
import { audit } from './audit.ts';
import { joinedText, withTransaction } from '../../db/client.ts';

/**
 * The office's list of placeholder names (省级有关单位, 首批试点所在县（市、区）政府 …): names that stand for
 * units still to be named. They are the placeholder groups the importer reads before its patterns, so a
 * name on this list is 待明确 in the next import whatever the patterns say; imports add the names the
 * patterns found.
 */
export async function listPlaceholders(ctx: ServiceContext) {
	assertProvincialOffice(ctx.actor);
	return await ctx.db
		.select({
			id: unitGroup.id,
			name: unitGroup.name,
			/** Open indicators on which it still waits for the office to name the units (the 待明确 list's rows). */
			open: sql<number>`(select count(*) from pending_group p join indicator i on i.id = p.indicator_id
				where p.group_id = "unit_group"."id" and p.resolved_at is null and i.status <> 'completed')`,
			/** Indicators that name it at all, resolved or not: such a name stays on the list. */
			used: sql<number>`(select count(*) from pending_group p where p.group_id = "unit_group"."id")`
		})
		.from(unitGroup)
		.where(eq(unitGroup.kind, 'placeholder'))
		.orderBy(asc(unitGroup.id));
}

export async function addPlaceholder(ctx: ServiceContext, raw: string) {
	assertProvincialOffice(ctx.actor);
	// Normalised as the importer reads a 责任单位 cell, so the name matches what it will meet.
	const names = splitUnits(raw);
	if (names.length !== 1)
		throw fail('bad_request', names.length ? 'placeholder.one_name' : 'placeholder.name_required');
	const name = names[0]!;
	if ((await ctx.db.select({ id: unit.id }).from(unit).where(eq(unit.name, name)).limit(1))[0])
		throw fail('conflict', 'placeholder.is_unit', { name });
	const group = (await ctx.db.select().from(unitGroup).where(eq(unitGroup.name, name)).limit(1))[0];
	if (group)
		throw fail('conflict', group.kind === 'placeholder' ? 'placeholder.listed' : 'placeholder.is_group', {
			name
		});
	return await withTransaction(ctx, async (tx) => {
		const row = (await tx.db.insert(unitGroup).values({ name, kind: 'placeholder' }).returning())[0]!;
		await audit(tx, {
			action: 'placeholder.add',
			objectType: 'unit_group',
			objectId: row.id,
			after: { name }
		});
		return { id: row.id, name: row.name, open: 0, used: 0 };
	});
}

export async function removePlaceholder(ctx: ServiceContext, id: number) {
	assertProvincialOffice(ctx.actor);
	const row = (
		await ctx.db
			.select()
			.from(unitGroup)
			.where(and(eq(unitGroup.id, id), eq(unitGroup.kind, 'placeholder')))
			.limit(1)
	)[0];
	if (!row) throw notFound('placeholder');
	// Checked inside the write transaction, so no import can start using the group in between.
	await withTransaction(ctx, async (tx) => {
		const used =
			(
				await tx.db
					.select({ n: sql<number>`count(*)` })
					.from(pendingGroup)
					.where(eq(pendingGroup.groupId, id))
					.limit(1)
			)[0]!.n +
			(
				await tx.db
					.select({ n: sql<number>`count(*)` })
					.from(assignment)
					.where(eq(assignment.viaGroupId, id))
					.limit(1)
			)[0]!.n;
		if (used) throw fail('conflict', 'placeholder.in_use', { name: row.name });
		await tx.db.delete(unitGroup).where(eq(unitGroup.id, id));
		await audit(tx, {
			action: 'placeholder.remove',
			objectType: 'unit_group',
			objectId: id,
			before: { name: row.name }
		});
	});
}

/**
 * 待明确责任单位: open indicators that name a placeholder the office has not yet resolved, with their due
 * date and whether they are overdue under "待明确" — read from the supervision state (the same open
 * light the dashboard counts), not worked out again here.
 */
export async function listPendingIndicators(ctx: ServiceContext) {
	assertProvincialOffice(ctx.actor);
	const day = ctx.clock.today();
	const rows = await ctx.db
		.select({
			id: indicator.id,
			text: indicator.text,
			position: indicator.position,
			planId: plan.id,
			plan: plan.title,
			task: task.title,
			dueOn: indicator.dueOn,
			deadlineText: indicator.deadlineText,
			pending: sql<string>`${joinedText(ctx.db, unitGroup.name, '、')}`,
			lead: sql<number>`max(case when ${pendingGroup.role} = 'lead' then 1 else 0 end)`,
			overdueSince: sql<string | null>`(select a.since from ${alert} a where a.indicator_id = ${indicator.id}
				and a.unit_id is null and a.kind = 'overdue' and a.open_key is not null)`
		})
		.from(pendingGroup)
		.innerJoin(unitGroup, eq(unitGroup.id, pendingGroup.groupId))
		.innerJoin(indicator, eq(indicator.id, pendingGroup.indicatorId))
		.innerJoin(task, eq(task.id, indicator.taskId))
		.innerJoin(plan, eq(plan.id, indicator.planId))
		.where(and(isNull(pendingGroup.resolvedAt), ne(indicator.status, 'completed')))
		.groupBy(indicator.id, task.id, plan.id)
		.orderBy(sql`${indicator.dueOn} is null`, asc(indicator.dueOn), asc(indicator.id));
	const items = rows.map(({ overdueSince, lead, ...r }) => ({
		...r,
		role: lead ? ('lead' as const) : ('co' as const),
		overdue: overdueSince !== null,
		daysOverdue: overdueSince !== null && r.dueOn ? daysBetween(r.dueOn, day) : 0
	}));
	// Overdue first, then by due date (the order of the query).
	return [...items.filter((i) => i.overdue), ...items.filter((i) => !i.overdue)];
}
