import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { createHash, randomBytes } from 'node:crypto';

/** As in the Lucia guide: 20 random bytes, base32; only the SHA-256 of it is stored. */
export function generateSessionToken(): string {
	return encodeBase32LowerCaseNoPadding(randomBytes(20));
}

/** The token's SHA-256 (of its UTF-8), hex: node's native hash, hashed on every signed-in request. */
export function sessionIdFromToken(token: string): string {
	return createHash('sha256').update(token, 'utf8').digest('hex');
}
