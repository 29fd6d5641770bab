import { sqliteTable, integer, text, primaryKey, index, type AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import { UNIT_KINDS, GROUP_KINDS } from './constants.ts';
import { insertedAt } from './columns.ts';

/**
 * A unit sits under the government it answers to (a county under its city, a city's department under
 * the city): the tree a supervisor's view and a decomposed task follow. Provincial units have no parent.
 */
export const unit = sqliteTable(
	'unit',
	{
		id: integer('id').primaryKey({ autoIncrement: true }),
		name: text('name').notNull().unique(),
		kind: text('kind', { enum: UNIT_KINDS }).notNull(),
		parentId: integer('parent_id').references((): AnySQLiteColumn => unit.id),
		/**
		 * The first plan year the unit no longer exists in (下城区 and 江干区 were merged away in 2021): plans of
		 * that year on neither offer nor import it, while older plans keep their history. Null: current.
		 */
		retiredIn: integer('retired_in'),
		contactEmail: text('contact_email'),
		position: integer('position').notNull().default(0),
		createdAt: insertedAt()
	},
	(t) => [index('unit_parent_idx').on(t.parentId)]
);

export const unitGroup = sqliteTable('unit_group', {
	id: integer('id').primaryKey({ autoIncrement: true }),
	name: text('name').notNull().unique(),
	kind: text('kind', { enum: GROUP_KINDS }).notNull()
});

export const unitGroupMember = sqliteTable(
	'unit_group_member',
	{
		groupId: integer('group_id')
			.notNull()
			.references(() => unitGroup.id, { onDelete: 'cascade' }),
		unitId: integer('unit_id')
			.notNull()
			.references(() => unit.id, { onDelete: 'cascade' })
	},
	(t) => [primaryKey({ columns: [t.groupId, t.unitId] }), index('unit_group_member_unit_idx').on(t.unitId)]
);
