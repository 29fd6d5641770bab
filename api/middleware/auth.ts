import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Role } from '../../db/schema/index.ts';
import type { Env, ServiceContext } from '../context.ts';
import { fail } from '../errors.ts';
import { validateSessionToken } from '../services/auth.ts';

/** Over HTTPS the cookie is `__Host-` prefixed: Secure, no Domain, Path=/ (the browser enforces all three). */
const SESSION_COOKIE = 'duban_session';
const HOST_SESSION_COOKIE = `__Host-${SESSION_COOKIE}`;

function isHttps(c: Context<Env>): boolean {
	const { config } = c.var.deps;
	if (config.secureCookies !== 'auto') return config.secureCookies === 'always';
	if (config.trustProxy && c.req.header('x-forwarded-proto') === 'https') return true;
	return new URL(c.req.url).protocol === 'https:';
}

const cookieName = (c: Context<Env>) => (isHttps(c) ? HOST_SESSION_COOKIE : SESSION_COOKIE);

export function setSessionCookie(c: Context<Env>, token: string, expiresAt: Date) {
	setCookie(c, cookieName(c), token, {
		httpOnly: true,
		sameSite: 'Lax',
		secure: isHttps(c),
		path: '/',
		// A relative lifetime: the application's clock may run on a replayed date, the browser's does not.
		maxAge: Math.max(1, Math.floor((expiresAt.getTime() - c.var.deps.clock.now().getTime()) / 1000))
	});
}

export function clearSessionCookie(c: Context<Env>) {
	deleteCookie(c, cookieName(c), { path: '/', secure: isHttps(c) });
}

/** Resolves the session cookie (if any) into `actor`; never rejects by itself. */
export const loadSession = createMiddleware<Env>(async (c, next) => {
	c.set('actor', null);
	c.set('sessionId', null);
	c.set('pending', null);
	const token = getCookie(c, cookieName(c));
	if (token) {
		const valid = await validateSessionToken(c.var.deps, token);
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
	if (!c.var.actor) throw fail('unauthorized', 'auth.login_required');
	await next();
});

export function requireRole(...roles: Role[]) {
	return createMiddleware<Env>(async (c, next) => {
		const actor = c.var.actor;
		if (!actor) throw fail('unauthorized', 'auth.login_required');
		if (!roles.includes(actor.role)) throw fail('forbidden', 'auth.role_forbidden');
		await next();
	});
}

/** The service context of the current request. */
export function svc(c: Context<Env>): ServiceContext {
	return { ...c.var.deps, actor: c.var.actor, ip: c.var.ip };
}
