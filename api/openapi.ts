import type { Hono } from 'hono';
import { z } from 'zod';
import { routeDocs, validatorSchemas } from './lib/validate.ts';

type Operation = {
	summary?: string;
	tags?: string[];
	parameters: unknown[];
	requestBody?: unknown;
	responses: Record<string, unknown>;
};

const errorSchema = {
	type: 'object',
	properties: {
		error: {
			type: 'object',
			properties: {
				code: { type: 'string' },
				key: { type: 'string', description: 'the stable cause, e.g. report.stale' },
				message: { type: 'string' },
				params: { type: 'object' },
				details: {}
			},
			required: ['code', 'key', 'message']
		}
	}
};

/** Builds the OpenAPI document from the mounted routes and the zod schemas their validators use. */
export function buildOpenApi(app: Pick<Hono, 'routes'>, prefix: string) {
	const paths: Record<string, Record<string, Operation>> = {};
	for (const route of app.routes) {
		if (!route.path.startsWith(prefix) || route.method === 'ALL') continue;
		const path = route.path.slice(prefix.length).replace(/:(\w+)/g, '{$1}') || '/';
		const method = route.method.toLowerCase();
		const op = ((paths[path] ??= {})[method] ??= {
			parameters: [],
			responses: {
				'200': { description: '成功' },
				default: { description: '错误', content: { 'application/json': { schema: errorSchema } } }
			}
		});
		const docInfo = routeDocs.get(route.handler);
		if (docInfo) Object.assign(op, docInfo);
		const validator = validatorSchemas.get(route.handler);
		if (!validator) continue;
		const schema = z.toJSONSchema(validator.schema, { io: 'input', unrepresentable: 'any' }) as {
			properties?: Record<string, unknown>;
			required?: string[];
		};
		if (validator.target === 'json' || validator.target === 'form') {
			const type = validator.target === 'json' ? 'application/json' : 'multipart/form-data';
			op.requestBody = { required: true, content: { [type]: { schema } } };
		} else {
			const where = validator.target === 'param' ? 'path' : validator.target;
			for (const [name, s] of Object.entries(schema.properties ?? {})) {
				op.parameters.push({
					name,
					in: where,
					required: where === 'path' || !!schema.required?.includes(name),
					schema: s
				});
			}
		}
	}
	return {
		openapi: '3.1.0',
		info: { title: 'Duban 督办 API', version: '1' },
		servers: [{ url: prefix }],
		paths
	};
}
