import type { Context } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { Env } from '../context.ts';

const routeKeys = new WeakMap<Context<Env>, string | undefined>();

/**
 * A request's route as the router keys it ("POST /api/v1/imports"), found once a request: the body
 * limit and the heavy-work middlewares all ask, and matchedRoutes builds its list anew each time.
 */
export function routeKey(c: Context<Env>): string | undefined {
	if (routeKeys.has(c)) return routeKeys.get(c);
	const route = matchedRoutes(c).find((r) => r.method === c.req.method);
	const key = route && `${route.method} ${route.path}`;
	routeKeys.set(c, key);
	return key;
}
