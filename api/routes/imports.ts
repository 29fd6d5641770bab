import { Hono } from 'hono';
import { z } from 'zod';
import type { Env } from '../context.ts';
import { flag } from './common.ts';
import { ApiError } from '../errors.ts';
import { doc, v } from '../lib/validate.ts';
import { requireRole, svc } from '../middleware/auth.ts';
import { importTable } from '../services/imports.ts';

const MAX_TABLE_BYTES = 10 * 1024 * 1024;

const importForm = z.object({
	file: z.instanceof(File, { message: '请选择要导入的 .xlsx 或 .csv 文件' }),
	planId: z.coerce.number().int().positive().optional(),
	title: z.string().trim().min(1).max(200).optional(),
	year: z.coerce.number().int().min(2000).max(2100).optional(),
	issuer: z.string().trim().max(100).optional(),
	issuedOn: z.iso.date().optional(),
	createUnits: flag.default(false),
	dryRun: flag.default(false)
});

export const importRoutes = new Hono<Env>().post(
	'/',
	doc('导入任务分工表（dryRun=1 为预览）', ['imports']),
	requireRole('office'),
	v('form', importForm),
	async (c) => {
		const form = c.req.valid('form');
		if (form.file.size > MAX_TABLE_BYTES) throw new ApiError('payload_too_large', '文件超过 10 MB');
		if (form.planId === undefined && (!form.title || !form.year)) {
			throw new ApiError('bad_request', '请选择已有计划，或填写新计划的名称和年度');
		}
		const report = await importTable(svc(c), {
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
			dryRun: form.dryRun
		});
		return c.json(report, 200);
	}
);
