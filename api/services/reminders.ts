import { and, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import {
	alert,
	assignment,
	indicator,
	notification,
	plan,
	report,
	task,
	unit,
	urgeNotice,
	urgeNoticeIndicator,
	user
} from '../../db/schema/index.ts';
import type { Db } from '../../db/client.ts';
import { daysBetween, periodOf, reportDueOn } from '../lib/dates.ts';
import { enqueueMail } from './mail.ts';
import { unitRecipients } from './recipients.ts';
import { reportableIn } from './report-form.ts';
import { renderDigest, type DigestItem } from './mail-templates.ts';
import type { Settings } from './settings.ts';
import { reasonText } from '../../web/src/lib/rules/reasons.ts';
import type { DesiredAlert } from './lights.ts';
import { SUBMITTED_STATUSES } from '../../web/src/lib/rules/enums.ts';

export type ReminderResult = {
	mails: number;
	notifications: number;
	unitsReminded: number;
	escalations: number;
};

const isWorkingDay = (day: string) => {
	const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
	return weekday !== 0 && weekday !== 6;
};

type Ctx = { db: Db; day: string; now: Date; settings: Settings; publicUrl: string };

/** What each unit should be reminded of today: reports due or missing, indicators due or overdue. */
function unitItems(c: Ctx) {
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
		const pending = db
			.selectDistinct({ unitId: assignment.unitId })
			.from(assignment)
			.innerJoin(indicator, eq(indicator.id, assignment.indicatorId))
			.innerJoin(plan, eq(plan.id, indicator.planId))
			.where(and(reportableIn(period), sql`${assignment.unitId} not in ${submitted}`))
			.all();
		for (const { unitId } of pending) {
			add(unitId, {
				key: `report-due|${period}`,
				light: null,
				title: `${period} 月报将于 ${due} 截止`,
				detail: `还有 ${left} 天，请按时报送本月工作完成情况`,
				deadline: due,
				link: `${c.publicUrl}/workspace?period=${period}`
			});
		}
	}
	if (isWorkingDay(day)) {
		for (const a of db
			.select()
			.from(alert)
			.where(and(isNotNull(alert.openKey), eq(alert.kind, 'report_missing')))
			.all()) {
			add(a.unitId!, {
				key: `report-missing|${a.period}`,
				light: 'red',
				title: `${a.period} 月报超期未报`,
				detail: reasonText(a.kind, a.params, day),
				deadline: reportDueOn(a.period!, settings.reportDueDay),
				link: `${c.publicUrl}/workspace?period=${a.period}`
			});
		}
	}

	const open = db
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
		.where(and(isNull(assignment.completedOn), isNotNull(indicator.dueOn), isNull(indicator.recurrence)))
		.all();
	const escalations: typeof open = [];
	for (const o of open) {
		const until = daysBetween(day, o.dueOn!);
		const link = `${c.publicUrl}/indicators/${o.id}`;
		const title = `${o.task}：${o.text.length > 40 ? `${o.text.slice(0, 40)}…` : o.text}`;
		if (settings.indicatorReminderDays.includes(until)) {
			add(o.unitId, {
				key: `indicator-due|${o.id}`,
				light: until <= settings.dueSoonDays ? 'yellow' : null,
				title,
				detail: `还有 ${until} 天到期（${o.role === 'lead' ? '牵头' : '配合'}）`,
				deadline: o.dueOn,
				link
			});
		}
		const over = -until;
		if (over >= 1 && (over - 1) % settings.overdueReminderEveryDays === 0) {
			const nth = (over - 1) / settings.overdueReminderEveryDays + 1;
			add(o.unitId, {
				key: `indicator-overdue|${o.id}`,
				light: 'red',
				title,
				detail: `已逾期 ${over} 天，尚未办结（第 ${nth} 次逾期提醒）`,
				deadline: o.dueOn,
				link
			});
		}
		if (over >= 1 + settings.overdueReminderEveryDays * (settings.escalateAfterReminders - 1))
			escalations.push(o);
	}
	return { items, escalations };
}

