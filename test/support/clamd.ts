import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * The EICAR anti-virus test string, built from two halves so that this source file itself is not
 * flagged by a virus scanner on a developer's machine or in CI.
 */
export const EICAR = Buffer.from(
	['X5O!P%@AP[4\\PZX54(P^)7CC)7}$', 'EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'].join('')
);

export type ClamdScan = { bytes: number; chunks: number[]; reply: string };

/**
 * A real server speaking clamd's protocol on 127.0.0.1 (or a Unix socket): PING and INSTREAM, with
 * z-(NUL-terminated) and n-(newline-terminated) commands. Real ClamAV cannot run here: it needs its
 * signature databases, which are downloaded from the internet. This one knows one signature: the
 * EICAR string anywhere in the reassembled stream is `Eicar-Test-Signature`.
 *
 * The INSTREAM framing is enforced as clamd does: each chunk is read as a 4-byte big-endian length
 * and exactly that many bytes; a zero length ends the stream. A client that frames wrongly gets a
 * size-limit error, no answer at all (waiting for bytes that never come) or a wrong verdict.
 *
 * It can be stopped and started again on the same address (an outage), made to hang (a timeout) or
 * made to answer something fixed.
 */
export async function startClamd(opts: { socketPath?: string; streamMaxBytes?: number } = {}) {
	const streamMaxBytes = opts.streamMaxBytes ?? 25 * 1024 * 1024;
	const scans: ClamdScan[] = [];
	const sockets = new Set<Socket>();
	let mode: 'normal' | 'hang' = 'normal';
	let fixedReply: string | null = null;
	let port = 0;
	let server: Server;

	function handle(socket: Socket) {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
		socket.on('error', () => socket.destroy());
		let buffer: Buffer = Buffer.alloc(0);
		let state: 'command' | 'length' | 'data' | 'done' = 'command';
		let terminator = '\0';
		let need = 0;
		let total = 0;
		const pieces: Buffer[] = [];
		/** Chunk lengths as the client framed them (a chunk may arrive in several TCP reads). */
		const framed: number[] = [];

		const reply = (text: string) => {
			state = 'done';
			socket.end(text + terminator);
		};

		const finish = () => {
			const stream = Buffer.concat(pieces);
			const verdict =
				fixedReply ?? (stream.includes(EICAR) ? 'stream: Eicar-Test-Signature FOUND' : 'stream: OK');
			scans.push({ bytes: stream.length, chunks: framed, reply: verdict });
			reply(verdict);
		};

		const step = () => {
			for (;;) {
				if (state === 'command') {
					const first = buffer[0];
					if (first === undefined) return;
					terminator = first === 0x7a /* z */ ? '\0' : '\n';
					const end = buffer.indexOf(terminator);
					if (end < 0) {
						if (buffer.length > 1024) reply('UNKNOWN COMMAND');
						return;
					}
					const raw = buffer.subarray(0, end).toString('latin1');
					buffer = buffer.subarray(end + 1);
					const command = first === 0x7a || first === 0x6e /* n */ ? raw.slice(1) : raw;
					if (mode === 'hang') {
						state = 'done';
						return;
					}
					if (command === 'PING') return reply('PONG');
					if (command !== 'INSTREAM') return reply('UNKNOWN COMMAND');
					state = 'length';
				} else if (state === 'length') {
					if (buffer.length < 4) return;
					need = buffer.readUInt32BE(0);
					buffer = buffer.subarray(4);
					if (need === 0) return finish();
					if (total + need > streamMaxBytes) return reply('INSTREAM size limit exceeded. ERROR');
					framed.push(need);
					state = 'data';
				} else if (state === 'data') {
					if (buffer.length === 0) return;
					const take = buffer.subarray(0, need);
					pieces.push(Buffer.from(take));
					buffer = buffer.subarray(take.length);
					need -= take.length;
					total += take.length;
					if (need === 0) state = 'length';
				} else return;
			}
		};

		socket.on('data', (data: Buffer) => {
			if (state === 'done') return;
			buffer = buffer.length ? Buffer.concat([buffer, data]) : data;
			step();
		});
	}

	const listen = async () => {
		server = createServer(handle);
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			if (opts.socketPath) server.listen(opts.socketPath, () => resolve());
			else server.listen(port, '127.0.0.1', () => resolve());
		});
		if (!opts.socketPath) port = (server.address() as AddressInfo).port;
	};
	await listen();

	return {
		/** Every completed INSTREAM: the bytes, the chunk lengths as the client framed them, the reply. */
		scans,
		get url() {
			return opts.socketPath ? `unix://${opts.socketPath}` : `tcp://127.0.0.1:${port}`;
		},
		/** 'hang': accept the connection and the command, never answer. */
		setMode(m: 'normal' | 'hang') {
			mode = m;
		},
		/** Answer every INSTREAM with this text (e.g. an ERROR line); null restores real verdicts. */
		setReply(text: string | null) {
			fixedReply = text;
		},
		stop: () =>
			new Promise<void>((resolve) => {
				for (const s of sockets) s.destroy();
				server.close(() => resolve());
			}),
		start: listen
	};
}
