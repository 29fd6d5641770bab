import { and, eq, inArray, isNotNull, isNull, lte, sql } from 'drizzle-orm';
import {
	alert,
	assignment,
	indicator,
	plan,
	report,
	task,
	unit,
	unitNews,
	urgeNotice,
	urgeNoticeIndicator,
	user
} from '../../db/schema/index.ts';
import { type Db, withTransaction } from '../../db/client.ts';
import type { Caller, ServiceContext } from '../context.ts';
import { audit } from './audit.ts';
import { daysBetween, periodOf, reportDueOn } from '../lib/dates.ts';
import { enqueueMail } from './mail.ts';
import { unitRecipients } from './recipients.ts';
import { reportableIn } from './report-form.ts';
import { MAIL_FOOTER, renderDigest, type DigestItem } from './mail-templates.ts';
import { overdueUnanswered } from './notice-answers.ts';
import { LEVEL_TEXT } from './notices.ts';
import { addNotification, reminderTopic } from './notifications.ts';
import { workCalendar } from './work-calendar.ts';
import { getSettings, type Settings } from './settings.ts';
import { messageText, type NoticeMessage } from '../../web/src/lib/rules/messages.ts';
import { reasonText } from '../../web/src/lib/rules/reasons.ts';
import type { DesiredAlert } from './lights.ts';
import { SUBMITTED_STATUSES } from '../../web/src/lib/rules/enums.ts';
import { isProvincial } from '../../web/src/lib/rules/access.ts';

export type ReminderResult = {
	mails: number;
	notifications: number;
	unitsReminded: number;
	/** Overdue indicators and overdue unanswered notices the office digest asks a notice for. */
	escalations: number;
};

type Ctx = { db: Db; day: string; now: Date; settings: Settings; publicUrl: string };

/** A reminder from its message: the mail's Chinese title and detail are the message rendered for `day`. */
function reminder(
	message: NoticeMessage,
	day: string,
	item: Omit<DigestItem, 'title' | 'detail' | 'message'>
) {
	const { title, body } = messageText(message, day);
	return { ...item, title, detail: body, message };
}

