import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Role } from '../../db/schema/index.ts';
import type { Env, ServiceContext } from '../context.ts';
import { routePath } from 'hono/route';
import { fail, tooManyRequests } from '../errors.ts';
import { arrivedOverHttps } from '../lib/http.ts';
import { takeSlot } from '../lib/rate-limit.ts';
import { shareWriteGate } from '../lib/write-gate.ts';
import { audit } from '../services/audit.ts';
import { validateServiceToken } from '../services/service-accounts.ts';
import { validateSessionToken } from '../services/auth.ts';
import { assertProvincialOffice } from '../services/access.ts';

/** Over HTTPS the cookie is `__Host-` prefixed: Secure, no Domain, Path=/ (the browser enforces all three). */
const SESSION_COOKIE = 'duban_session';
const HOST_SESSION_COOKIE = `__Host-${SESSION_COOKIE}`;

/** Whether the session cookie is Secure: as configured, or (auto) when the request came over HTTPS. */
function secureCookie(c: Context<Env>): boolean {
	const { config } = c.get('deps');
	if (config.secureCookies !== 'auto') return config.secureCookies === 'always';
	return arrivedOverHttps(c, config);
}

const cookieName = (c: Context<Env>) => (secureCookie(c) ? HOST_SESSION_COOKIE : SESSION_COOKIE);

export function setSessionCookie(c: Context<Env>, token: string, expiresAt: Date) {
	setCookie(c, cookieName(c), token, {
		httpOnly: true,
		sameSite: 'Lax',
		secure: secureCookie(c),
		path: '/',
		// A relative lifetime: the application's clock may run on a replayed date, the browser's does not.
		maxAge: Math.max(1, Math.floor((expiresAt.getTime() - c.get('deps').clock.now().getTime()) / 1000))
	});
}

export function clearSessionCookie(c: Context<Env>) {
	deleteCookie(c, cookieName(c), { path: '/', secure: secureCookie(c) });
}

/**
 * A machine client: `Authorization: Bearer dbn_…` names a service account. A token that is unknown or
 * revoked is refused (401, never treated as anonymous); each token has its own rate limit, and every
 * call it makes is an audit row (a refused one is already audited as `authz.denied`).
 */
async function serviceCall(c: Context<Env>, next: () => Promise<void>, token: string) {
	const deps = c.get('deps');
	const found = await validateServiceToken(deps, token);
	if (!found) throw fail('unauthorized', 'auth.token_invalid');
	c.set('actor', found.actor);
	// Per token and per server process (SERVICE_RATE_LIMIT a minute, 120 by default).
	const limit = deps.config.serviceRateLimit;
	const waitMs = takeSlot(deps.db, `service:${found.tokenId}`, deps.clock.now().getTime(), limit, 60_000);
	if (waitMs > 0) {
		const seconds = Math.ceil(waitMs / 1000);
		throw tooManyRequests('auth.service_rate_limited', { seconds }, seconds);
	}
	await next();
	if (c.res.status === 403) return;
	const route = routePath(c);
	const release = await shareWriteGate();
	try {
		await audit(svc(c), {
			action: 'service.call',
			result: c.res.status < 400 ? 'ok' : 'failed',
			objectType: 'route',
			objectId: `${c.req.method} ${route && !route.includes('*') ? route : c.req.path}`,
			after: { path: c.req.path, status: c.res.status, tokenId: found.tokenId, requestId: c.get('requestId') }
		});
	} finally {
		release();
	}
}

/** Resolves the session cookie or a service token (if any) into `actor`; only a bad token rejects. */
export const loadSession = createMiddleware<Env>(async (c, next) => {
	c.set('actor', null);
	c.set('sessionId', null);
	c.set('pending', null);
	const bearer = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
	if (bearer) return serviceCall(c, next, bearer);
	const token = getCookie(c, cookieName(c));
	if (token) {
		const valid = await validateSessionToken(c.get('deps'), token);
		if (valid) {
			c.set('actor', valid.actor);
			c.set('sessionId', valid.sessionId);
			c.set('pending', valid.pending);
			if (valid.refreshed) setSessionCookie(c, token, valid.expiresAt);
		} else {
			clearSessionCookie(c);
		}
	}
	await next();
});

export const requireAuth = createMiddleware<Env>(async (c, next) => {
	if (!c.get('actor')) throw fail('unauthorized', 'auth.login_required');
	await next();
});

export function requireRole(...roles: Role[]) {
	return createMiddleware<Env>(async (c, next) => {
		const actor = c.get('actor');
		if (!actor) throw fail('unauthorized', 'auth.login_required');
		if (!roles.includes(actor.role)) throw fail('forbidden', 'auth.role_forbidden');
		await next();
	});
}

/** The provincial office alone (no unit): the plan itself, before any body is read (imports are large). */
export const requireProvincialOffice = createMiddleware<Env>(async (c, next) => {
	assertProvincialOffice(c.get('actor'));
	await next();
});

/** The service context of the current request (c.get: each read of c.var copies every variable into an object). */
export function svc(c: Context<Env>): ServiceContext {
	return { ...c.get('deps'), actor: c.get('actor'), ip: c.get('ip'), requestId: c.get('requestId') };
}
