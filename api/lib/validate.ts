import type { ValidationTargets } from 'hono';
import { describeRoute, validator } from 'hono-openapi';
import { z } from 'zod';
import { fail, zodDetails } from '../errors.ts';
import {
	DATE_WINDOW_MESSAGE,
	inDateWindow,
	inPeriodWindow,
	PERIOD_RE,
	PERIOD_WINDOW_MESSAGE
} from './dates.ts';
import { stripBidiControls, stripXmlForbidden } from './text.ts';

/**
 * zod validation at the edge (hono-openapi's validator, which also documents the schema); a failure
 * is the standard 400 body with every problem listed.
 */
export function v<T extends keyof ValidationTargets, S extends z.ZodType>(target: T, schema: S) {
	return validator(target, schema, (result) => {
		// zod's standard-schema issues are its own issues, with their codes and bounds.
		if (!result.success) {
			const issues = result.error as unknown as z.ZodError['issues'];
			throw fail('bad_request', 'request.invalid', undefined, zodDetails({ issues } as z.ZodError));
		}
	});
}

/** The route's summary and tag in the OpenAPI document (its contract: `api/contract/`). */
export function doc(summary: string, tags: string[]) {
	return describeRoute({ summary, tags });
}

const outOfRange = { params: { code: 'date_out_of_range' }, abort: true };
/** Every period and date the system accepts lies in the date window: no walk over far-off months. */
export const periodSchema = z
	.string()
	.regex(PERIOD_RE, '月份格式应为 YYYY-MM')
	.refine(inPeriodWindow, { message: PERIOD_WINDOW_MESSAGE, ...outOfRange });
export const dateSchema = z.iso
	.date('日期格式应为 YYYY-MM-DD')
	.refine(inDateWindow, { message: DATE_WINDOW_MESSAGE, ...outOfRange });

/** Text a user types: characters XML forbids are dropped before any check (they corrupt .docx/.xlsx). */
export const userText = z.string().overwrite(stripXmlForbidden);
/** A name others see (a person, a sign-in name): also without bidi controls, which disguise it. */
export const nameText = userText.overwrite(stripBidiControls);
