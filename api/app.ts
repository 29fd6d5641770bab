import { Hono, type Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { serveStatic } from '@hono/node-server/serve-static';
import { compress } from 'hono/compress';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Deps, Env } from './context.ts';
import { fail, handleError, requestIdOf } from './errors.ts';
import { doc } from './lib/validate.ts';
import { loadSession } from './middleware/auth.ts';
import { bodyLimits } from './middleware/body-limit.ts';
import { compressJson } from './middleware/compress.ts';
import { arrivalOrder, heavyWork, writeTurns } from './middleware/heavy-work.ts';
import { auditDenials, enforceDuties } from './middleware/duties.ts';
import { inlineScriptHashes, sameOrigin, securityHeaders, withHeaders } from './middleware/security.ts';
import type { buildOpenApi } from './openapi.ts';
import { authRoutes } from './routes/auth.ts';
import { healthRoutes } from './routes/health.ts';
import { metaRoutes } from './routes/meta.ts';
import { importRoutes } from './routes/imports.ts';
import { calendarRoutes, deadlineEventRoutes } from './routes/calendar.ts';
import { indicatorRoutes } from './routes/indicators.ts';
import { planRoutes } from './routes/plans.ts';
import { unitRoutes } from './routes/units.ts';
import { placeholderRoutes } from './routes/placeholders.ts';
import { userRoutes } from './routes/users.ts';
import { reportRoutes } from './routes/reports.ts';
import { requestRoutes } from './routes/requests.ts';
import { indicatorMilestoneRoutes, milestonePlanRoutes } from './routes/milestones.ts';
import { partRoutes } from './routes/parts.ts';
import { noticeRoutes } from './routes/notices.ts';
import { attachmentRoutes } from './routes/attachments.ts';
import { alertRoutes } from './routes/alerts.ts';
import { notificationRoutes } from './routes/notifications.ts';
import { mailRoutes } from './routes/mail.ts';
import { dashboardRoutes } from './routes/dashboard.ts';
import { bulletinRoutes } from './routes/bulletins.ts';
import { scoringRoutes } from './routes/scoring.ts';
import { securityRoutes } from './routes/security.ts';
import { auditRoutes } from './routes/audit.ts';
import { serviceAccountRoutes } from './routes/service-accounts.ts';

export const API_PREFIX = '/api/v1';

function clientIp(c: Context, trustProxy: boolean): string | null {
	if (trustProxy) {
		const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
		if (forwarded) return forwarded;
	}
	// app.request() (tests, test/bench/request-cpu.ts) has no socket and no bindings: no exception thrown
	// and caught on every request.
	if (!c.env) return null;
	try {
		return getConnInfo(c).remote.address ?? null;
	} catch {
		return null;
	}
}

const NO_STORE: [string, string][] = [['Cache-Control', 'no-store']];

function buildApi(deps: Deps) {
	return new Hono<Env>()
		.use((c, next) => {
			c.set('deps', deps);
			c.set('ip', clientIp(c, deps.config.trustProxy));
			return withHeaders(c, NO_STORE, next);
		})
		.use(arrivalOrder(deps.config))
		.use(auditDenials)
		.use(sameOrigin)
		.use(loadSession)
		.use(bodyLimits)
		.use(enforceDuties(API_PREFIX))
		.use(writeTurns)
		.use(heavyWork(deps.config))
		.route('/health', healthRoutes)
		.route('/auth', authRoutes)
		.route('/meta', metaRoutes)
		.route('/units', unitRoutes)
		.route('/placeholders', placeholderRoutes)
		.route('/plans', planRoutes)
		.route('/indicators', indicatorRoutes)
		.route('/indicators', deadlineEventRoutes)
		.route('/indicators', indicatorMilestoneRoutes)
		.route('/milestone-plans', milestonePlanRoutes)
		.route('/work-calendar', calendarRoutes)
		.route('/imports', importRoutes)
		.route('/users', userRoutes)
		.route('/reports', reportRoutes)
		.route('/requests', requestRoutes)
		.route('/parts', partRoutes)
		.route('/notices', noticeRoutes)
		.route('/attachments', attachmentRoutes)
		.route('/alerts', alertRoutes)
		.route('/notifications', notificationRoutes)
		.route('/mail', mailRoutes)
		.route('/dashboard', dashboardRoutes)
		.route('/bulletins', bulletinRoutes)
		.route('/scoring', scoringRoutes)
		.route('/security', securityRoutes)
		.route('/audit', auditRoutes)
		.route('/service-accounts', serviceAccountRoutes);
}

export type AppType = ReturnType<typeof buildApi>;

/** The whole application: the JSON API under /api/v1 and, when built, the SPA from the same origin. */
export function createApp(deps: Deps) {
	const api = buildApi(deps);
	const indexFile = join(deps.config.staticDir, 'index.html');
	const index = existsSync(indexFile) ? readFileSync(indexFile, 'utf8') : null;
	const app = new Hono<Env>()
		// Every answer carries the request's id (the caller's X-Request-Id, or a new one): error bodies too.
		.use(async (c, next) => {
			const id = requestIdOf(c.req.header('x-request-id'));
			c.set('requestId', id);
			c.header('X-Request-Id', id);
			await next();
		})
		// Compressed responses: the SPA's JavaScript and the API's JSON travel gzip'd.
		.use(compress())
		.use(compressJson)
		.use(securityHeaders(inlineScriptHashes(index ?? ''), deps.config))
		.route(API_PREFIX, api);
	// Built on first request, with its contract's response schemas (about 3 MB of heap a process would
	// otherwise hold from start-up for a document few ask for).
	let openapi: ReturnType<typeof buildOpenApi> | undefined;
	app.get(`${API_PREFIX}/openapi.json`, doc('OpenAPI 文档', ['system']), async (c) =>
		c.json(await (openapi ??= import('./openapi.ts').then((m) => m.buildOpenApi(app, API_PREFIX))), 200)
	);
	app.all(`${API_PREFIX}/*`, () => {
		throw fail('not_found', 'route.not_found');
	});
	app.onError(handleError);

	if (index !== null) {
		// The build ships .br/.gz next to each asset: served as they are, with no compression per request.
		app.use('/*', serveStatic({ root: relative(process.cwd(), deps.config.staticDir), precompressed: true }));
		// SPA fallback: every other path is a client-side route.
		app.get('*', (c) => c.html(index));
	}
	return app;
}
