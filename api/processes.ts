/**
 * Both cores: with WEB_PROCESSES > 1 the started process only supervises. It forks that many web
 * processes (api/server.ts, DUBAN_JOBS=0) and, when jobs are on, one job process (`duban tasks worker`).
 * On Linux each web process listens on the port itself with SO_REUSEPORT, and the kernel spreads the
 * connections; elsewhere node:cluster hands them out from here. All of them open the same SQLite file
 * in WAL mode (readers in parallel, one writer at a time: db/client.ts). A child that dies is started
 * again; SIGINT/SIGTERM stops every child gracefully, then this process.
 */
import cluster, { type Worker } from 'node:cluster';
import { fileURLToPath } from 'node:url';
import type { Config } from './config.ts';

const serverFile = fileURLToPath(new URL('./server.ts', import.meta.url));
const cliFile = fileURLToPath(new URL('../bin/duban.mjs', import.meta.url));

/** Each web process binds the port itself (SO_REUSEPORT) where the kernel balances such sockets. */
export const REUSE_PORT = process.platform === 'linux';

/**
 * glibc's malloc raises its mmap threshold to the size of each large block freed, up to 32 MB: after the
 * first password check (argon2, 19 MB on a libuv thread: api/lib/password.ts) such blocks come from that
 * thread's arena and stay resident when freed, about 19 MB for each of the four threads that ever hashed
 * (a web process 246 MB after 150 sign-ins, its heap 37 MB). A fixed threshold turns that adjustment
 * off: blocks from 4 MB up are mapped and handed back when freed; smaller ones (request bodies, zlib
 * states) stay in the arenas.
 */
const MALLOC_TUNING = 'glibc.malloc.mmap_threshold=4194304';

/** A child that ends this soon after its start is restarted only after a pause (a crash at start-up). */
const QUICK_EXIT_MS = 5_000;
/** Children still running this long after SIGTERM are killed. */
const STOP_GRACE_MS = 10_000;

type Role = 'web' | 'jobs';

/** A message one web process sends the others, through the supervisor. */
type Broadcast = { duban: 'broadcast'; topic: string; body: unknown };
const isBroadcast = (m: unknown): m is Broadcast => (m as Broadcast | null)?.duban === 'broadcast';

/** Tells the other web processes (nothing when this is the only one). */
export function broadcast(topic: string, body: unknown) {
	if (cluster.isWorker && process.connected)
		process.send!({ duban: 'broadcast', topic, body } satisfies Broadcast);
}

/** What the other web processes broadcast on `topic`. */
export function onBroadcast<T>(topic: string, listener: (body: T) => void) {
	process.on('message', (m) => isBroadcast(m) && m.topic === topic && listener(m.body as T));
	// Listening keeps the channel to the supervisor open: the process still ends with it.
	process.channel?.unref();
}

export function superviseProcesses(config: Config) {
	let stopping = false;
	const roles = new Map<Worker, { role: Role; startedAt: number }>();

	const start = (role: Role) => {
		cluster.setupPrimary(
			role === 'web'
				? { exec: serverFile, args: [], silent: false }
				: { exec: cliFile, args: ['tasks', 'worker'], silent: false }
		);
		const worker = cluster.fork({
			DUBAN_JOBS: role === 'jobs' ? '1' : '0',
			DUBAN_PROCESS_ROLE: role,
			GLIBC_TUNABLES: process.env.GLIBC_TUNABLES ?? MALLOC_TUNING
		});
		roles.set(worker, { role, startedAt: Date.now() });
		worker.once('exit', (code, signal) => {
			const { startedAt } = roles.get(worker)!;
			roles.delete(worker);
			if (stopping) {
				if (!roles.size) process.exit(0);
				return;
			}
			const how = signal ? `信号 ${signal}` : `退出码 ${code}`;
			console.error(
				`[duban] ${role === 'web' ? '网页' : '任务'}进程 ${worker.process.pid} 已退出（${how}），重新启动`
			);
			const pause = Date.now() - startedAt < QUICK_EXIT_MS ? 1_000 : 0;
			setTimeout(() => !stopping && start(role), pause);
		});
	};

	cluster.on('message', (from, message) => {
		if (!isBroadcast(message)) return;
		for (const [worker, { role }] of roles) if (worker !== from && role === 'web') worker.send(message);
	});
	for (let i = 0; i < config.webProcesses; i++) start('web');
	if (config.jobs) start('jobs');
	console.log(
		`督办 Duban：${config.webProcesses} 个网页进程共用端口 ${config.port}` +
			`${config.jobs ? '，1 个定时任务进程' : '（定时任务未启用）'}；管理进程 ${process.pid}`
	);

	const stop = () => {
		if (stopping) return;
		stopping = true;
		if (!roles.size) process.exit(0);
		for (const worker of roles.keys()) worker.process.kill('SIGTERM');
		setTimeout(() => {
			for (const worker of roles.keys()) worker.process.kill('SIGKILL');
			process.exit(0);
		}, STOP_GRACE_MS).unref();
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}
