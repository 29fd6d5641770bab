import { eq } from 'drizzle-orm';
import { unit, user, type Role } from '../../db/schema/index.ts';
import type { ServiceContext } from '../context.ts';
import { ApiError, forbidden } from '../errors.ts';
import { hashPassword } from '../lib/password.ts';
import { audit } from './audit.ts';

export type NewUser = {
	username: string;
	name: string;
	role: Role;
	unitName?: string;
	email?: string;
	password: string;
};

/** Only the system administrator (or the command line, acting as system) creates accounts. */
export async function createUser(ctx: ServiceContext, input: NewUser) {
	if (ctx.actor && ctx.actor.role !== 'admin') throw forbidden('仅系统管理员可创建用户');
	if (input.password.length < 8) throw new ApiError('bad_request', '密码至少 8 位');
	let unitId: number | null = null;
	if (input.role === 'unit') {
		if (!input.unitName) throw new ApiError('bad_request', '单位填报员必须指定所属单位');
		const found = ctx.db.select({ id: unit.id }).from(unit).where(eq(unit.name, input.unitName)).get();
		if (!found) throw new ApiError('bad_request', `单位“${input.unitName}”不存在`);
		unitId = found.id;
	} else if (input.unitName) {
		throw new ApiError('bad_request', '只有单位填报员可以绑定单位');
	}
	if (ctx.db.select({ id: user.id }).from(user).where(eq(user.username, input.username)).get()) {
		throw new ApiError('conflict', `用户名“${input.username}”已存在`);
	}
	const passwordHash = await hashPassword(input.password);
	return ctx.db.transaction((tx) => {
		const created = tx
			.insert(user)
			.values({
				username: input.username,
				name: input.name,
				role: input.role,
				unitId,
				email: input.email,
				passwordHash
			})
			.returning({ id: user.id, username: user.username, role: user.role })
			.get();
		audit(
			{ ...ctx, db: tx },
			{ action: 'user.create', objectType: 'user', objectId: created.id, after: { ...created, unitId } }
		);
		return created;
	});
}

export function listUsers(ctx: ServiceContext) {
	if (ctx.actor?.role !== 'admin') throw forbidden('仅系统管理员可查看用户');
	return ctx.db
		.select({
			id: user.id,
			username: user.username,
			name: user.name,
			role: user.role,
			email: user.email,
			disabled: user.disabled,
			unitName: unit.name
		})
		.from(user)
		.leftJoin(unit, eq(unit.id, user.unitId))
		.orderBy(user.id)
		.all();
}

/** Lifts a sign-in lock (the security administrator's task; the system administrator's until that role exists). */
export function unlockUser(ctx: ServiceContext, id: number) {
	if (ctx.actor?.role !== 'admin') throw forbidden('仅管理员可解锁账户');
	const row = ctx.db.select({ lockedUntil: user.lockedUntil }).from(user).where(eq(user.id, id)).get();
	if (!row) throw new ApiError('not_found', '用户不存在');
	ctx.db.transaction((tx) => {
		tx.update(user)
			.set({ failedLogins: 0, lastFailedAt: null, lockedUntil: null })
			.where(eq(user.id, id))
			.run();
		audit(
			{ ...ctx, db: tx },
			{ action: 'user.unlock', objectType: 'user', objectId: id, before: { lockedUntil: row.lockedUntil } }
		);
	});
	return { unlocked: true };
}
