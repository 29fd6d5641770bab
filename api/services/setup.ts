import { readFileSync } from 'node:fs';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { unit, unitGroup, unitGroupMember, user } from '../../db/schema/index.ts';
import { GROUPS, PLAN_2020, UNITS } from '../../db/seed/units.ts';
import type { Actor, ServiceContext } from '../context.ts';
import { generatePassword } from '../lib/password.ts';
import { importTable, type ImportReport } from './imports.ts';
import { createUser } from './users.ts';
import { withTransaction } from '../../db/client.ts';

/** The command line acts as the office when it loads plans, and as the administrator when it adds users. */
export const SYSTEM_OFFICE: Actor = {
	kind: 'user',
	id: 0,
	username: 'system',
	name: '系统初始化',
	role: 'office',
	unit: null
};

/** Inserts the unit directory and groups that are missing; existing rows are left as they are. */
export async function seedDirectory(ctx: ServiceContext) {
	await withTransaction(ctx, async (tx) => {
		const idOf = async (name: string) =>
			(await tx.db.select({ id: unit.id }).from(unit).where(eq(unit.name, name)).limit(1))[0]!.id;
		// Parents come before their children in UNITS; a directory from before the hierarchy gets its parents.
		for (const [position, u] of UNITS.entries()) {
			const parentId = u.parent ? await idOf(u.parent) : null;
			await tx.db
				.insert(unit)
				.values({ name: u.name, kind: u.kind, parentId, position, retiredIn: u.retiredIn ?? null })
				.onConflictDoNothing();
			if (parentId !== null)
				await tx.db
					.update(unit)
					.set({ parentId })
					.where(and(eq(unit.name, u.name), isNull(unit.parentId)));
		}
		for (const g of GROUPS) {
			await tx.db.insert(unitGroup).values({ name: g.name, kind: g.kind }).onConflictDoNothing();
			const groupId = (
				await tx.db.select({ id: unitGroup.id }).from(unitGroup).where(eq(unitGroup.name, g.name)).limit(1)
			)[0]!.id;
			for (const name of g.members)
				await tx.db
					.insert(unitGroupMember)
					.values({ groupId, unitId: await idOf(name) })
					.onConflictDoNothing();
		}
	});
}

/** The 2020 plan goes through the same importer the office uses. */
export function loadPlan2020(ctx: ServiceContext): Promise<ImportReport> {
	const { file, title, year, issuer, issuedOn } = PLAN_2020;
	return importTable(
		{ ...ctx, actor: SYSTEM_OFFICE },
		{
			data: readFileSync(file),
			fileName: 'plan-2020.csv',
			plan: { title, year, issuer, issuedOn },
			createUnits: false,
			dryRun: false
		}
	);
}

export const DEMO_PASSWORD = 'Duban@2020';

export const DEMO_ACCOUNTS = [
	{ username: 'admin', name: '系统管理员', role: 'admin' },
	{ username: 'secadmin', name: '安全管理员', role: 'security' },
	{ username: 'auditor', name: '审计管理员', role: 'auditor' },
	{ username: 'office', name: '联席办督查员', role: 'office' },
	{ username: 'leader', name: '分管领导', role: 'leader' },
	{ username: 'dsj', name: '省大数据局填报员', role: 'unit', unitName: '省大数据局' },
	{ username: 'fgw', name: '省发展改革委填报员', role: 'unit', unitName: '省发展改革委' },
	{ username: 'scjg', name: '省市场监管局填报员', role: 'unit', unitName: '省市场监管局' },
	{ username: 'hangzhou', name: '杭州市政府填报员', role: 'unit', unitName: '杭州市政府' },
	{ username: 'hzdb', name: '杭州市督查员', role: 'office', unitName: '杭州市政府' },
	{ username: 'xihu', name: '西湖区政府填报员', role: 'unit', unitName: '西湖区政府' }
] as const;

/** Creates the demo accounts that do not exist yet; returns those created. */
export async function createDemoAccounts(ctx: ServiceContext) {
	const created: (typeof DEMO_ACCOUNTS)[number][] = [];
	for (const account of DEMO_ACCOUNTS) {
		if (
			(await ctx.db.select({ id: user.id }).from(user).where(eq(user.username, account.username)).limit(1))[0]
		)
			continue;
		await createUser(
			{ ...ctx, actor: null },
			{ ...account, email: `${account.username}@demo.duban.local`, password: DEMO_PASSWORD }
		);
		created.push(account);
	}
	return created;
}

/** The three administrators of 三员分立 a clean install starts with. */
const ADMINISTRATORS = [
	{ username: 'admin', name: '系统管理员', role: 'admin' },
	{ username: 'secadmin', name: '安全管理员', role: 'security' },
	{ username: 'auditor', name: '审计管理员', role: 'auditor' }
] as const;

/**
 * A clean install gets the system, security and audit administrators. The system admin's password may
 * come from the environment; the others (and a generated one) are shown once and must be changed at the
 * first sign-in.
 */
export async function ensureAdministrators(ctx: ServiceContext, adminPassword: string | undefined) {
	const created: { username: string; name: string; password: string | null }[] = [];
	for (const account of ADMINISTRATORS) {
		const exists = (
			await ctx.db
				.select({ n: sql<number>`count(*)` })
				.from(user)
				.where(eq(user.role, account.role))
				.limit(1)
		)[0]!.n;
		if (exists > 0) continue;
		const given = account.role === 'admin' ? adminPassword : undefined;
		const password = given ?? generatePassword();
		await createUser({ ...ctx, actor: null }, { ...account, password, temporary: given === undefined });
		created.push({ username: account.username, name: account.name, password: given ? null : password });
	}
	return created;
}
