/**
 * A small clamd client: INSTREAM (scan bytes sent over the socket) and PING, over TCP
 * (tcp://host:3310) or a Unix socket (unix:///run/clamav/clamd.ctl). Each call opens its own
 * connection; clamd answers one command per connection unless a session is opened, which we never do.
 */
import { createConnection, type Socket } from 'node:net';

/** Anything but a verdict: unreachable, timed out, refused the stream, answered nonsense. */
export class ClamdError extends Error {}

export type ScanResult = { clean: true } | { clean: false; signature: string };

type Endpoint = { path: string } | { host: string; port: number };

const DEFAULT_PORT = 3310;
/** clamd takes any chunk size up to StreamMaxLength; 256 KiB keeps writes small and few. */
const DEFAULT_CHUNK = 256 * 1024;

export function parseClamdUrl(url: string): Endpoint {
	let u: URL;
	try {
		u = new URL(url);
	} catch {
		throw new ClamdError(`无效的 clamd 地址：${url}`);
	}
	if (u.protocol === 'unix:' && !u.host && u.pathname && u.pathname !== '/')
		return { path: decodeURI(u.pathname) };
	if (u.protocol === 'tcp:' && u.hostname) {
		return { host: u.hostname.replace(/^\[(.*)\]$/, '$1'), port: u.port ? Number(u.port) : DEFAULT_PORT };
	}
	throw new ClamdError(`无效的 clamd 地址（应为 tcp://主机:端口 或 unix:///路径）：${url}`);
}

/**
 * Sends one command (and, for INSTREAM, the framed data) and resolves with clamd's reply up to its
 * terminating NUL. The whole exchange, connecting included, must finish within timeoutMs.
 */
function exchange(url: string, timeoutMs: number, send: (socket: Socket) => Promise<void>): Promise<string> {
	const endpoint = parseClamdUrl(url);
	return new Promise<string>((resolve, reject) => {
		const socket = createConnection(endpoint);
		const chunks: Buffer[] = [];
		let settled = false;
		const finish = (err: Error | null, reply?: string) => {
			if (settled) return;
			settled = true;
			clearTimeout(timer);
			socket.destroy();
			if (err) reject(err);
			else resolve(reply!);
		};
		/** A reply that arrived in full wins over a write error (clamd may close mid-stream, e.g. size limit). */
		const replySoFar = () => {
			const all = Buffer.concat(chunks);
			const end = all.indexOf(0);
			return end >= 0 ? all.subarray(0, end).toString('utf8') : null;
		};
		const timer = setTimeout(() => finish(new ClamdError(`clamd 在 ${timeoutMs} ms 内未答复`)), timeoutMs);
		socket.on('data', (data: Buffer) => {
			chunks.push(data);
			const reply = replySoFar();
			if (reply !== null) finish(null, reply);
		});
		socket.on('error', (err) => {
			const reply = replySoFar();
			if (reply !== null) finish(null, reply);
			else finish(new ClamdError(`无法连接 clamd 或连接中断：${err.message}`));
		});
		socket.on('close', () => {
			const reply = replySoFar();
			if (reply !== null) finish(null, reply);
			else {
				const partial = Buffer.concat(chunks).toString('utf8').trim();
				finish(new ClamdError(partial ? `clamd 答复不完整：${partial}` : 'clamd 未答复即关闭了连接'));
			}
		});
		socket.once('connect', () => {
			send(socket).catch((err: Error) => {
				// Wait briefly for a reply clamd may already have sent (it closes after a size-limit error).
				setTimeout(() => {
					const reply = replySoFar();
					if (reply !== null) finish(null, reply);
					else finish(new ClamdError(`向 clamd 发送数据失败：${err.message}`));
				}, 50);
			});
		});
	});
}

/** Writes and waits for the socket to take the bytes when its buffer is full (backpressure). */
function write(socket: Socket, data: Uint8Array): Promise<void> {
	return new Promise((resolve, reject) => {
		if (socket.destroyed) return reject(new Error('socket closed'));
		const onError = (err: Error) => reject(err);
		socket.once('error', onError);
		const flushed = socket.write(data, (err) => {
			if (err) reject(err);
		});
		const done = () => {
			socket.off('error', onError);
			resolve();
		};
		if (flushed) done();
		else socket.once('drain', done);
	});
}

/**
 * Scans bytes with clamd's INSTREAM: `zINSTREAM\0`, then chunks each preceded by its length as a
 * 4-byte big-endian integer, then a zero-length chunk. Resolves with the verdict; throws ClamdError
 * when there is none (unreachable, timeout, size limit exceeded, any other reply).
 */
export async function scanBytes(
	url: string,
	data: Uint8Array,
	opts: { timeoutMs: number; chunkSize?: number }
): Promise<ScanResult> {
	const chunkSize = opts.chunkSize ?? DEFAULT_CHUNK;
	const reply = await exchange(url, opts.timeoutMs, async (socket) => {
		await write(socket, Buffer.from('zINSTREAM\0'));
		for (let offset = 0; offset < data.length; offset += chunkSize) {
			const chunk = data.subarray(offset, Math.min(offset + chunkSize, data.length));
			const length = Buffer.alloc(4);
			length.writeUInt32BE(chunk.length);
			await write(socket, length);
			await write(socket, chunk);
		}
		await write(socket, Buffer.alloc(4));
	});
	return parseScanReply(reply);
}

export function parseScanReply(raw: string): ScanResult {
	const reply = raw.trim();
	if (reply === 'stream: OK') return { clean: true };
	const found = /^stream: (.+) FOUND$/.exec(reply);
	if (found) return { clean: false, signature: found[1]! };
	throw new ClamdError(`clamd 未给出扫描结论：${reply || '（空答复）'}`);
}

/** zPING → PONG: whether clamd is there and answering. Throws ClamdError otherwise. */
export async function ping(url: string, opts: { timeoutMs: number }): Promise<void> {
	const reply = await exchange(url, opts.timeoutMs, (socket) => write(socket, Buffer.from('zPING\0')));
	if (reply.trim() !== 'PONG') throw new ClamdError(`clamd 对 PING 的答复异常：${reply}`);
}
