import { hash } from 'node:crypto';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';

const { placeholder } = sql;
import { attachment, report, reportItem, reportItemValue, reportVersion } from '../../db/schema/index.ts';
import { type Db, prepared, rowsAffected } from '../../db/client.ts';
import { groupBy } from '../lib/group.ts';
import type { ServiceContext } from '../context.ts';

/**
 * A report's items, their values and their attachments, each in one prepared query by the report's id
 * (the form, the save and the version read them on every request of the month-end rush).
 */
export const reportItemsOf = prepared((db) =>
	db
		.select()
		.from(reportItem)
		.where(eq(reportItem.reportId, placeholder('reportId')))
		.prepare()
);
export const reportValuesOf = prepared((db) =>
	db
		.select({
			itemId: reportItemValue.itemId,
			targetId: reportItemValue.targetId,
			value: reportItemValue.value
		})
		.from(reportItemValue)
		.innerJoin(reportItem, eq(reportItem.id, reportItemValue.itemId))
		.where(eq(reportItem.reportId, placeholder('reportId')))
		.prepare()
);
export const reportFilesOf = prepared((db) =>
	db
		.select({
			id: attachment.id,
			ownerId: attachment.ownerId,
			name: attachment.originalName,
			size: attachment.size,
			contentType: attachment.contentType
		})
		.from(attachment)
		// The items' ids first, then their attachments by the owner index (as a join, SQLite without
		// statistics walked every attachment of every report item instead).
		.where(
			and(
				eq(attachment.ownerType, 'report_item'),
				inArray(
					attachment.ownerId,
					db
						.select({ id: reportItem.id })
						.from(reportItem)
						.where(eq(reportItem.reportId, placeholder('reportId')))
				)
			)
		)
		.orderBy(asc(attachment.id))
		.prepare()
);
const reportState = prepared((db) =>
	db
		.select({ status: report.status, returnReason: report.returnReason })
		.from(report)
		.where(eq(report.id, placeholder('reportId')))
		.limit(1)
		.prepare()
);

type StoredItem = Pick<
	typeof reportItem.$inferSelect,
	'indicatorId' | 'progressStatus' | 'percent' | 'progress' | 'problems' | 'nextSteps' | 'returnReason'
>;

/** An item as a version keeps it: its fields, its values by target, its attachments in id order. */
export function snapshotItem(
	i: StoredItem,
	values: { targetId: number; value: number }[],
	attachments: { id: number; name: string }[]
) {
	return {
		indicatorId: i.indicatorId,
		progressStatus: i.progressStatus,
		percent: i.percent,
		progress: i.progress,
		problems: i.problems,
		nextSteps: i.nextSteps,
		returnReason: i.returnReason,
		values: Object.fromEntries(values.map((v) => [v.targetId, v.value])),
		attachments: attachments.map(({ id, name }) => ({ id, name }))
	};
}

/**
 * The report and its items (with their attachments) as they are now: what a version keeps. Items in
 * indicator order (PostgreSQL returns rows in no set order), as a save builds them (writeItems).
 * `state`: the report's status and return reason when the caller has just read them.
 */
export async function snapshotReport(
	db: Db,
	reportId: number,
	state?: Pick<typeof report.$inferSelect, 'status' | 'returnReason'>
) {
	const row = state ?? (await reportState(db).execute({ reportId }))[0]!;
	const items = await reportItemsOf(db).execute({ reportId });
	const values = items.length ? await reportValuesOf(db).execute({ reportId }) : [];
	const files = items.length ? await reportFilesOf(db).execute({ reportId }) : [];
	const valuesOf = groupBy(values, (v) => v.itemId);
	const filesOf = groupBy(files, (f) => f.ownerId);
	return {
		status: row.status,
		returnReason: row.returnReason,
		items: items
			.map((i) => snapshotItem(i, valuesOf.get(i.id) ?? [], filesOf.get(i.id) ?? []))
			.sort((a, b) => a.indicatorId - b.indicatorId)
	};
}

export type Snapshot = Awaited<ReturnType<typeof snapshotReport>>;
type SnapshotItem = Snapshot['items'][number];
/** Versions kept before attachments were recorded have none: their attachments are unknown, not absent. */
type KeptItem = Omit<SnapshotItem, 'attachments'> & { attachments?: SnapshotItem['attachments'] };
export type KeptSnapshot = Omit<Snapshot, 'items'> & { items: KeptItem[] };

const ITEM_FIELDS = [
	'progressStatus',
	'percent',
	'progress',
	'problems',
	'nextSteps',
	'returnReason',
	'values'
] as const;

type ItemField = (typeof ITEM_FIELDS)[number];
type Diff<F extends string, V> = { indicatorId: number; field: F; from: V | null; to: V | null };
type ItemValues = { [F in ItemField]: KeptItem[F] };
/** An item field's change, its values of the field's type (a client narrows them by `field`). */
type ItemChange<K extends ItemField = ItemField> = {
	[F in K]: { indicatorId: number; field: F; from: ItemValues[F] | null; to: ItemValues[F] | null };
}[K];
export type Change =
	Diff<'status', Snapshot['status']> | ItemChange | Diff<'attachment', { id: number; name: string }>;

