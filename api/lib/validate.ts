import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import type { z } from 'zod';
import { ApiError, zodDetails } from '../errors.ts';

type Target = keyof ValidationTargets;

/** Schemas attached to validator middlewares, so the OpenAPI document is generated from them. */
export const validatorSchemas = new WeakMap<object, { target: Target; schema: z.ZodType }>();
export const routeDocs = new WeakMap<object, { summary: string; tags?: string[] }>();

/** zod validation at the edge; a failure is the standard 400 body with every problem listed. */
export function v<T extends Target, S extends z.ZodType>(target: T, schema: S) {
	const mw = zValidator(target, schema, (result) => {
		if (!result.success) {
			throw new ApiError('bad_request', '请求参数有误', zodDetails(result.error as unknown as z.ZodError));
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
