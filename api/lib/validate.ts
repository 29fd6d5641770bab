import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
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

type Target = keyof ValidationTargets;

/** Schemas attached to validator middlewares, so the OpenAPI document is generated from them. */
export const validatorSchemas = new WeakMap<object, { target: Target; schema: z.ZodType }>();
export const routeDocs = new WeakMap<object, { summary: string; tags?: string[] }>();

/** zod validation at the edge; a failure is the standard 400 body with every problem listed. */
export function v<T extends Target, S extends z.ZodType>(target: T, schema: S) {
	const mw = zValidator(target, schema, (result) => {
		if (!result.success) {
			throw fail(
				'bad_request',
				'request.invalid',
				undefined,
				zodDetails(result.error as unknown as z.ZodError)
			);
		}
	});
	validatorSchemas.set(mw, { target, schema });
	return mw;
}

/** A no-op middleware that carries the route's summary for the OpenAPI document. */
export function doc(summary: string, tags?: string[]) {
	const mw = async (_c: unknown, next: () => Promise<void>) => next();
	routeDocs.set(mw, { summary, tags });
	return mw;
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
