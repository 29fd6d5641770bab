import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, openSync, writeSync, fsyncSync, closeSync, renameSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { assignment, attachment, noticeAnswer, report, reportItem, request } from '../../db/schema/index.ts';
import { type Db, rowsAffected, withTransaction } from '../../db/client.ts';
import type { ServiceContext } from '../context.ts';
import { fail, notFound } from '../errors.ts';
import { scanBytes } from '../lib/clamd.ts';
import { ALLOWED_EXTENSIONS, checkFileContent, contentTypeOf } from '../lib/file-types.ts';
import { stripBidiControls, stripXmlForbidden } from '../lib/text.ts';
import { visibleReports } from './access.ts';
import { audit } from './audit.ts';
import { ownUnitId } from './report-form.ts';
import { getSettings } from './settings.ts';
import { ownUnitOnly } from '../../web/src/lib/rules/access.ts';

export const attachmentsDir = (dataDir: string) => join(dataDir, 'attachments');

/**
 * Keeps the user's name only as metadata: no path parts, no control or bidi characters (which disguise
 * the extension), nothing XML forbids, bounded length.
 */
export function cleanFileName(name: string): string {
	const base = name.split(/[\\/]/).pop() ?? '';
	// eslint-disable-next-line no-control-regex -- control characters never belong in a file name
	const cleaned = stripBidiControls(base.replace(/[\u0000-\u001f\u007f"<>|:*?]/g, '')).trim();
	// Stripped after the cut, which may split a surrogate pair.
	return stripXmlForbidden((cleaned || '附件').slice(0, 200));
}

/**
 * Stores an upload for the actor's unit. With CLAMD_URL set the bytes are virus-scanned first, and
 * nothing is written unless clamd says they are clean. The file is written and fsynced under a
 * generated name before its row exists, so a row never points to a missing file.
 */
function fsyncDir(path: string) {
	const fd = openSync(path, 'r');
	try {
		fsyncSync(fd);
	} finally {
		closeSync(fd);
	}
}

export async function storeAttachment(ctx: ServiceContext, fileName: string, data: Uint8Array) {
	const unitId = ownUnitId(ctx);
	const maxBytes = (await getSettings(ctx.db)).attachmentMaxMb * 1024 * 1024;
	if (data.length > maxBytes)
		throw fail('payload_too_large', 'attachment.too_large', {
			mb: (await getSettings(ctx.db)).attachmentMaxMb
		});
	if (data.length === 0) throw fail('bad_request', 'attachment.empty');
	const originalName = cleanFileName(fileName);
	const ext = originalName.includes('.') ? originalName.split('.').pop()!.toLowerCase() : '';
	if (!(ALLOWED_EXTENSIONS as readonly string[]).includes(ext)) {
		throw ext
			? fail('unsupported_media_type', 'attachment.type', { ext })
			: fail('unsupported_media_type', 'attachment.no_extension');
	}
	const wrong = checkFileContent(ext, data);
	if (wrong) throw fail('unsupported_media_type', 'attachment.content_mismatch', { problem: wrong });
	if (ctx.config.clamdUrl) await virusScan(ctx, ctx.config.clamdUrl, originalName, data);

	const now = ctx.clock.now();
	const dir = join(attachmentsDir(ctx.config.dataDir), now.toISOString().slice(0, 7));
	// A new month folder's own name must survive a power cut too, like the file's below.
	if (mkdirSync(dir, { recursive: true })) fsyncDir(attachmentsDir(ctx.config.dataDir));
	const storedName = `${now.toISOString().slice(0, 7)}/${randomUUID()}.${ext}`;
	const finalPath = join(attachmentsDir(ctx.config.dataDir), storedName);
	const tmpPath = `${finalPath}.part`;
	const fd = openSync(tmpPath, 'w', 0o600);
	try {
		writeSync(fd, data);
		fsyncSync(fd);
	} finally {
		closeSync(fd);
	}
	renameSync(tmpPath, finalPath);
	// The rename is durable only once the folder is synced; only then may a row point to the file.
	fsyncDir(dir);
	return await withTransaction(ctx, async (tx) => {
		const row = (
			await tx.db
				.insert(attachment)
				.values({
					storedName,
					originalName,
					contentType: contentTypeOf(ext),
					size: data.length,
					sha256: createHash('sha256').update(data).digest('hex'),
					unitId,
					createdAt: now,
					createdBy: ctx.actor!.id
				})
				.returning({
					id: attachment.id,
					name: attachment.originalName,
					size: attachment.size,
					contentType: attachment.contentType
				})
		)[0]!;
		await audit(tx, { action: 'attachment.upload', objectType: 'attachment', objectId: row.id, after: row });
		return row;
	});
}

/** Fails closed: an upload is refused unless clamd answers that it is clean. Refusals are audited. */
async function virusScan(ctx: ServiceContext, url: string, name: string, data: Uint8Array) {
	const refuse = async (result: 'denied' | 'failed', reason: Record<string, unknown>) => {
		const sha256 = createHash('sha256').update(data).digest('hex');
		const after = { name, size: data.length, sha256, ...reason };
		await withTransaction(ctx, async (tx) =>
			audit(tx, { action: 'attachment.rejected', objectType: 'attachment', result, after })
		);
	};
	let verdict;
	try {
		verdict = await scanBytes(url, data, { timeoutMs: ctx.config.clamdTimeoutMs });
	} catch (err) {
		const reason = (err as Error).message;
		console.error(`[duban] request ${ctx.requestId ?? '-'}: virus scan failed, upload refused: ${reason}`);
		await refuse('failed', { scanError: reason });
		throw fail('service_unavailable', 'attachment.scan_unavailable');
	}
	if (!verdict.clean) {
		await refuse('denied', { virus: verdict.signature });
		throw fail(
			'unprocessable',
			'attachment.infected',
			{ signature: verdict.signature },
			{
				signature: verdict.signature
			}
		);
	}
}

/**
 * Who may download: whoever may see what the file is attached to — the report (drafts stay with their
 * unit), the request or the answer to an urge notice — plus the other units assigned to the same indicator once the report has been
 * submitted. A file attached to nothing yet is its unit's alone.
 */
export async function readAttachment(ctx: ServiceContext, id: number) {
	const row = (await ctx.db.select().from(attachment).where(eq(attachment.id, id)).limit(1))[0];
	if (!row || !(await canRead(ctx, row))) throw notFound('attachment');
	return { row, data: readFileSync(join(attachmentsDir(ctx.config.dataDir), row.storedName)) };
}

async function canRead(ctx: ServiceContext, row: typeof attachment.$inferSelect): Promise<boolean> {
	const actor = ctx.actor!;
	if (actor.role !== 'unit' && actor.role !== 'office' && actor.role !== 'leader') return false;
	const ownUnit = ownUnitOnly(actor);
	if (row.unitId === ownUnit) return true;
	if (row.ownerType === 'report_item' && row.ownerId) {
		const item = (
			await ctx.db
				.select({
					indicatorId: reportItem.indicatorId,
					status: report.status,
					visible: sql<number>`case when ${visibleReports(ctx) ?? sql`1 = 1`} then 1 else 0 end`
				})
				.from(reportItem)
				.innerJoin(report, eq(report.id, reportItem.reportId))
				.where(eq(reportItem.id, row.ownerId))
				.limit(1)
		)[0];
		if (!item) return false;
		if (item.visible) return true;
		return ownUnit !== null && item.status !== 'draft' && (await isAssigned(ctx, item.indicatorId, ownUnit));
	}
	if (row.ownerType === 'request' && row.ownerId) {
		const req = (
			await ctx.db
				.select({ indicatorId: request.indicatorId })
				.from(request)
				.where(eq(request.id, row.ownerId))
				.limit(1)
		)[0];
		return !!req && (ownUnit === null || (await isAssigned(ctx, req.indicatorId, ownUnit)));
	}
	// An answer to an urge notice is sent when written: the office and leaders read it, other units don't.
	if (row.ownerType === 'notice_answer' && row.ownerId) {
		const answer = (
			await ctx.db
				.select({ id: noticeAnswer.id })
				.from(noticeAnswer)
				.where(eq(noticeAnswer.id, row.ownerId))
				.limit(1)
		)[0];
		return !!answer && ownUnit === null;
	}
	return false;
}

/** Attaches the unit's not yet used uploads to a request or an answer, in the caller's transaction. */
export async function linkAttachments(
	tx: Db,
	ids: number[],
	unitId: number,
	ownerType: 'request' | 'notice_answer',
	ownerId: number
) {
	if (!ids.length) return;
	const linked = await tx
		.update(attachment)
		.set({ ownerType, ownerId })
		.where(and(inArray(attachment.id, ids), eq(attachment.unitId, unitId), isNull(attachment.ownerId)));
	if (rowsAffected(linked) !== new Set(ids).size) throw fail('bad_request', 'attachment.not_linkable');
}

export async function isAssigned(ctx: ServiceContext, indicatorId: number, unitId: number) {
	return !!(
		await ctx.db
			.select({ n: sql`1` })
			.from(assignment)
			.where(and(eq(assignment.indicatorId, indicatorId), eq(assignment.unitId, unitId)))
			.limit(1)
	)[0];
}
