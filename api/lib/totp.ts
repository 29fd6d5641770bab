import { createTOTPKeyURI, verifyHOTP } from '@oslojs/otp';
import { decodeBase32IgnorePadding, encodeBase32UpperCaseNoPadding } from '@oslojs/encoding';
import { randomBytes } from 'node:crypto';

// RFC 6238 defaults every authenticator app understands: SHA-1, 30 s steps, 6 digits.
const PERIOD_S = 30;
const DIGITS = 6;

export function newTotpSecret(): string {
	return encodeBase32UpperCaseNoPadding(randomBytes(20));
}

export function totpUri(issuer: string, account: string, secret: string): string {
	return createTOTPKeyURI(issuer, account, decodeBase32IgnorePadding(secret), PERIOD_S, DIGITS);
}

/**
 * The time step a code belongs to (the current one or one step either side, for clock drift), or null.
 * Always the real time: the authenticator on the user's phone knows nothing of a replayed calendar.
 */
export function matchTotpStep(secret: string, code: string, nowMs = Date.now()): number | null {
	if (!/^\d{6}$/.test(code)) return null;
	const key = decodeBase32IgnorePadding(secret);
	const current = Math.floor(nowMs / 1000 / PERIOD_S);
	for (const step of [current, current - 1, current + 1]) {
		if (verifyHOTP(key, BigInt(step), DIGITS, code)) return step;
	}
	return null;
}
