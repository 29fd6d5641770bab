import { z } from 'zod';
import {
	ACCOUNT_KINDS,
	ALERT_KINDS,
	ASSIGNMENT_ROLES,
	LIGHTS,
	ROLES,
	TARGET_OPS
} from '../../../web/src/lib/rules/enums.ts';
import { ERROR_CODES } from '../../errors.ts';
import { errorsZh } from '../../../web/src/lib/i18n/errors.zh.ts';

/**
 * The building blocks of the response schemas. Objects are open (`looseObject`): a field added to a
 * reply is a compatible change (`/api/v1` stays compatible), a field removed or retyped is not.
 */
export const obj = <S extends z.ZodRawShape>(shape: S) => z.looseObject(shape);
export const id = z.number().int().positive();
export const row = obj({ id });
export const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
export const period = z.string().regex(/^\d{4}-\d{2}$/);
export const timestamp = z.string();
export const list = <T extends z.ZodType>(item: T) => obj({ items: z.array(item) });
export const page = <T extends z.ZodType>(item: T) =>
	obj({ items: z.array(item), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() });
export const okReply = z.object({ ok: z.literal(true) });
/** A count of things done (sessions ended, notifications marked …). */
export const count = z.number().int().nonnegative();
/** A unit named in a row. */
export const unitRef = obj({ id, name: z.string() });
/** Why a light is on: the facts its reason sentence was written from (one shape per alert kind). */
const alertParams = z.union([
	obj({ dueOn: z.string(), pending: z.string().optional() }),
	obj({ start: z.string(), dueOn: z.string(), label: z.string(), actual: z.number() }),
	obj({ period: z.string(), dueOn: z.string() }),
	obj({ period: z.string() })
]);
/** A red or yellow light on an indicator (for one unit, or the whole indicator when unitId is null). */
export const alertFacts = {
	kind: z.enum(ALERT_KINDS),
	light: z.enum(LIGHTS),
	since: z.string(),
	params: alertParams,
	reason: z.string()
};
/** Indicators by light or completion, for a unit or a report. */
export const stateCounts = obj({
	red: count,
	yellow: count,
	green: count,
	completed_on_time: count,
	completed_late: count,
	items: count,
	reportsMissing: count
});
/** A JSON value stored as is (audit before/after, job counts, version fields). */
export const json = z.unknown();

/** A file answer (export, download): its media types instead of a JSON schema. */
export type FileReply = { files: string[] };
export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
export const CSV = 'text/csv';
export const file = (...files: string[]): FileReply => ({ files });

const importCounts = {
	sections: count,
	tasks: count,
	indicators: count,
	assignments: count,
	targets: count
};
const importIssue = obj({ row: z.number().int(), column: z.string(), message: z.string() });
/** An import's report: counts, problems by row, where the columns were found, the rows as read. */
export const importReport = obj({
	...importCounts,
	planId: id.nullable(),
	committed: z.boolean(),
	created: obj({ ...importCounts, units: count }),
	errors: z.array(importIssue),
	warnings: z.array(importIssue),
	notes: z.array(importIssue),
	newUnits: z.array(z.string()),
	dataRows: count,
	layout: obj({
		headerRows: z.array(z.number().int()),
		headers: z.array(z.string()),
		columns: z.record(z.string(), obj({ index: z.number().int(), header: z.string() })),
		signature: z.string(),
		recognised: z.boolean()
	}).describe('where the header rows and columns were found'),
	rows: z
		.array(
			obj({
				row: z.number().int(),
				section1: z.string().nullable(),
				section2: z.string().nullable(),
				task: z.string(),
				indicator: z.string(),
				deadlineText: z.string(),
				dueOn: date.nullable(),
				recurrence: z.enum(['monthly']).nullable(),
				unitsText: z.string(),
				units: z.array(
					obj({
						type: z.enum(['unit', 'group', 'placeholder', 'new']),
						name: z.string(),
						role: z.enum(ASSIGNMENT_ROLES)
					})
				),
				targets: z.array(
					obj({
						label: z.string(),
						op: z.enum(TARGET_OPS),
						value: z.number(),
						scale: z.number(),
						valueMax: z.number().nullable(),
						unit: z.string(),
						relative: z.enum(['factor', 'points', 'percent']).nullable(),
						aggregation: z.enum(['each', 'sum']),
						text: z.string()
					})
				)
			})
		)
		.describe('the rows as read (the preview of a dry run)'),
	replayed: z.boolean().optional().describe('true when an Idempotency-Key repeated an earlier import')
});

