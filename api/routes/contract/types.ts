import type { z } from 'zod';
import type { FileReply } from './shapes.ts';

/** One operation's promise: its name for generated clients, what it does, what it answers. */
export type Operation = {
	/** Unique and stable: generated clients name their methods by it. */
	id: string;
	description: string;
	/** The success body: a schema, or the media types of a file. */
	ok: z.ZodType | FileReply;
	status?: 200 | 201;
	okText?: string;
	/** Refusals beyond those its guards and inputs imply (400, 401/403, 404 on a path id, 413 on writes). */
	errors?: (409 | 415 | 422 | 429 | 503)[];
	/** No sign-in needed. */
	public?: boolean;
	/** A success body from the 2020 plan's data (checked against `ok`). */
	example?: unknown;
};
export type Contract = Record<string, Operation>;
