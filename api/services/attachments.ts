import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, openSync, writeSync, fsyncSync, closeSync, renameSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { assignment, attachment, noticeAnswer, report, reportItem, request } from '../../db/schema/index.ts';
import type { Db } from '../../db/client.ts';
import type { ServiceContext } from '../context.ts';
import { ApiError, notFound } from '../errors.ts';
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
	const maxBytes = getSettings(ctx.db).attachmentMaxMb * 1024 * 1024;
	if (data.length > maxBytes)
		throw new ApiError('payload_too_large', `文件超过 ${getSettings(ctx.db).attachmentMaxMb} MB 上限`);
	if (data.length === 0) throw new ApiError('bad_request', '文件为空');
	const originalName = cleanFileName(fileName);
	const ext = originalName.includes('.') ? originalName.split('.').pop()!.toLowerCase() : '';
	if (!(ALLOWED_EXTENSIONS as readonly string[]).includes(ext)) {
		throw new ApiError(
			'unsupported_media_type',
			`不支持“.${ext || '无扩展名'}”文件，只能上传 pdf、doc/docx、xls/xlsx、jpg/png`
		);
	}
	const wrong = checkFileContent(ext, data);
	if (wrong) throw new ApiError('unsupported_media_type', `${wrong}，请检查文件是否损坏或扩展名是否正确`);
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
	return ctx.db.transaction((tx) => {
		const row = tx
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
			.get();
		audit(
			{ ...ctx, db: tx },
			{ action: 'attachment.upload', objectType: 'attachment', objectId: row.id, after: row }
		);
		return row;
	});
}

/** Fails closed: an upload is refused unless clamd answers that it is clean. Refusals are audited. */
async function virusScan(ctx: ServiceContext, url: string, name: string, data: Uint8Array) {
	const refuse = (result: 'denied' | 'failed', reason: Record<string, unknown>) => {
		const sha256 = createHash('sha256').update(data).digest('hex');
		const after = { name, size: data.length, sha256, ...reason };
		ctx.db.transaction((tx) =>
			audit({ ...ctx, db: tx }, { action: 'attachment.rejected', objectType: 'attachment', result, after })
		);
	};
	let verdict;
	try {
		verdict = await scanBytes(url, data, { timeoutMs: ctx.config.clamdTimeoutMs });
	} catch (err) {
		const reason = (err as Error).message;
		console.error(`[duban] virus scan failed, upload refused: ${reason}`);
		refuse('failed', { scanError: reason });
		throw new ApiError(
			'service_unavailable',
			'病毒扫描服务暂时不可用，文件未上传，请稍后重试；如持续出现请联系系统管理员'
		);
	}
	if (!verdict.clean) {
		refuse('denied', { virus: verdict.signature });
		throw new ApiError('unprocessable', `文件未通过病毒扫描（检测到 ${verdict.signature}），已拒绝上传`, {
			signature: verdict.signature
		});
	}
}

/**
 * Who may download: whoever may see what the file is attached to — the report (drafts stay with their
 * unit), the request or the answer to an urge notice — plus the other units assigned to the same indicator once the report has been
 * submitted. A file attached to nothing yet is its unit's alone.
 */
export function readAttachment(ctx: ServiceContext, id: number) {
	const row = ctx.db.select().from(attachment).where(eq(attachment.id, id)).get();
	if (!row || !canRead(ctx, row)) throw notFound('附件');
	return { row, data: readFileSync(join(attachmentsDir(ctx.config.dataDir), row.storedName)) };
}

function canRead(ctx: ServiceContext, row: typeof attachment.$inferSelect): boolean {
	const actor = ctx.actor!;
	if (actor.role !== 'unit' && actor.role !== 'office' && actor.role !== 'leader') return false;
	const ownUnit = ownUnitOnly(actor);
	if (row.unitId === ownUnit) return true;
	if (row.ownerType === 'report_item' && row.ownerId) {
		const item = ctx.db
			.select({
				indicatorId: reportItem.indicatorId,
				status: report.status,
				visible: sql<number>`coalesce(${visibleReports(ctx) ?? sql`1`}, 0)`
			})
			.from(reportItem)
			.innerJoin(report, eq(report.id, reportItem.reportId))
			.where(eq(reportItem.id, row.ownerId))
			.get();
		if (!item) return false;
		if (item.visible) return true;
		return ownUnit !== null && item.status !== 'draft' && isAssigned(ctx, item.indicatorId, ownUnit);
	}
	if (row.ownerType === 'request' && row.ownerId) {
		const req = ctx.db
			.select({ indicatorId: request.indicatorId })
			.from(request)
			.where(eq(request.id, row.ownerId))
			.get();
		return !!req && (ownUnit === null || isAssigned(ctx, req.indicatorId, ownUnit));
	}
	// An answer to an urge notice is sent when written: the office and leaders read it, other units don't.
	if (row.ownerType === 'notice_answer' && row.ownerId) {
		const answer = ctx.db
			.select({ id: noticeAnswer.id })
			.from(noticeAnswer)
			.where(eq(noticeAnswer.id, row.ownerId))
			.get();
		return !!answer && ownUnit === null;
	}
	return false;
}

/** Attaches the unit's not yet used uploads to a request or an answer, in the caller's transaction. */
export function linkAttachments(
	tx: Db,
	ids: number[],
	unitId: number,
	ownerType: 'request' | 'notice_answer',
	ownerId: number
) {
	if (!ids.length) return;
	const linked = tx
		.update(attachment)
		.set({ ownerType, ownerId })
		.where(and(inArray(attachment.id, ids), eq(attachment.unitId, unitId), isNull(attachment.ownerId)))
		.run();
	if (linked.changes !== new Set(ids).size)
		throw new ApiError('bad_request', '附件不存在、不属于本单位或已用于其他事项');
}

export function isAssigned(ctx: ServiceContext, indicatorId: number, unitId: number) {
	return !!ctx.db
		.select({ n: sql`1` })
		.from(assignment)
		.where(and(eq(assignment.indicatorId, indicatorId), eq(assignment.unitId, unitId)))
		.get();
}