/** What each unit should be reminded of today: reports due or missing, indicators due or overdue. */
async function unitItems(c: Ctx) {
	const { db, day, settings } = c;
	const items = new Map<number, DigestItem[]>();
	const add = (unitId: number, item: DigestItem) => items.set(unitId, [...(items.get(unitId) ?? []), item]);

	const period = periodOf(day);
	const due = reportDueOn(period, settings.reportDueDay);
	const left = daysBetween(day, due);
	if (settings.reportReminderDays.includes(left)) {
		const submitted = db
			.select({ unitId: report.unitId })
			.from(report)
			.where(and(eq(report.period, period), inArray(report.status, [...SUBMITTED_STATUSES])));
		const pending = await db
			.selectDistinct({ unitId: assignment.unitId })
			.from(assignment)
			.innerJoin(indicator, eq(indicator.id, assignment.indicatorId))
			.innerJoin(plan, eq(plan.id, indicator.planId))
			.where(and(reportableIn(period), sql`${assignment.unitId} not in ${submitted}`));
		for (const { unitId } of pending) {
			add(
				unitId,
				reminder({ code: 'remind.report_due', params: { period, dueOn: due } }, day, {
					key: `report-due|${period}`,
					topic: reminderTopic.report(unitId, period),
					light: null,
					deadline: due,
					link: `${c.publicUrl}/workspace?period=${period}`
				})
			);
		}
	}
	if ((await workCalendar(db)).isWorkingDay(day)) {
		for (const a of await db
			.select()
			.from(alert)
			.where(and(isNotNull(alert.openKey), eq(alert.kind, 'report_missing')))) {
			const message: NoticeMessage = {
				code: 'remind.report_missing',
				params: { period: a.period!, reason: { kind: a.kind, params: a.params } }
			};
			add(
				a.unitId!,
				reminder(message, day, {
					key: `report-missing|${a.period}`,
					topic: reminderTopic.report(a.unitId!, a.period!),
					light: 'red',
					deadline: reportDueOn(a.period!, settings.reportDueDay),
					link: `${c.publicUrl}/workspace?period=${a.period}`
				})
			);
		}
	}

	const open = await db
		.select({
			id: indicator.id,
			text: indicator.text,
			task: task.title,
			// Each unit's own part: its own due date when extended alone, open until it is signed off.
			dueOn: sql<string | null>`coalesce(${assignment.dueOn}, ${indicator.dueOn})`,
			unitId: assignment.unitId,
			role: assignment.role
		})
		.from(assignment)
		.innerJoin(indicator, eq(indicator.id, assignment.indicatorId))
		.innerJoin(task, eq(task.id, indicator.taskId))
		.where(and(isNull(assignment.completedOn), isNotNull(indicator.dueOn), isNull(indicator.recurrence)));
	const escalations: typeof open = [];
	for (const o of open) {
		const until = daysBetween(day, o.dueOn!);
		const link = `${c.publicUrl}/indicators/${o.id}`;
		const about = { task: o.task, text: o.text, dueOn: o.dueOn! };
		if (settings.indicatorReminderDays.includes(until)) {
			add(
				o.unitId,
				reminder({ code: 'remind.indicator_due', params: { ...about, role: o.role } }, day, {
					key: `indicator-due|${o.id}`,
					topic: reminderTopic.indicator(o.id),
					light: until <= settings.dueSoonDays ? 'yellow' : null,
					deadline: o.dueOn,
					link
				})
			);
		}
		const over = -until;
		if (over >= 1 && (over - 1) % settings.overdueReminderEveryDays === 0) {
			const nth = (over - 1) / settings.overdueReminderEveryDays + 1;
			add(
				o.unitId,
				reminder({ code: 'remind.indicator_overdue', params: { ...about, nth } }, day, {
					key: `indicator-overdue|${o.id}`,
					topic: reminderTopic.indicator(o.id),
					light: 'red',
					deadline: o.dueOn,
					link
				})
			);
		}
		if (over >= 1 + settings.overdueReminderEveryDays * (settings.escalateAfterReminders - 1))
			escalations.push(o);
	}
	const overdueNotices = await overdueUnanswered(db, day);
	for (const n of overdueNotices) {
		add(
			n.unitId,
			reminder(
				{ code: 'remind.notice_overdue', params: { number: n.number, answerDueOn: n.answerDueOn } },
				day,
				{
					key: `notice-overdue|${n.id}`,
					topic: reminderTopic.notice(n.id),
					light: 'red',
					deadline: n.answerDueOn,
					link: `${c.publicUrl}/notices?notice=${n.id}`
				}
			)
		);
	}
	return { items, escalations, overdueNotices };
}

/** Overdue (indicator, unit) pairs that have drawn no red urge notice since their due date. */
async function needingNotice<T extends { id: number; unitId: number; dueOn: string | null }>(
	db: Db,
	candidates: T[]
): Promise<T[]> {
	if (!candidates.length) return [];
	const noticed = new Set(
		(
			await db
				.select({
					indicatorId: urgeNoticeIndicator.indicatorId,
					unitId: urgeNotice.unitId,
					issuedOn: urgeNotice.issuedOn
				})
				.from(urgeNoticeIndicator)
				.innerJoin(urgeNotice, eq(urgeNotice.id, urgeNoticeIndicator.noticeId))
				.where(eq(urgeNotice.level, 'red'))
		)
			.filter((n) =>
				candidates.some(
					(c) => c.id === n.indicatorId && c.unitId === n.unitId && n.issuedOn > (c.dueOn ?? '')
				)
			)
			.map((n) => `${n.indicatorId}|${n.unitId}`)
	);
	return candidates.filter((c) => !noticed.has(`${c.id}|${c.unitId}`));
}

/**
 * Writes today's digests (the context's day): one mail per recipient (never an empty one) and in-app
 * notifications, in one transaction with dedupe keys, so a second run of the same day adds nothing.
 */
