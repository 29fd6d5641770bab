import { argon2, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

import { admission } from './admission.ts';

const argon2Raw = promisify(argon2);
/**
 * At most two hashes at a time in a process: each holds 19 MB while it runs (four libuv threads would
 * hold 76 MB in a burst of sign-ins during the month-end rush), and one process a core gains nothing
 * from more threads hashing at once. The others wait their turn in arrival order.
 */
const hashing = admission({ running: 2, waiting: Infinity });
async function argon2Async(...args: Parameters<typeof argon2Raw>) {
	const release = (await hashing.enter())!;
	try {
		return await argon2Raw(...args);
	} finally {
		release();
	}
}

// OWASP's minimum argon2id parameters: 19 MiB, 2 passes, 1 lane.
const PARAMS = { memory: 19_456, passes: 2, parallelism: 1, tagLength: 32 } as const;

const b64 = (buf: Buffer) => buf.toString('base64').replace(/=+$/, '');

/** Hashes into the PHC string format used by the reference argon2 tools. */
export async function hashPassword(password: string): Promise<string> {
	const nonce = randomBytes(16);
	const tag = await argon2Async('argon2id', { ...PARAMS, message: password, nonce });
	return `$argon2id$v=19$m=${PARAMS.memory},t=${PARAMS.passes},p=${PARAMS.parallelism}$${b64(nonce)}$${b64(tag)}`;
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
	const m = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/.exec(hash);
	if (!m) return false;
	const expected = Buffer.from(m[5]!, 'base64');
	const tag = await argon2Async('argon2id', {
		message: password,
		nonce: Buffer.from(m[4]!, 'base64'),
		memory: Number(m[1]),
		passes: Number(m[2]),
		parallelism: Number(m[3]),
		tagLength: expected.length
	});
	return timingSafeEqual(tag, expected);
}

/** A readable random password for generated admin accounts. */
export function generatePassword(): string {
	const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789';
	const bytes = randomBytes(16);
	let out = '';
	for (const b of bytes) out += alphabet[b % alphabet.length];
	return `${out.slice(0, 4)}-${out.slice(4, 8)}-${out.slice(8, 12)}-${out.slice(12, 16)}`;
}
