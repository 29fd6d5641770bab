import { createHash } from 'node:crypto';
import { and, asc, eq, sql } from 'drizzle-orm';

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
		.innerJoin(
			reportItem,
			and(eq(attachment.ownerType, 'report_item'), eq(attachment.ownerId, reportItem.id))
		)
		.where(eq(reportItem.reportId, placeholder('reportId')))
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

/** The report and its items (with their attachments) as they are now: what a version keeps. */
export async function snapshotReport(db: Db, reportId: number) {
	const row = (await reportState(db).execute({ reportId }))[0]!;
	const items = await reportItemsOf(db).execute({ reportId });
	const values = items.length ? await reportValuesOf(db).execute({ reportId }) : [];
	const files = items.length ? await reportFilesOf(db).execute({ reportId }) : [];
	const valuesOf = groupBy(values, (v) => v.itemId);
	const filesOf = groupBy(files, (f) => f.ownerId);
	return {
		status: row.status,
		returnReason: row.returnReason,
		items: items.map((i) => ({
			indicatorId: i.indicatorId,
			progressStatus: i.progressStatus,
			percent: i.percent,
			progress: i.progress,
			problems: i.problems,
			nextSteps: i.nextSteps,
			returnReason: i.returnReason,
			values: Object.fromEntries((valuesOf.get(i.id) ?? []).map((v) => [v.targetId, v.value])),
			attachments: (filesOf.get(i.id) ?? []).map(({ id, name }) => ({ id, name }))
		}))
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
	for (const item of b.items) {
		const old = a?.items.find((i) => i.indicatorId === item.indicatorId);
		for (const field of ITEM_FIELDS) {
			const x = old?.[field] ?? null;
			const y = item[field] ?? null;
			if (JSON.stringify(x) !== JSON.stringify(y)) changes.push(itemChange(item.indicatorId, field, x, y));
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

/** Text longer than this goes into the audit log as its length and a digest, never as a copy. */
const AUDIT_TEXT_MAX = 64;

function compact(value: unknown): unknown {
	if (typeof value === 'string' && value.length > AUDIT_TEXT_MAX)
		return { chars: value.length, sha256: createHash('sha256').update(value).digest('hex').slice(0, 16) };
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
	const row = { version, status: snapshot.status, snapshot, at: ctx.clock.now(), by: ctx.actor?.id || null };
	const draft = and(eq(reportVersion.reportId, reportId), eq(reportVersion.action, 'save'));
	if (action === 'save') {
		if (rowsAffected(await tx.update(reportVersion).set(row).where(draft))) return snapshot;
	} else await tx.delete(reportVersion).where(draft);
	await tx.insert(reportVersion).values({ ...row, reportId, action });
	return snapshot;
}
