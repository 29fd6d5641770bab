import { z } from 'zod';
import { dateSchema } from './lib/validate.ts';
import { resolve } from 'node:path';
import { availableParallelism } from 'node:os';

const flag = z
	.enum(['0', '1', 'true', 'false', 'yes', 'no'])
	.transform((v) => v === '1' || v === 'true' || v === 'yes');

const envSchema = z.object({
	PORT: z.coerce.number().int().min(0).max(65535).default(3000),
	HOST: z.string().default('127.0.0.1'),
	DATA_DIR: z.string().default('data'),
	/** postgres://user:password@host:5432/db selects PostgreSQL; unset: SQLite in DATA_DIR (duban.db). */
	DATABASE_URL: z
		.string()
		.regex(/^postgres(ql)?:\/\/.+/, '应为 postgres://用户:密码@主机:端口/数据库')
		.optional(),
	DUBAN_DEMO: flag.default(true),
	DUBAN_ADMIN_PASSWORD: z.string().min(8).optional(),
	/** 'auto' marks cookies Secure when the request arrived over HTTPS. */
	SECURE_COOKIES: z.enum(['auto', '0', '1']).default('auto'),
	TRUST_PROXY: flag.default(false),
	/** Starts the application's calendar on this day (YYYY-MM-DD) to replay a plan year. */
	DUBAN_TODAY: dateSchema.optional(),
	/** A demo install's history runs up to this day, which is then its "today" (kept in the database). */
	DUBAN_DEMO_DATE: dateSchema.default('2020-10-15'),
	SESSION_IDLE_MINUTES: z.coerce.number().int().positive().default(30),
	SESSION_MAX_HOURS: z.coerce.number().int().positive().default(12),
	STATIC_DIR: z.string().default('build'),
	/** SMTP server as one URL (smtp://user:pass@host:587, smtps://…); unset keeps mail in the outbox. */
	SMTP_URL: z.string().url().optional(),
	MAIL_FROM: z.string().default('督办系统 <duban@localhost>'),
	/** The address users reach the system at, for links in mail. */
	PUBLIC_URL: z.string().url().optional(),
	/**
	 * Web processes sharing the port over the same database (`auto`: one per core). With more than one, the
	 * started process supervises them and runs the scheduled jobs in a process of their own (api/processes.ts).
	 */
	WEB_PROCESSES: z.union([z.literal('auto'), z.coerce.number().int().min(1).max(64)]).default('auto'),
	/** 0 turns the scheduled jobs off in this process (extra web instances; run `duban tasks worker` once). */
	DUBAN_JOBS: flag.default(true),
	/**
	 * Job runners sharing the database elect one leader (tasks/leader.ts); on SQLite its lease lasts this
	 * long without renewal (renewed every third of it), so a standby takes over within it of the leader dying.
	 */
	JOB_LEASE_SECONDS: z.coerce.number().min(0.3).max(600).default(30),
	/** clamd to scan uploads with (tcp://host:3310, unix:///run/clamav/clamd.ctl); unset: no scan. */
	CLAMD_URL: z
		.string()
		.regex(/^(tcp:\/\/[^/]+|unix:\/\/\/.+)$/, '应为 tcp://主机:端口 或 unix:///套接字路径')
		.optional(),
	CLAMD_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
	/** Draft saves of monthly reports one user may make per minute (autosave stays well below). */
	REPORT_SAVE_LIMIT: z.coerce.number().int().positive().default(30),
	/** Requests a machine client may make per minute with one service token. */
	SERVICE_RATE_LIMIT: z.coerce.number().int().positive().default(120),
	/** Imports, exports and documents made at the same time; more wait in line (see HEAVY_QUEUE). */
	HEAVY_JOBS: z.coerce.number().int().positive().max(64).default(2),
	/** Requests for such work that may wait in line; beyond it they are answered 503 with Retry-After. */
	HEAVY_QUEUE: z.coerce.number().int().min(0).max(10_000).default(20),
	/** Other requests a web process works on at once; the rest wait their turn in arrival order. */
	REQUESTS_AT_ONCE: z.coerce.number().int().positive().max(10_000).default(32)
});

export type Config = {
	port: number;
	host: string;
	dataDir: string;
	dbFile: string;
	/** PostgreSQL's connection URL when set; the data folder then keeps only attachments and backups. */
	databaseUrl: string | undefined;
	demo: boolean;
	demoDate: string;
	adminPassword: string | undefined;
	secureCookies: 'auto' | 'always' | 'never';
	trustProxy: boolean;
	today: string | undefined;
	sessionIdleMs: number;
	sessionMaxMs: number;
	staticDir: string;
	smtpUrl: string | undefined;
	mailFrom: string;
	publicUrl: string;
	webProcesses: number;
	jobs: boolean;
	jobLeaseMs: number;
	clamdUrl: string | undefined;
	clamdTimeoutMs: number;
	reportSaveLimit: number;
	serviceRateLimit: number;
	heavyJobs: number;
	heavyQueue: number;
	requestsAtOnce: number;
};

/** Reads the environment once at start-up; nothing else reads process.env. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
	const parsed = envSchema.safeParse(env);
	if (!parsed.success) {
		const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
		throw new Error(`配置错误 (environment):\n${lines}`);
	}
	const e = parsed.data;
	const dataDir = resolve(e.DATA_DIR);
	return {
		port: e.PORT,
		host: e.HOST,
		dataDir,
		dbFile: resolve(dataDir, 'duban.db'),
		databaseUrl: e.DATABASE_URL,
		demo: e.DUBAN_DEMO,
		demoDate: e.DUBAN_DEMO_DATE,
		adminPassword: e.DUBAN_ADMIN_PASSWORD,
		secureCookies: e.SECURE_COOKIES === 'auto' ? 'auto' : e.SECURE_COOKIES === '1' ? 'always' : 'never',
		trustProxy: e.TRUST_PROXY,
		today: e.DUBAN_TODAY,
		sessionIdleMs: e.SESSION_IDLE_MINUTES * 60_000,
		sessionMaxMs: e.SESSION_MAX_HOURS * 3_600_000,
		staticDir: resolve(e.STATIC_DIR),
		smtpUrl: e.SMTP_URL,
		mailFrom: e.MAIL_FROM,
		publicUrl: (e.PUBLIC_URL ?? `http://127.0.0.1:${e.PORT}`).replace(/\/$/, ''),
		webProcesses: e.WEB_PROCESSES === 'auto' ? availableParallelism() : e.WEB_PROCESSES,
		jobs: e.DUBAN_JOBS,
		jobLeaseMs: Math.round(e.JOB_LEASE_SECONDS * 1000),
		clamdUrl: e.CLAMD_URL,
		clamdTimeoutMs: e.CLAMD_TIMEOUT_MS,
		reportSaveLimit: e.REPORT_SAVE_LIMIT,
		serviceRateLimit: e.SERVICE_RATE_LIMIT,
		heavyJobs: e.HEAVY_JOBS,
		heavyQueue: e.HEAVY_QUEUE,
		requestsAtOnce: e.REQUESTS_AT_ONCE
	};
}
