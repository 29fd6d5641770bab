import type { ServiceContext } from '../context.ts';
import { assertRole } from './access.ts';
import { audit } from './audit.ts';
import { DUTIES } from './duties.ts';
import { getSettings, POLICY, POLICY_KEYS, putSetting, type Policy } from './settings.ts';
import { withTransaction } from '../../db/client.ts';

/** The security policies: password rules, lockout, address throttling, second factor for administrators. */
export async function getPolicy(ctx: ServiceContext): Promise<Policy> {
	assertRole(ctx.actor, DUTIES.read.policy, 'role.policy');
	return POLICY.parse(await getSettings(ctx.db));
}

export async function updatePolicy(ctx: ServiceContext, patch: Partial<Policy>): Promise<Policy> {
	assertRole(ctx.actor, DUTIES.read.policy, 'role.policy');
	const before = POLICY.parse(await getSettings(ctx.db));
	const now = ctx.clock.now();
	await withTransaction(ctx, async (tx) => {
		for (const key of POLICY_KEYS) {
			if (patch[key] !== undefined) await putSetting(tx.db, key, patch[key], now);
		}
		await audit(tx, {
			action: 'policy.update',
			objectType: 'setting',
			before,
			after: { ...before, ...patch }
		});
	});
	return POLICY.parse(await getSettings(ctx.db));
}