export async function writeReminders(
	ctx: ServiceContext<Caller | null>,
	openedRed: Pick<DesiredAlert, 'kind' | 'indicatorId' | 'unitId' | 'params'>[]
): Promise<ReminderResult> {
	const c: Ctx = {
		db: ctx.db,
		day: ctx.clock.today(),
		now: ctx.clock.now(),
		settings: await getSettings(ctx.db),
		publicUrl: ctx.config.publicUrl
	};
	const { items, escalations, overdueNotices } = await unitItems(c);
	const toEscalate = await needingNotice(c.db, escalations);
	const unitNames = new Map(
		(await c.db.select({ id: unit.id, name: unit.name, email: unit.contactEmail }).from(unit)).map((u) => [
			u.id,
			u
		])
	);
	const people = await c.db
		.select({
			id: user.id,
			unitId: user.unitId,
			role: user.role,
			email: user.email,
			optOut: user.emailOptOut
		})
		.from(user)
		.where(eq(user.disabled, false));
	const result: ReminderResult = {
		mails: 0,
		notifications: 0,
		unitsReminded: items.size,
		escalations: toEscalate.length + overdueNotices.length
	};

	return await withTransaction(ctx, async (tx) => {
		const notify = async (userId: number, item: DigestItem) => {
			const inserted = await addNotification(tx.db, {
				userId,
				dedupeKey: `${item.key}|${c.day}|${userId}`,
				title: item.title,
				body: item.detail,
				message: item.message ?? null,
				link: item.link.replace(c.publicUrl, ''),
				light: item.light,
				topic: item.topic ?? null,
				createdAt: c.now
			});
			if (inserted) result.notifications++;
		};
		// Decisions since the last digest (already in the bell) lead each unit's digest.
		const news = await tx.db
			.select()
			.from(unitNews)
			.where(and(isNull(unitNews.mailedOn), lte(unitNews.createdAt, c.now)))
			.orderBy(unitNews.id);
		const newsOf = new Map<number, DigestItem[]>();
		for (const n of news)
			newsOf.set(n.unitId, [
				...(newsOf.get(n.unitId) ?? []),
				{
					key: n.dedupeKey,
					light: n.light,
					title: n.title,
					detail: n.body,
					deadline: null,
					link: `${c.publicUrl}${n.link}`
				}
			]);
		if (news.length)
			await tx.db
				.update(unitNews)
				.set({ mailedOn: c.day })
				.where(
					inArray(
						unitNews.id,
						news.map((n) => n.id)
					)
				);
		// One digest per recipient address, whatever units it reports for.
		const byRecipient = new Map<string, { units: string[]; news: DigestItem[]; items: DigestItem[] }>();
		for (const unitId of new Set([...newsOf.keys(), ...items.keys()])) {
			const u = unitNames.get(unitId)!;
			const list = items.get(unitId) ?? [];
			for (const address of await unitRecipients(tx.db, unitId)) {
				const entry = byRecipient.get(address) ?? { units: [], news: [], items: [] };
				entry.units.push(u.name);
				entry.news.push(...(newsOf.get(unitId) ?? []));
				entry.items.push(...list);
				byRecipient.set(address, entry);
			}
			for (const p of people.filter((p) => p.unitId === unitId && p.role === 'unit'))
				for (const item of list) await notify(p.id, item);
		}
		for (const [address, entry] of byRecipient) {
			const reds = entry.items.filter((i) => i.light === 'red').length;
			const counts = [
				entry.items.length ? `待办 ${entry.items.length} 项` : '',
				entry.news.length ? `新消息 ${entry.news.length} 条` : ''
			].filter(Boolean);
			const { text, html } = renderDigest({
				heading: `${entry.units.join('、')}督办提醒（${c.day}）`,
				intro: `您单位今日有${counts.join('、')}${reds ? `，其中红灯 ${reds} 项` : ''}，请及时处理。`,
				items: [...entry.news, ...entry.items],
				footer: MAIL_FOOTER
			});
			const subject = `【督办提醒】${entry.units.join('、')} ${c.day} ${counts.join('，')}${reds ? `（红灯 ${reds} 项）` : ''}`;
			if (
				await enqueueMail(
					tx.db,
					{ dedupeKey: `digest|${c.day}|${address}`, recipient: address, subject, text, html },
					c.now
				)
			)
				result.mails++;
		}

		const newRed = openedRed.filter((a) => a.indicatorId !== null);
		const newRedIndicators = new Set(newRed.map((a) => a.indicatorId)).size;
		const newRedUnits = new Set(newRed.map((a) => a.unitId)).size;
		const officeItems: DigestItem[] = [
			...newRed.map((a) => ({
				key: `new-red|${a.indicatorId ?? ''}|${a.unitId ?? ''}`,
				light: 'red' as const,
				title: `新增红灯：${a.unitId ? (unitNames.get(a.unitId)?.name ?? '') : '待明确责任单位'}`,
				detail: reasonText(a.kind, a.params, c.day),
				deadline: null,
				link: a.indicatorId ? `${c.publicUrl}/indicators/${a.indicatorId}` : `${c.publicUrl}/review`
			})),
			...toEscalate.map((o) => ({
				key: `escalate|${o.id}|${o.unitId}`,
				light: 'red' as const,
				title: `建议发督办通知：${unitNames.get(o.unitId)?.name ?? ''}`,
				detail: `${o.task}（逾期 ${daysBetween(o.dueOn!, c.day)} 天，已提醒 ${c.settings.escalateAfterReminders} 次以上仍未办结）`,
				deadline: o.dueOn,
				link: `${c.publicUrl}/notices?issue=1&unitId=${o.unitId}&indicatorId=${o.id}&level=red`
			})),
			...overdueNotices.map((n) => ({
				key: `notice-escalate|${n.id}`,
				light: 'red' as const,
				title: `逾期未反馈：${n.number} ${unitNames.get(n.unitId)?.name ?? ''}`,
				detail: `反馈期限 ${n.answerDueOn} 已过，建议发出${LEVEL_TEXT[n.next]}督办通知`,
				deadline: n.answerDueOn,
				link: `${c.publicUrl}/notices?issue=1&unitId=${n.unitId}${n.indicatorId ? `&indicatorId=${n.indicatorId}` : ''}&level=${n.next}`
			}))
		];
		const missing = (
			await tx.db
				.select({ n: sql<number>`count(*)` })
				.from(alert)
				.where(and(isNotNull(alert.openKey), eq(alert.kind, 'report_missing')))
				.limit(1)
		)[0]!.n;
		if (officeItems.length || missing) {
			const { text, html } = renderDigest({
				heading: `督办日报（${c.day}）`,
				intro: `今日新增红灯指标 ${newRedIndicators} 项（涉及 ${newRedUnits} 个单位），超期未报月报 ${missing} 份，需发督办通知 ${toEscalate.length} 项，督办通知逾期未反馈 ${overdueNotices.length} 件。`,
				items: officeItems,
				footer: '点击“建议发督办通知”或“逾期未反馈”的链接可一键发出督办通知。'
			});
			// The province's digest names every city's units: for the provincial office (a level's own: to come).
			const provincial = people.filter(
				(p) =>
					p.role === 'office' &&
					isProvincial({ role: p.role, unit: p.unitId === null ? null : { id: p.unitId } })
			);
			for (const p of provincial) {
				const digest: NoticeMessage = {
					code: 'office.digest',
					params: {
						day: c.day,
						red: newRedIndicators,
						redUnits: newRedUnits,
						missing,
						escalate: toEscalate.length
					}
				};
				await notify(
					p.id,
					reminder(digest, c.day, {
						key: 'office-digest',
						light: officeItems.length ? 'red' : null,
						deadline: null,
						link: `${c.publicUrl}/`
					})
				);
				if (
					p.email &&
					!p.optOut &&
					(await enqueueMail(
						tx.db,
						{
							dedupeKey: `office-digest|${c.day}|${p.email}`,
							recipient: p.email,
							subject: `【督办日报】${c.day} 新增红灯指标 ${newRedIndicators} 项，需督办 ${toEscalate.length} 项`,
							text,
							html
						},
						c.now
					))
				)
					result.mails++;
			}
		}
		await audit(tx, { action: 'mail.reminders', objectType: 'outbox', after: { day: c.day, ...result } });
		return result;
	});
}
