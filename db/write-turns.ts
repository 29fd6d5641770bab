/**
 * Write turns between the processes of one supervisor (api/processes.ts), in arrival order. Each process
 * takes the SQLite file's one write lock with `BEGIN IMMEDIATE`, retried on a 1–8 ms timer while another
 * holds it (db/client.ts beginImmediate). Left to that race, a process with writers in line commits a group
 * and begins its next at once, so it keeps winning, and the other process's writers wait for many groups
 * (the month-end rush's submissions: p99 3–5 s at a median under 1 s). So the supervisor hands the lock
 * round: before it begins a group, a process asks for a turn (`ask`); the supervisor keeps the asks in a
 * line and grants one turn at a time (`grant`); the holder gives it back (`release`) as its group stops
 * growing, just before the COMMIT, so that the grant travels while the commit waits for the disk and the
 * next process's `BEGIN IMMEDIATE` gets the lock as soon as the commit is done (given back after the
 * commit, the lock stood idle for the two messages: some 10 ms a turn on two loaded cores, 10–25% fewer
 * writes a second); a group that fails gives it back after its ROLLBACK. A holder that exits loses its
 * turn. A group still grows up to GROUP_MAX while another process waits: cut at four, the more frequent
 * turns cost a third of the writes a second, and the waits were not shorter (two processes writing flat out).
 *
 * The turn only orders who goes next: `BEGIN IMMEDIATE` still takes the lock, so whatever is not in the
 * line (a worker thread's import, the command line, a process started by hand) stays safe, only unordered;
 * and a grant that does not come (the supervisor gone, the channel closed) leaves the process to the
 * retry alone after TURN_WAIT_MS. Messages are `{ duban: 'write-turn' }`, apart from the web processes'
 * broadcasts (`{ duban: 'broadcast' }`).
 */
import { isMainThread } from 'node:worker_threads';

/** Set by the supervisor on its children (SQLite only): the file whose write lock they take in turns. */
export const WRITE_TURNS_ENV = 'DUBAN_WRITE_TURNS';

/** How long a process waits for its grant before it takes the lock by retry alone. */
export const TURN_WAIT_MS = 5_000;

type Op = 'ask' | 'grant' | 'release';
export type TurnMessage = { duban: 'write-turn'; op: Op; id: number };
export const isTurnMessage = (m: unknown): m is TurnMessage =>
	(m as TurnMessage | null)?.duban === 'write-turn';

/** Gives a granted turn back (once). */
export type Turn = { release(): void };

// A closed channel is reported to the callback (without one, as an 'error' event that would end the process).
const ignore = () => {};
const send = (op: Op, id: number) => {
	if (process.connected)
		process.send!({ duban: 'write-turn', op, id } satisfies TurnMessage, undefined, undefined, ignore);
};

let nextId = 0;
/** Asks not yet granted, by id: each one's answer. */
const asking = new Map<number, (granted: boolean) => void>();
let listening = false;

function listen() {
	if (listening) return;
	listening = true;
	process.on('message', (m) => {
		if (!isTurnMessage(m) || m.op !== 'grant') return;
		const answer = asking.get(m.id);
		// Granted after this process stopped waiting (TURN_WAIT_MS): handed straight back.
		if (answer) answer(true);
		else send('release', m.id);
	});
	// (A cluster worker's channel is held open by cluster itself, or let go by onBroadcast: untouched here.)
	process.on('disconnect', () => {
		for (const answer of asking.values()) answer(false);
	});
}

/**
 * Waits for this process's turn at `file`'s write lock; resolves with the turn, or with null when this
 * process takes no turns (not started by the supervisor with them, a worker thread, another file, the
 * channel closed) or the grant did not come within TURN_WAIT_MS: the caller then takes the lock by retry.
 */
export function askWriteTurn(file: string): Promise<Turn | null> {
	if (!isMainThread || process.env[WRITE_TURNS_ENV] !== file || !process.connected || !process.send)
		return Promise.resolve(null);
	listen();
	const id = ++nextId;
	return new Promise((resolve) => {
		const answer = (granted: boolean) => {
			clearTimeout(timer);
			asking.delete(id);
			if (!granted) {
				// Out of the line, so that no turn is granted to nobody.
				send('release', id);
				return resolve(null);
			}
			let held = true;
			resolve({
				release: () => {
					if (held) send('release', id);
					held = false;
				}
			});
		};
		const timer = setTimeout(() => answer(false), TURN_WAIT_MS);
		asking.set(id, answer);
		send('ask', id);
	});
}

/** A child process as the supervisor's side sees it (a cluster Worker). */
type Child = {
	isConnected(): boolean;
	send(message: TurnMessage, handle: undefined, options: undefined, callback: () => void): unknown;
};

/**
 * The supervisor's side: the line of asks, one turn granted at a time, in the order asked (a process that
 * just had a turn asks again behind those already waiting). `message` takes a child's turn
 * message, `gone` a child that exited or lost its channel (its asks dropped, its turn passed on).
 */
export function writeTurns<C extends Child>() {
	type Ask = { child: C; id: number };
	const line: Ask[] = [];
	let holder: Ask | null = null;
	const grant = () => {
		if (holder || !line.length) return;
		holder = line.shift()!;
		if (holder.child.isConnected())
			holder.child.send({ duban: 'write-turn', op: 'grant', id: holder.id }, undefined, undefined, ignore);
	};
	const drop = (keep: (a: Ask) => boolean) => {
		const kept = line.filter(keep);
		line.splice(0, line.length, ...kept);
	};
	return {
		message(child: C, m: TurnMessage) {
			if (m.op === 'ask') line.push({ child, id: m.id });
			else if (m.op === 'release') {
				if (holder?.child === child && holder.id === m.id) holder = null;
				else drop((a) => a.child !== child || a.id !== m.id);
			}
			grant();
		},
		gone(child: C) {
			drop((a) => a.child !== child);
			if (holder?.child === child) holder = null;
			grant();
		}
	};
}