const keyOf = (k: string) => k.slice('error.'.length);
/** Every refusal's stable cause (`report.stale` …) and every field problem's code (`required` …). */
export const ERROR_KEYS = Object.keys(errorsZh)
	.filter((k) => k.startsWith('error.'))
	.map(keyOf);
export const FIELD_CODES = Object.keys(errorsZh)
	.filter((k) => k.startsWith('field.'))
	.map((k) => k.slice('field.'.length));

export const fieldProblem = z.object({
	path: z.string().describe('the field, dotted (items.3.progress)'),
	code: z.enum(FIELD_CODES as [string, ...string[]]),
	message: z.string(),
	params: z.record(z.string(), z.union([z.string(), z.number()])).optional()
});

/**
 * What a refusal's `details` carries, one shape per cause (its `key` says which). Closed objects, so that a
 * client narrows them by a field (`'pending' in details`).
 */
export const errorDetails = z
	.union([
		z
			.array(
				fieldProblem.extend({
					indicatorId: id.optional().describe('report.incomplete: the item'),
					field: z
						.enum(['progressStatus', 'progress'])
						.optional()
						.describe('report.incomplete: what it lacks')
				})
			)
			.describe('request.invalid, report.incomplete: the problems by field'),
		z
			.object(importReport.omit({ rows: true }).shape)
			.describe('import.has_errors: the import report, without its rows'),
		z.object({ currentRevision: z.number().int().nullable() }).describe('report.stale: the stored revision'),
		z
			.object({
				retryAfterSeconds: z.number().int().nonnegative(),
				reason: z.literal('heavy_work_queue_full').optional()
			})
			.describe('429 and 503: the seconds to wait (also in Retry-After)'),
		z.object({ retryAt: timestamp }).describe('auth.locked: when sign-in opens again'),
		z.object({ maxBytes: count }).describe('413: the size allowed'),
		z
			.object({ kind: z.enum(ACCOUNT_KINDS), roles: z.array(z.enum(ROLES)).readonly() })
			.describe('user.kind_change: the roles the account may have'),
		z.object({ totpRequired: z.literal(true) }).describe('auth.totp_required, auth.totp_wrong'),
		z.object({ pending: z.enum(['password', 'totp']) }).describe('auth.*_pending: the step to take first'),
		z.object({ signature: z.string() }).describe('attachment.infected: what the scanner found'),
		z.object({ problems: z.array(z.string()) }).describe('password.policy: each rule the password breaks')
	])
	.describe("the cause's own data");
export type ErrorDetails = z.infer<typeof errorDetails>;

/** The one error body of every 4xx and 5xx. */
export const errorBody = z.object({
	error: z.object({
		code: z.enum(ERROR_CODES as [string, ...string[]]).describe('the kind of refusal (one per status)'),
		key: z
			.enum(ERROR_KEYS as [string, ...string[]])
			.describe('the stable cause, e.g. report.stale; texts in both languages by this key'),
		message: z.string().describe('the Chinese text'),
		params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
		details: errorDetails.optional(),
		requestId: z.string().describe('the X-Request-Id of the request, also in the server log')
	})
});
/** The error body's type, for clients (the web app's `ApiFailure`). */
export type ApiErrorBody = z.infer<typeof errorBody>;
