import type { ServiceContext } from '../context.ts';
import { assertRole } from './access.ts';
import { audit } from './audit.ts';
import { DUTIES } from './duties.ts';
import { getSettings, POLICY, POLICY_KEYS, putSetting, type Policy } from './settings.ts';

/** The security policies: password rules, lockout, address throttling, second factor for administrators. */
export function getPolicy(ctx: ServiceContext): Policy {
	assertRole(ctx.actor, DUTIES.read.policy, 'role.policy');
	return POLICY.parse(getSettings(ctx.db));
}

export function updatePolicy(ctx: ServiceContext, patch: Partial<Policy>): Policy {
	assertRole(ctx.actor, DUTIES.read.policy, 'role.policy');
	const before = POLICY.parse(getSettings(ctx.db));
	const now = ctx.clock.now();
	ctx.db.transaction((tx) => {
		for (const key of POLICY_KEYS) {
			if (patch[key] !== undefined) putSetting(tx, key, patch[key], now);
		}
		audit(
			{ ...ctx, db: tx },
			{ action: 'policy.update', objectType: 'setting', before, after: { ...before, ...patch } }
		);
	});
	return POLICY.parse(getSettings(ctx.db));
}
