import { createMiddleware } from 'hono/factory';
import { routePath } from 'hono/route';
import type { Role } from '../../db/schema/index.ts';
import type { Env } from '../context.ts';
import { ApiError, fail } from '../errors.ts';
import { audit } from '../services/audit.ts';
import { shareWriteGate } from '../lib/write-gate.ts';
import { DUTIES, rolesFor, type AccountDuty } from '../services/duties.ts';
import { requireRole, svc } from './auth.ts';

/** Paths (below /api/v1) a user may still call while a password change or TOTP enrolment is pending. */
const PENDING_ALLOWED = ['/health', '/auth/me', '/auth/logout', '/auth/password', '/auth/totp/'];

/**
 * 三员分立: the security and audit administrators reach only their own areas of the duties table (the
 * audit admin gets 403 on everything but the audit log). Business routes check their own roles; this
 * fence keeps the two administrators out of business data entirely.
 */
const AREAS: Partial<Record<Role, readonly string[]>> = DUTIES.areas;

/** `/users` covers /users and /users/…; `/auth/` covers only what is below /auth. */
const within = (path: string, prefixes: readonly string[]) =>
	prefixes.some((p) => path === p || path.startsWith(p.endsWith('/') ? p : `${p}/`));

export function enforceDuties(prefix: string) {
	return createMiddleware<Env>(async (c, next) => {
		const actor = c.get('actor');
		if (actor) {
			const path = c.req.path.slice(prefix.length);
			const pending = c.get('pending');
			if (pending && !within(path, PENDING_ALLOWED))
				throw fail(
					'forbidden',
					pending === 'password' ? 'auth.password_pending' : 'auth.totp_pending',
					undefined,
					{ pending }
				);
			const area = AREAS[actor.role];
			if (actor.role === 'service') {
				if (c.req.method !== 'GET' || !within(path, area!)) throw fail('forbidden', 'auth.service_fenced');
			} else if (area && !within(path, area)) throw fail('forbidden', 'auth.admin_fenced');
		}
		await next();
	});
}

/** A route guard from the duties table: the roles that may do this to some kind of account. */
export const requireDuty = (duty: AccountDuty) => requireRole(...rolesFor(duty));

/** Every authorisation denial (403) is an audit row: who tried what, from where. */
export const auditDenials = createMiddleware<Env>(async (c, next) => {
	await next();
	const err = c.error;
	if (err instanceof ApiError && err.code === 'forbidden' && !c.req.path.endsWith('/auth/login')) {
		// The route whose handler refused (its pattern, e.g. /reports/:id), or the path when a fence refused.
		const route = routePath(c);
		// A refused read writes too: after any import being written by a worker (see write-gate.ts).
		const release = await shareWriteGate();
		try {
			await audit(svc(c), {
				action: 'authz.denied',
				result: 'denied',
				objectType: 'route',
				objectId: `${c.req.method} ${route && !route.includes('*') ? route : c.req.path}`,
				after: { path: c.req.path, message: err.message }
			});
		} finally {
			release();
		}
	}
});
