import { z } from 'zod';

/** Schemas several routers share. */
export const idParam = z.object({ id: z.coerce.number().int().positive() });
export const paging = {
	page: z.coerce.number().int().min(1).default(1),
	pageSize: z.coerce.number().int().min(1).max(500).default(50)
};
/** A yes/no query or form field: 1/true/on or 0/false. */
export const flag = z
	.enum(['1', '0', 'true', 'false', 'on'])
	.transform((s) => s === '1' || s === 'true' || s === 'on');
