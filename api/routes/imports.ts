import { Hono, type TypedResponse } from 'hono';
import { z } from 'zod';
import type { Env } from '../context.ts';
import { flag } from './common.ts';
import { fail } from '../errors.ts';
import { dateSchema, doc, userText, v } from '../lib/validate.ts';
import { requireProvincialOffice, requireRole, svc } from '../middleware/auth.ts';
import { COLUMN_KEYS, importTableJson, type ColumnKey, type ImportReport } from '../services/imports.ts';
import { getImportProgress } from '../services/import-progress.ts';
import type { importTemplate } from '../services/import-template.ts';
import { readInWorker } from '../lib/worker-pool.ts';
import { contentDisposition } from '../lib/http.ts';

export const MAX_TABLE_BYTES = 10 * 1024 * 1024;

const importForm = z.object({
	file: z.instanceof(File, { message: '请选择要导入的 .xlsx 或 .csv 文件' }),
	planId: z.coerce.number().int().positive().optional(),
	title: userText.trim().min(1).max(200).optional(),
	year: z.coerce.number().int().min(2000).max(2100).optional(),
	issuer: userText.trim().max(100).optional(),
	issuedOn: dateSchema.optional(),
	createUnits: flag.default(false),
	dryRun: flag.default(false),
	/** Columns by hand: {"headerRow": 2, "columns": {"task": 0, "deadline": 4, …}} (0-based columns). */
	mapping: z
		.string()
		.max(2000)
		.transform((text, ctx) => {
			try {
				return mappingSchema.parse(JSON.parse(text));
			} catch {
				ctx.addIssue({ code: 'custom', message: '列对应关系格式有误，请重新选择各列' });
				return z.NEVER;
			}
		})
		.optional()
});

const mappingSchema = z.object({
	headerRow: z.number().int().min(1).max(1000),
	columns: z.partialRecord(
		z.enum(COLUMN_KEYS as [ColumnKey, ...ColumnKey[]]),
		z.number().int().min(0).max(200)
	)
});

/** A client-chosen key (a UUID): printable ASCII, as RFC 9110 field values allow. */
const idempotencyKey = z.object({
	'idempotency-key': z
		.string()
		.regex(/^[\x21-\x7e]{8,100}$/, 'Idempotency-Key 应为 8–100 个可见 ASCII 字符')
		.optional()
});

export const importRoutes = new Hono<Env>()
	.get('/template', doc('下载任务分工表模板（.xlsx）', ['imports']), requireRole('office'), async (c) => {
		// A workbook (exceljs) is made on a pool thread, never on the request thread.
		const file = await readInWorker<typeof importTemplate>(
			svc(c),
			'api/services/import-template.ts',
			'importTemplate'
		);
		return c.body(file.body, 200, {
			'Content-Type': file.contentType,
			'Content-Disposition': contentDisposition(file.name)
		});
	})
	.get(
		'/progress/:key',
		doc('导入进度（按 Idempotency-Key）', ['imports']),
		requireRole('office'),
		v('param', z.object({ key: z.string().max(100) })),
		(c) => c.json({ progress: getImportProgress(svc(c), c.req.valid('param').key) }, 200)
	)
	.post(
		'/',
		doc('导入任务分工表（dryRun=1 为预览；Idempotency-Key 使重试不会重复导入）', ['imports']),
		requireProvincialOffice,
		v('form', importForm),
		v('header', idempotencyKey),
		async (c) => {
			const form = c.req.valid('form');
			if (form.file.size > MAX_TABLE_BYTES) throw fail('payload_too_large', 'import.too_large');
			if (form.planId === undefined && (!form.title || !form.year)) {
				throw fail('bad_request', 'import.plan_required');
			}
			const { json, replayed } = await importTableJson(
				svc(c),
				{
					data: new Uint8Array(await form.file.arrayBuffer()),
					fileName: form.file.name,
					plan: {
						planId: form.planId,
						title: form.title,
						year: form.year,
						issuer: form.issuer,
						issuedOn: form.issuedOn
					},
					createUnits: form.createUnits,
					dryRun: form.dryRun,
					mapping: form.mapping
				},
				{ key: c.req.valid('header')['idempotency-key'] }
			);
			if (replayed) c.header('Idempotent-Replayed', 'true');
			// Made as JSON text on the import's worker thread: megabytes for a large table.
			return c.body(json, 200, { 'Content-Type': 'application/json' }) as unknown as TypedResponse<
				ImportReport & { replayed?: boolean },
				200,
				'json'
			>;
		}
	);
