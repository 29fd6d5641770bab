import { and, eq, gt, inArray, isNull, lte } from 'drizzle-orm';
import { bulletin, indicator, task, unit, user } from '../../db/schema/index.ts';
import { withTransaction } from '../../db/client.ts';
import type { Caller, ServiceContext } from '../context.ts';
import { audit } from './audit.ts';
import { addDays } from '../lib/dates.ts';
import { lightRowsOn } from './alerts.ts';
import { bulletinNumber } from './bulletins.ts';
import { enqueueMail } from './mail.ts';
import { MAIL_FOOTER, renderDigest, type DigestItem } from './mail-templates.ts';

const RED_KIND_TEXT: Record<string, string> = {
	overdue: '超过完成时限，尚未办结',
	report_missing: '月报超期未报'
};

/**
 * The leaders' weekly digest for the week ending on the context's day: the red lights lit that day (from
 * the lights' real dates), and the province's bulletins published in the seven days up to it. One mail per leader, once.
 */
export async function writeLeaderDigest(ctx: ServiceContext<Caller | null>) {
	const { db } = ctx;
	const day = ctx.clock.today();
	const c = { now: ctx.clock.now(), publicUrl: ctx.config.publicUrl };
	const reds = (await lightRowsOn(db, day)).filter((r) => r.light === 'red');
	const weekAgo = new Date(`${addDays(day, -7)}T00:00:00+08:00`);
	const dayEnd = new Date(`${addDays(day, 1)}T00:00:00+08:00`);
	const bulletins = await db
		.select()
		.from(bulletin)
		.where(
			and(
				eq(bulletin.status, 'published'),
				// The province's series: the digest speaks of the whole province (a level's reaches its leaders' bell).
				isNull(bulletin.issuerUnitId),
				gt(bulletin.publishedAt, weekAgo),
				lte(bulletin.publishedAt, dayEnd)
			)
		);
	const units = new Map(
		(await db.select({ id: unit.id, name: unit.name }).from(unit)).map((u) => [u.id, u.name])
	);
	const indicatorIds = [...new Set(reds.flatMap((r) => (r.indicatorId ? [r.indicatorId] : [])))];
	const indicators = new Map(
		indicatorIds.length
			? (
					await db
						.select({ id: indicator.id, text: indicator.text, task: task.title, dueOn: indicator.dueOn })
						.from(indicator)
						.innerJoin(task, eq(task.id, indicator.taskId))
						.where(inArray(indicator.id, indicatorIds))
				).map((i) => [i.id, i])
			: []
	);
	const items: DigestItem[] = [
		...bulletins.map((b) => ({
			key: `bulletin|${b.id}`,
			light: null,
			title: `${bulletinNumber(b.year, b.seq!)} ${b.title}`,
			detail: '本周发布的督查通报',
			deadline: null,
			link: `${c.publicUrl}/bulletins/${b.id}`
		})),
		...reds.map((r) => {
			const ind = r.indicatorId ? indicators.get(r.indicatorId) : undefined;
			return {
				key: `red|${r.kind}|${r.indicatorId ?? r.period}|${r.unitId}`,
				light: 'red' as const,
				title: `${r.unitId ? (units.get(r.unitId) ?? '') : '待明确责任单位'}：${ind ? `${ind.task}：${ind.text}` : `${r.period} 月报`}`,
				detail: RED_KIND_TEXT[r.kind] ?? '红灯',
				deadline: ind?.dueOn ?? null,
				link: ind ? `${c.publicUrl}/indicators/${ind.id}` : `${c.publicUrl}/dashboard`
			};
		})
	];
	const leaders = (
		await db
			.select({ email: user.email, optOut: user.emailOptOut })
			.from(user)
			.where(and(eq(user.role, 'leader'), eq(user.disabled, false)))
	).flatMap((l) => (l.email && !l.optOut ? [l.email] : []));
	const { text, html } = renderDigest({
		heading: `督办周报（截至 ${day}）`,
		intro: `当前红灯 ${reds.length} 项；本周发布督查通报 ${bulletins.length} 期。`,
		items,
		footer: MAIL_FOOTER
	});
	let mails = 0;
	await withTransaction(ctx, async (tx) => {
		for (const recipient of new Set(leaders)) {
			const queued = await enqueueMail(
				tx.db,
				{
					dedupeKey: `leader-digest|${day}|${recipient}`,
					recipient,
					subject: `【督办周报】截至 ${day} 红灯 ${reds.length} 项，通报 ${bulletins.length} 期`,
					text,
					html
				},
				c.now
			);
			if (queued) mails++;
		}
		const after = { day, reds: reds.length, bulletins: bulletins.length, mails };
		await audit(tx, { action: 'mail.leader_digest', objectType: 'outbox', after });
	});
	return { day, reds: reds.length, bulletins: bulletins.length, mails };
}
