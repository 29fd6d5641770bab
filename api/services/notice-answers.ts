import { and, eq, isNull, sql } from 'drizzle-orm';
import { noticeAnswer, urgeNotice, urgeNoticeIndicator, type NoticeLevel } from '../../db/schema/index.ts';
import { type Db, withTransaction } from '../../db/client.ts';
import type { ServiceContext } from '../context.ts';
import { fail, notFound } from '../errors.ts';
import { assertOffice, visibleUnits } from './access.ts';
import { linkAttachments } from './attachments.ts';
import { audit } from './audit.ts';
import {
	defaultAnswerDueOn,
	getNotice,
	issuerNameOf,
	noticeNumber,
	noticeState,
	numberOfNotice,
	ownNotice
} from './notices.ts';
import { notifyRole, notifyUnit, reminderTopic, withdrawReminders } from './notifications.ts';

/** The unit answers a notice (办理情况反馈) with text and attachments; answering also signs for it. */
export async function answerNotice(
	ctx: ServiceContext,
	id: number,
	input: { text: string; attachmentIds: number[] }
) {
	const row = await ownNotice(ctx, id);
	if (row.closedAt) throw fail('conflict', 'notice.closed');
	if (!input.text.trim()) throw fail('bad_request', 'notice.answer_required');
	const now = ctx.clock.now();
	await withTransaction(ctx, async (tx) => {
		const txCtx = tx;
		if (await pendingAnswer(tx.db, id)) throw fail('conflict', 'notice.answer_pending');
		if (!row.acknowledgedAt)
			await tx.db
				.update(urgeNotice)
				.set({ acknowledgedAt: now, acknowledgedBy: ctx.actor!.id })
				.where(eq(urgeNotice.id, id));
		const answer = (
			await tx.db
				.insert(noticeAnswer)
				.values({ noticeId: id, text: input.text.trim(), createdAt: now, createdBy: ctx.actor!.id })
				.returning()
		)[0]!;
		await linkAttachments(tx.db, input.attachmentIds, row.unitId, 'notice_answer', answer.id);
		await withdrawReminders(tx.db, reminderTopic.notice(id), now);
		const number = await numberOfNotice(tx.db, row);
		await notifyRole(
			txCtx,
			'office',
			{
				key: `notice.answer|${answer.id}`,
				message: {
					code: 'notice.answered',
					params: { number, unit: ctx.actor!.unit?.name ?? '', text: answer.text }
				},
				link: `/notices?notice=${id}`,
				light: null
			},
			row.unitId
		);
		await audit(txCtx, {
			action: 'notice.answer',
			objectType: 'urge_notice',
			objectId: id,
			after: { answerId: answer.id, text: answer.text, attachmentIds: input.attachmentIds }
		});
	});
	return getNotice(ctx, id);
}

const pendingAnswer = async (db: Db, noticeId: number) =>
	(
		await db
			.select()
			.from(noticeAnswer)
			.where(and(eq(noticeAnswer.noticeId, noticeId), eq(noticeAnswer.status, 'pending')))
			.limit(1)
	)[0];

/**
 * The office accepts the pending answer (the notice is closed, 已办结) or asks again with a reason and
 * a new answer deadline (by default the level's, counted from today).
 */
