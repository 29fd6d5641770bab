/**
 * While a worker thread writes through its own SQLite connection (a large import), it holds the file's
 * one write lock. A write on the request thread's connection would then either sleep inside SQLite's busy
 * handler — freezing the event loop for everyone — or fail at once with SQLITE_BUSY (a deferred
 * transaction that has already read cannot wait). So the two kinds of writer take turns here, without
 * blocking: request-thread writers (mutating requests, scheduled jobs) share the gate, a worker's write
 * transaction takes it alone, and whoever comes later waits behind whoever came first. Reads never wait.
 */
type Waiter = { alone: boolean; grant: () => void };

let shared = 0;
let alone = false;
const queue: Waiter[] = [];

function admit() {
	while (queue.length && !alone) {
		const next = queue[0]!;
		if (next.alone && shared > 0) return;
		queue.shift();
		if (next.alone) alone = true;
		else shared++;
		next.grant();
	}
}

function take(kind: 'shared' | 'alone'): Promise<() => void> {
	return new Promise((resolve) => {
		let released = false;
		const release = () => {
			if (released) return;
			released = true;
			if (kind === 'alone') alone = false;
			else shared--;
			admit();
		};
		queue.push({ alone: kind === 'alone', grant: () => resolve(release) });
		admit();
	});
}

/** For work on the request thread that writes: resolves (with the release) when no worker is writing. */
export const shareWriteGate = () => take('shared');

/** For a worker's write transaction: resolves once the request thread's writers in progress are done. */
export const holdWriteGate = () => take('alone');

/** Whether a worker is writing, or waiting to: optional writes (a session's sliding expiry) are skipped. */
export const workerWriting = () => alone || queue.some((w) => w.alone);
