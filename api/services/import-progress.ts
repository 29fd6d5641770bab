import cluster from 'node:cluster';
import type { ServiceContext } from '../context.ts';
import { broadcast, onBroadcast } from '../processes.ts';
import { assertProvincialOffice } from './access.ts';
import type { Progress } from './import-worker.ts';

/** In-memory progress of running imports, by user and the client's key; the page polls it while it waits. */
const running = new Map<string, Progress & { at: number }>();
const KEEP_MS = 10 * 60_000;

const slot = (userId: number, key: string) => `${userId}\u0000${key}`;

// With several web processes the page's polls may reach another process than the import's: each update
// is passed on to the others (api/processes.ts).
const TOPIC = 'import-progress';
if (cluster.isWorker)
	onBroadcast(TOPIC, (m: { slot: string; progress: Progress & { at: number } }) =>
		running.set(m.slot, m.progress)
	);

export function setImportProgress(ctx: ServiceContext, key: string | undefined, progress: Progress) {
	if (!key || !ctx.actor) return;
	const now = ctx.clock.now().getTime();
	for (const [k, v] of running) if (now - v.at > KEEP_MS) running.delete(k);
	const entry = { slot: slot(ctx.actor.id, key), progress: { ...progress, at: now } };
	running.set(entry.slot, entry.progress);
	broadcast(TOPIC, entry);
}

export function getImportProgress(ctx: ServiceContext, key: string): Progress | null {
	assertProvincialOffice(ctx.actor);
	const p = running.get(slot(ctx.actor.id, key));
	return p ? { phase: p.phase, done: p.done, total: p.total } : null;
}
