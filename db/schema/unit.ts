import { sqliteTable, integer, text, primaryKey, index } from 'drizzle-orm/sqlite-core';
import { UNIT_KINDS, GROUP_KINDS } from './constants.ts';
import { insertedAt } from './columns.ts';

export const unit = sqliteTable('unit', {
	id: integer('id').primaryKey({ autoIncrement: true }),
	name: text('name').notNull().unique(),
	kind: text('kind', { enum: UNIT_KINDS }).notNull(),
	contactEmail: text('contact_email'),
	position: integer('position').notNull().default(0),
	createdAt: insertedAt()
});

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