export async function reviewAnswer(
	ctx: ServiceContext,
	id: number,
	input: { accept: boolean; note: string; answerDueOn?: string }
) {
	assertOffice(ctx.actor);
	const row = (
		await ctx.db
			.select()
			.from(urgeNotice)
			.where(and(eq(urgeNotice.id, id), visibleUnits(ctx.actor, sql`${urgeNotice.unitId}`)))
			.limit(1)
	)[0];
	if (!row) throw notFound('notice');
	const answer = await pendingAnswer(ctx.db, id);
	if (!answer) throw fail('conflict', 'notice.no_answer');
	const note = input.note.trim();
	if (!input.accept && !note) throw fail('bad_request', 'notice.note_required');
	const today = ctx.clock.today();
	if (input.answerDueOn && input.answerDueOn < today) throw fail('bad_request', 'notice.due_before_today');
	const now = ctx.clock.now();
	const number = await numberOfNotice(ctx.db, row);
	const answerDueOn = input.accept
		? row.answerDueOn
		: (input.answerDueOn ?? (await defaultAnswerDueOn(ctx.db, row.level, today)));
	await withTransaction(ctx, async (tx) => {
		const txCtx = tx;
		await tx.db
			.update(noticeAnswer)
			.set({
				status: input.accept ? 'accepted' : 'returned',
				decidedAt: now,
				decidedBy: ctx.actor!.id || null,
				decisionNote: note || null
			})
			.where(eq(noticeAnswer.id, answer.id));
		await tx.db
			.update(urgeNotice)
			.set(input.accept ? { closedAt: now } : { answerDueOn })
			.where(eq(urgeNotice.id, id));
		await notifyUnit(txCtx, {
			unitId: row.unitId,
			key: `notice.review|${answer.id}`,
			message: input.accept
				? { code: 'notice.answer_accepted', params: { number, note: note || null } }
				: { code: 'notice.answer_returned', params: { number, note, answerDueOn } },
			link: `/notices?notice=${id}`,
			light: input.accept ? null : 'yellow'
		});
		await audit(txCtx, {
			action: input.accept ? 'notice.answer.accept' : 'notice.answer.return',
			objectType: 'urge_notice',
			objectId: id,
			before: { answerId: answer.id, answerDueOn: row.answerDueOn },
			after: { note, answerDueOn }
		});
	});
	return getNotice(ctx, id);
}

const NEXT_LEVEL: Record<NoticeLevel, NoticeLevel> = { blue: 'yellow', yellow: 'red', red: 'red' };
const RANK: Record<NoticeLevel, number> = { blue: 0, yellow: 1, red: 2 };

export type OverdueNotice = {
	id: number;
	number: string;
	unitId: number;
	level: NoticeLevel;
	answerDueOn: string;
	indicatorId: number | null;
	/** The level the escalation rule suggests: the next one up (a red notice is repeated as red). */
	next: NoticeLevel;
};

/**
 * Notices whose answer deadline has passed unanswered and that no later notice to the unit about one
 * of the same indicators, at the next level or higher, has followed yet: the office digest suggests one.
 */
export async function overdueUnanswered(db: Db, day: string): Promise<OverdueNotice[]> {
	const rows = await db
		.select({
			id: urgeNotice.id,
			year: urgeNotice.year,
			seq: urgeNotice.seq,
			issuerName: issuerNameOf(urgeNotice.issuerUnitId),
			unitId: urgeNotice.unitId,
			level: urgeNotice.level,
			answerDueOn: urgeNotice.answerDueOn,
			indicatorId: sql<
				number | null
			>`(select min(indicator_id) from urge_notice_indicator uni where uni.notice_id = "urge_notice"."id")`
		})
		.from(urgeNotice)
		.where(and(sql`${noticeState(day)} = 'overdue'`, isNull(urgeNotice.closedAt)));
	if (!rows.length) return [];
	const later = await db
		.select({
			unitId: urgeNotice.unitId,
			level: urgeNotice.level,
			issuedOn: urgeNotice.issuedOn,
			indicatorId: urgeNoticeIndicator.indicatorId
		})
		.from(urgeNotice)
		.innerJoin(urgeNoticeIndicator, eq(urgeNoticeIndicator.noticeId, urgeNotice.id));
	return rows
		.map((r) => ({
			id: r.id,
			number: noticeNumber(r.year, r.seq, r.issuerName),
			unitId: r.unitId,
			level: r.level,
			answerDueOn: r.answerDueOn!,
			indicatorId: r.indicatorId,
			next: NEXT_LEVEL[r.level]
		}))
		.filter(
			(r) =>
				!later.some(
					(l) =>
						l.unitId === r.unitId &&
						l.issuedOn > r.answerDueOn &&
						RANK[l.level] >= RANK[r.next] &&
						(r.indicatorId === null || l.indicatorId === r.indicatorId)
				)
		);
}