const itemChange = <K extends ItemField>(
	indicatorId: number,
	field: K,
	from: ItemValues[K] | null,
	to: ItemValues[K] | null
): ItemChange<K> => ({ indicatorId, field, from, to });

/**
 * What differs from `a` to `b`, field by field: the report's status (indicator 0), each item's fields,
 * and each attachment added (`from` null) or removed (`to` null). `a` null: everything in `b` is new.
 */
export function snapshotChanges(a: KeptSnapshot | null, b: KeptSnapshot): Change[] {
	const changes: Change[] = [];
	if (a?.status !== b.status)
		changes.push({ indicatorId: 0, field: 'status', from: a?.status ?? null, to: b.status });
	const olds = new Map<number, KeptItem>();
	for (const i of a?.items ?? []) if (!olds.has(i.indicatorId)) olds.set(i.indicatorId, i);
	for (const item of b.items) {
		const old = olds.get(item.indicatorId);
		for (const field of ITEM_FIELDS) {
			const x = old?.[field] ?? null;
			const y = item[field] ?? null;
			if (!sameJson(x, y)) changes.push(itemChange(item.indicatorId, field, x, y));
		}
		const before = old ? old.attachments : [];
		if (!before || !item.attachments) continue;
		const ids = (list: { id: number }[]) => new Set(list.map((f) => f.id));
		const had = ids(before);
		const has = ids(item.attachments);
		for (const f of before)
			if (!has.has(f.id))
				changes.push({ indicatorId: item.indicatorId, field: 'attachment', from: f, to: null });
		for (const f of item.attachments)
			if (!had.has(f.id))
				changes.push({ indicatorId: item.indicatorId, field: 'attachment', from: null, to: f });
	}
	return changes;
}

/** Whether two field values are the same as JSON; only objects (values by target) are serialised to tell. */
const sameJson = (x: unknown, y: unknown) =>
	x === y ||
	(typeof x === 'object' &&
		typeof y === 'object' &&
		x !== null &&
		y !== null &&
		JSON.stringify(x) === JSON.stringify(y));

/** Text longer than this goes into the audit log as its length and a digest, never as a copy. */
const AUDIT_TEXT_MAX = 64;

function compact(value: unknown): unknown {
	if (typeof value === 'string' && value.length > AUDIT_TEXT_MAX)
		// One-shot hash: a save digests every long text it changed, a Hash object each cost twice as much.
		return { chars: value.length, sha256: hash('sha256', value, 'hex').slice(0, 16) };
	if (value && typeof value === 'object')
		return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, compact(v)]));
	return value;
}

/** A report write's changes as the audit log keeps them: each changed field, long text as a digest. */
export function auditedChanges(changes: Change[]) {
	return changes.map((c) => ({ ...c, from: compact(c.from), to: compact(c.to) }));
}

/**
 * Keeps the report's state after a write: a draft save overwrites the one kept draft; a submission,
 * return or acceptance is kept for good (and a submission replaces the draft it was made from).
 * `version` is the submission the state belongs to (for a draft, the one it will become); `snapshot`, the
 * report's state now when the caller has it already.
 */
export async function recordVersion(
	ctx: ServiceContext,
	tx: Db,
	reportId: number,
	version: number,
	action: 'save' | 'submit' | 'return' | 'accept',
	given?: Snapshot
) {
	const snapshot = given ?? (await snapshotReport(tx, reportId));
	const row = {
		reportId,
		version,
		status: snapshot.status,
		snapshot,
		at: ctx.clock.now(),
		by: ctx.actor?.id || null
	};
	if (action === 'save') {
		if (rowsAffected(await updateDraft(tx).execute(row))) return snapshot;
	} else await deleteDraft(tx).execute({ reportId });
	await insertVersion(tx).execute({ ...row, action });
	return snapshot;
}

// Every save and submission of the month-end rush keeps a version: its statements are built once.
/** The report's one kept draft ('save' as a literal: SQLite then finds it by its partial index). */
const draftOf = () =>
	and(eq(reportVersion.reportId, placeholder('reportId')), eq(reportVersion.action, sql`'save'`));
/** A placeholder's value as `column` stores it (JSON text, epoch ms): `set` takes no bare placeholder. */
const stored = (name: string, column: SQLiteColumn) => sql`${sql.param(placeholder(name), column)}`;
const updateDraft = prepared((db) =>
	db
		.update(reportVersion)
		.set({
			version: stored('version', reportVersion.version),
			status: stored('status', reportVersion.status),
			snapshot: stored('snapshot', reportVersion.snapshot),
			at: stored('at', reportVersion.at),
			by: stored('by', reportVersion.by)
		})
		.where(draftOf())
		.prepare()
);
const deleteDraft = prepared((db) => db.delete(reportVersion).where(draftOf()).prepare());
const insertVersion = prepared((db) =>
	db
		.insert(reportVersion)
		.values({
			reportId: placeholder('reportId'),
			version: placeholder('version'),
			action: placeholder('action'),
			status: placeholder('status'),
			snapshot: placeholder('snapshot'),
			at: placeholder('at'),
			by: placeholder('by')
		})
		.prepare()
);
