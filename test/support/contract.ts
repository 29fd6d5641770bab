import { z } from 'zod';
import { CONTRACT, type Operation } from '../../api/routes/contract/index.ts';
import { errorBody } from '../../api/routes/contract/shapes.ts';

const routes = Object.entries(CONTRACT)
	.map(([key, op]) => {
		const [method, path] = key.split(' ') as [string, string];
		const re = new RegExp(`^${path.replace(/\{\w+\}/g, '[^/]+')}$`);
		return { key, method, re, op, params: (path.match(/\{/g) ?? []).length };
	})
	// A literal segment wins over a parameter (/reports/export before /reports/{id}).
	.sort((a, b) => a.params - b.params);

/** The contract of the operation a request reached, or null (an unknown path answers 404). */
export function operationOf(method: string, url: string): { key: string; op: Operation } | null {
	const path = new URL(url, 'http://x').pathname.replace(/^\/api\/v1/, '') || '/';
	return routes.find((r) => r.method === method.toUpperCase() && r.re.test(path)) ?? null;
}

/**
 * Checks an answer against what the document promises: the success body against the operation's
 * schema (or its file media types), every refusal against the one error body with its request id.
 * Throws, naming the operation and each mismatch.
 */
export function checkResponse(
	method: string,
	url: string,
	status: number,
	contentType: string,
	data: unknown
) {
	if (!new URL(url, 'http://x').pathname.startsWith('/api/v1')) return;
	const found = operationOf(method, url);
	const where = `${method} ${url} → ${status}`;
	if (status >= 400) {
		if (!contentType.includes('json')) throw new Error(`${where}: a refusal must be the JSON error body`);
		const r = errorBody.safeParse(data);
		if (!r.success) throw new Error(`${where}: not the error body: ${z.prettifyError(r.error)}`);
		return;
	}
	if (!found) throw new Error(`${where}: no operation in the contract answers this path`);
	const { key, op } = found;
	if (status !== (op.status ?? 200)) throw new Error(`${where}: ${key} documents ${op.status ?? 200}`);
	if ('files' in op.ok) {
		const type = contentType.split(';')[0]!.trim();
		if (!op.ok.files.includes(type))
			throw new Error(`${where}: ${type} is not among ${op.ok.files.join(', ')}`);
		return;
	}
	const r = op.ok.safeParse(data);
	if (!r.success) throw new Error(`${where}: the body breaks ${key}'s schema: ${z.prettifyError(r.error)}`);
}
