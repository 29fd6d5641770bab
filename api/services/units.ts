import { asc, sql } from 'drizzle-orm';
import { unit, unitGroup } from '../../db/schema/index.ts';
import type { ServiceContext } from '../context.ts';

/** The unit directory is not secret: every signed-in user may read names and kinds. */
export async function listUnits(ctx: ServiceContext) {
	return await ctx.db
		.select({
			id: unit.id,
			name: unit.name,
			kind: unit.kind,
			// Written out: drizzle drops the table prefix of outer columns inside a select-list subquery.
			assignments: sql<number>`(select count(*) from assignment a where a.unit_id = "unit"."id")`
		})
		.from(unit)
		.orderBy(asc(unit.position), asc(unit.id));
}

export async function listGroups(ctx: ServiceContext) {
	return await ctx.db.select().from(unitGroup).orderBy(asc(unitGroup.id));
}