/** Overdue (indicator, unit) pairs that have drawn no red urge notice since their due date. */
function needingNotice<T extends { id: number; unitId: number; dueOn: string | null }>(
	db: Db,
	candidates: T[]
): T[] {
	if (!candidates.length) return [];
	const noticed = new Set(
		db
			.select({
				indicatorId: urgeNoticeIndicator.indicatorId,
				unitId: urgeNotice.unitId,
				issuedOn: urgeNotice.issuedOn
			})
			.from(urgeNoticeIndicator)
			.innerJoin(urgeNotice, eq(urgeNotice.id, urgeNoticeIndicator.noticeId))
			.where(eq(urgeNotice.level, 'red'))
			.all()
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
 * Writes today's digests: one mail per recipient (never an empty one) and in-app notifications, in one
 * transaction with dedupe keys, so a second run of the same day adds nothing.
 */
export function writeReminders(
	c: Ctx,
	openedRed: Pick<DesiredAlert, 'kind' | 'indicatorId' | 'unitId' | 'params'>[]
): ReminderResult {
	const { items, escalations } = unitItems(c);
	const toEscalate = needingNotice(c.db, escalations);
	const unitNames = new Map(
		c.db
			.select({ id: unit.id, name: unit.name, email: unit.contactEmail })
			.from(unit)
			.all()
			.map((u) => [u.id, u])
	);
	const people = c.db
		.select({
			id: user.id,
			unitId: user.unitId,
			role: user.role,
			email: user.email,
			optOut: user.emailOptOut
		})
		.from(user)
		.where(eq(user.disabled, false))
		.all();
	const result: ReminderResult = {
		mails: 0,
		notifications: 0,
		unitsReminded: items.size,
		escalations: toEscalate.length
	};

	return c.db.transaction((tx) => {
		const notify = (userId: number, item: DigestItem) => {
			const inserted = tx
				.insert(notification)
				.values({
					userId,
					dedupeKey: `${item.key}|${c.day}|${userId}`,
					title: item.title,
					body: item.detail,
					link: item.link.replace(c.publicUrl, ''),
					light: item.light,
					createdAt: c.now
				})
				.onConflictDoNothing()
				.run();
			result.notifications += inserted.changes;
		};
		// One digest per recipient address, whatever units it reports for.
		const byRecipient = new Map<string, { units: string[]; items: DigestItem[] }>();
		for (const [unitId, list] of items) {
			const u = unitNames.get(unitId)!;
			const addresses = unitRecipients(tx, unitId);
			for (const address of addresses) {
				const entry = byRecipient.get(address) ?? { units: [], items: [] };
				entry.units.push(u.name);
				entry.items.push(...list);
				byRecipient.set(address, entry);
			}
			for (const p of people.filter((p) => p.unitId === unitId && p.role === 'unit'))
				for (const item of list) notify(p.id, item);
		}
		for (const [address, entry] of byRecipient) {
			const reds = entry.items.filter((i) => i.light === 'red').length;
			const { text, html } = renderDigest({
				heading: `${entry.units.join('、')}督办提醒（${c.day}）`,
				intro: `您单位今日有 ${entry.items.length} 项待办事项${reds ? `，其中红灯 ${reds} 项` : ''}，请及时处理。`,
				items: entry.items,
				footer: '本邮件由督办系统自动发送，请勿直接回复。'
			});
			const subject = `【督办提醒】${entry.units.join('、')} ${c.day} 待办 ${entry.items.length} 项${reds ? `（红灯 ${reds} 项）` : ''}`;
			if (
				enqueueMail(
					tx,
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
			}))
		];
		const missing = tx
			.select({ n: sql<number>`count(*)` })
			.from(alert)
			.where(and(isNotNull(alert.openKey), eq(alert.kind, 'report_missing')))
			.get()!.n;
		if (officeItems.length || missing) {
			const { text, html } = renderDigest({
				heading: `督办日报（${c.day}）`,
				intro: `今日新增红灯指标 ${newRedIndicators} 项（涉及 ${newRedUnits} 个单位），超期未报月报 ${missing} 份，需发督办通知 ${toEscalate.length} 项。`,
				items: officeItems,
				footer: '点击“建议发督办通知”的链接可一键发出红色督办通知。'
			});
			for (const p of people.filter((p) => p.role === 'office')) {
				notify(p.id, {
					key: 'office-digest',
					light: officeItems.length ? 'red' : null,
					title: `督办日报（${c.day}）`,
					detail: `新增红灯指标 ${newRedIndicators} 项（涉及 ${newRedUnits} 个单位），超期未报月报 ${missing} 份，需督办 ${toEscalate.length} 项`,
					deadline: null,
					link: `${c.publicUrl}/`
				});
				if (
					p.email &&
					!p.optOut &&
					enqueueMail(
						tx,
						{
							dedupeKey: `office-digest|${c.day}|${p.email}`,
							recipient: p.email,
							subject: `【督办日报】${c.day} 新增红灯指标 ${newRedIndicators} 项，需督办 ${toEscalate.length} 项`,
							text,
							html
						},
						c.now
					)
				)
					result.mails++;
			}
		}
		return result;
	});
}
