import { and, eq } from 'drizzle-orm';
import { unit, user } from '../../db/schema/index.ts';
import type { Db } from '../../db/client.ts';

/** A unit's mail addresses: its users who have not opted out, plus the unit's contact address. */
export function unitRecipients(db: Db, unitId: number): string[] {
	const users = db
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
		.all()
		.flatMap((u) => (u.email ? [u.email] : []));
	const contact = db.select({ email: unit.contactEmail }).from(unit).where(eq(unit.id, unitId)).get()?.email;
	return [...new Set([...users, ...(contact ? [contact] : [])])];
}
