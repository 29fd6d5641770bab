import { and, eq } from 'drizzle-orm';
import { unit, user } from '../../db/schema/index.ts';
import type { Db } from '../../db/client.ts';

/** A unit's mail addresses: its users who have not opted out, plus the unit's contact address. */
export async function unitRecipients(db: Db, unitId: number): Promise<string[]> {
	const users = (
		await db
			.select({ email: user.email })
			.from(user)
			.where(
				and(
					eq(user.unitId, unitId),
					eq(user.role, 'unit'),
					eq(user.disabled, false),
					eq(user.emailOptOut, false)
				)
			)
	).flatMap((u) => (u.email ? [u.email] : []));
	const contact = (
		await db.select({ email: unit.contactEmail }).from(unit).where(eq(unit.id, unitId)).limit(1)
	)[0]?.email;
	return [...new Set([...users, ...(contact ? [contact] : [])])];
}
