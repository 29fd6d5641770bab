import { withTransaction } from '../../db/client.ts';
import { readFileSync } from 'node:fs';
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { assignment, indicator, pendingGroup, unit, unitNews, user } from '../../db/schema/index.ts';
import type { Actor, ServiceContext } from '../context.ts';
import { manualClock, shanghaiDay } from '../lib/clock.ts';
import { addDays, daysFromTo, periodOf, periodsBetween, reportDueOn } from '../lib/dates.ts';
import { actorOf } from './auth.ts';
import { evaluateAlerts } from './alerts.ts';
import { issueNotice, acknowledgeNotice } from './notices.ts';
import { resolvePendingGroup } from './pending-groups.ts';
import { reportableAssignments, reportFormBasis } from './report-form.ts';
import { targetView } from './target-view.ts';
import { groupBy } from '../lib/group.ts';
import { acceptReport, returnReport } from './report-review.ts';
import { writeReport, type ItemInput } from './reports.ts';
import { createRequest, decideRequest } from './requests.ts';
import {
	decideMilestonePlan,
	myMilestonePlans,
	saveMilestonePlan,
	type MilestoneInput
} from './milestones.ts';
import { scheduleCascade } from './demo-cascade.ts';
import { getSettings, putSetting } from './settings.ts';

/**
 * A demo milestone plan: from March to the month an indicator is due, an even climb to 100%, with a
 * deliverable per stage that names the work.
 */
function milestoneRamp(dueOn: string, text: string): MilestoneInput[] {
	const months = periodsBetween('2020-03', periodOf(dueOn < '2020-12-31' ? dueOn : '2020-12-31'));
	const topic = text.replace(/^\d{4}年底前，/, '').slice(0, 14);
	const stages = [
		'完成工作方案和需求调研',
		'完成建设方案评审',
		'推进建设和试点应用',
		'扩大应用范围',
		'完成验收和总结'
	];
	return months.map((period, i) => {
		const share = (i + 1) / months.length;
		return {
			period,
			deliverable: `${topic}：${stages[Math.min(stages.length - 1, Math.floor(share * stages.length - 1e-9))]}`,
			percent: Math.round(share * 100),
			value: null
		};
	});
}

/** A small seeded generator (mulberry32): the same history on every machine. */
function random(seed: number) {
	let a = seed;
	return () => {
		a = (a + 0x6d2b79f5) | 0;
		let t = Math.imul(a ^ (a >>> 15), 1 | a);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

type Event = { at: Date; run: () => unknown };

const PLAN_START = '2020-01-22';

type Resolution = { position: number; units: string[]; why: string };
const RESOLUTIONS = new Map(
	(
		JSON.parse(
			readFileSync(new URL('../../db/seed/placeholder-resolutions-2020.json', import.meta.url), 'utf8')
		) as { resolutions: Resolution[] }
	).resolutions.map((r) => [r.position, r])
);
const atTime = (day: string, minutes: number) =>
	new Date(Date.parse(`${day}T09:00:00+08:00`) + Math.floor(minutes) * 60_000);

/**
 * The clock of a demo database before its history is loaded: the history replays 2020 from its first
 * day, so the plan is imported (and its lights lit) on that day rather than on the real calendar, where
 * every month since 2020 would light as missing only to be put out again by the replay.
 */
export const demoStartClock = () => manualClock(atTime(PLAN_START, 0));

/**
 * Loads a simulated, deterministic 2020 reporting history up to `demoDate` through the same services
 * the users call: most units report on time, some late, some not at all; indicators are completed on
 * time or late, a few are extended, overdue ones draw urge notices. Marked as demo data in settings.
 */
export async function loadDemoHistory(ctx: ServiceContext, demoDate: string) {
	if ((await getSettings(ctx.db)).demoDate) return null;
	const started = performance.now();
	const rand = random(20200122);
	const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)]!;
	const clock = demoStartClock();
	// `db` is the simulated day's transaction while its events run (see the loop at the end), else ctx.db.
	const base = { db: ctx.db, config: ctx.config, ip: 'demo', clock };
	const as = (actor: Actor) => ({ ...base, actor });
	const officeId = // The provincial office (no unit): the history spans every city.
		(
			await ctx.db
				.select({ id: user.id })
				.from(user)
				.where(and(eq(user.role, 'office'), isNull(user.unitId)))
				.limit(1)
		)[0]?.id;
	if (!officeId) throw new Error('demo history needs the demo office account');
	const office = (await actorOf(ctx, officeId))!;
	const counts = { reports: 0, late: 0, missing: 0, returned: 0, completed: 0, extensions: 0, notices: 0 };

	// The daily round runs on every day a date is crossed (a due date comes near or passes, a month's
	// report falls due) before anything else happens that day, so the lights' "since" dates are real;
	// on the other days it would change nothing.
	const settings = await getSettings(ctx.db);
	const crossings = new Set<string>();
	// A unit's own date (per unit level from the plan's deadline rule) is crossed like the indicator's.
	for (const { dueOn } of await ctx.db
		.selectDistinct({ dueOn: sql<string>`coalesce(${assignment.dueOn}, ${indicator.dueOn})` })
		.from(assignment)
		.innerJoin(indicator, eq(indicator.id, assignment.indicatorId))
		.where(
			and(sql`coalesce(${assignment.dueOn}, ${indicator.dueOn}) is not null`, isNull(indicator.recurrence))
		)) {
		crossings.add(addDays(dueOn, -settings.dueSoonDays)).add(addDays(dueOn, 1));
	}
	for (const period of periodsBetween('2020-01', periodOf(demoDate)))
		crossings.add(addDays(reportDueOn(period, settings.reportDueDay), 1));
	let evaluated = addDays(PLAN_START, -1);
	const passDaysUntil = async (day: string) => {
		for (const d of daysFromTo(addDays(evaluated, 1), day))
			if (crossings.has(d))
				await evaluateAlerts({
					...base,
					clock: manualClock(new Date(`${d}T06:00:00+08:00`)),
					actor: { kind: 'system', job: 'daily' }
				});
		if (day > evaluated) evaluated = day;
	};
	const advance = async (at: Date) => {
		clock.set(at);
		await passDaysUntil(clock.today());
	};

	// The office settles 省级有关单位 in February, to the units whose own field each indicator names
	// (db/seed/placeholder-resolutions-2020.json says which and why).
	const unitIdOf = new Map(
		(await ctx.db.select({ id: unit.id, name: unit.name }).from(unit)).map((u) => [u.name, u.id])
	);
	const pending = await ctx.db
		.select({
			indicatorId: pendingGroup.indicatorId,
			groupId: pendingGroup.groupId,
			position: indicator.position
		})
		.from(pendingGroup)
		.innerJoin(indicator, eq(indicator.id, pendingGroup.indicatorId))
		.where(isNull(pendingGroup.resolvedAt));
	await advance(atTime('2020-02-10', 0));
	for (const p of pending) {
		const plan = RESOLUTIONS.get(p.position);
		if (!plan) continue;
		const unitIds = plan.units.map((name) => unitIdOf.get(name)).filter((id) => id !== undefined);
		await resolvePendingGroup(as(office), p.indicatorId, p.groupId, unitIds, plan.why);
	}

	const unitActors = new Map<number, Actor>();
	const actorFor = async (unitId: number): Promise<Actor> => {
		let actor = unitActors.get(unitId);
		if (!actor) {
			const existing = (
				await base.db
					.select({ id: user.id })
					.from(user)
					.where(and(eq(user.unitId, unitId), eq(user.role, 'unit')))
					.limit(1)
			)[0];
			// Units without a demo login get a disabled reporter who only ever acts in this simulation.
			const id =
				existing?.id ??
				(
					await withTransaction(base, ({ db }) =>
						db
							.insert(user)
							.values({
								username: `demo-unit-${unitId}`,
								name: '演示填报员',
								role: 'unit',
								kind: 'business',
								unitId,
								passwordHash: '!',
								disabled: true
							})
							.returning({ id: user.id })
					)
				)[0]!.id;
			const row = (
				await base.db.select({ name: unit.name }).from(unit).where(eq(unit.id, unitId)).limit(1)
			)[0]!;
			actor = {
				kind: 'user',
				id,
				username: `demo-unit-${unitId}`,
				name: '演示填报员',
				role: 'unit',
				unit: { id: unitId, name: row.name }
			};
			unitActors.set(unitId, actor);
		}
		return actor;
	};

	const events: Event[] = [];
	const schedule = (at: Date, run: () => unknown) => {
		if (at.getTime() <= atTime(demoDate, 9 * 60).getTime()) events.push({ at, run });
	};

	// Completions, extensions and overdue indicators.
	const indicators = await ctx.db
		.select({ id: indicator.id, dueOn: indicator.dueOn, text: indicator.text, kind: indicator.kind })
		.from(indicator)
		.where(and(eq(indicator.status, 'open'), sql`${indicator.dueOn} is not null`))
		.orderBy(asc(indicator.id));
	// Who signs off: the lead of a joint indicator (for all), every unit of an each-owes one (its part).
	const ownersOf = async (indicatorId: number, kind: 'joint' | 'each') =>
		(
			await base.db
				.select({ unitId: assignment.unitId })
				.from(assignment)
				.where(
					and(
						eq(assignment.indicatorId, indicatorId),
						kind === 'joint' ? eq(assignment.role, 'lead') : undefined
					)
				)
				.orderBy(asc(assignment.position))
				.limit(kind === 'joint' ? 1 : 1000)
		).map((a) => a.unitId);
	const openChildren = async (indicatorId: number, unitId: number) =>
		(
			await base.db
				.select({ n: sql<number>`count(*)` })
				.from(assignment)
				.where(
					and(
						isNull(assignment.completedOn),
						sql`${assignment.parentId} in (select id from assignment where indicator_id = ${indicatorId} and unit_id = ${unitId})`
					)
				)
		)[0]!.n > 0;
	const overdue: { id: number; unitId: number }[] = [];
	for (const ind of indicators) {
		if (!ind.dueOn || ind.dueOn >= demoDate) continue;
		for (const lead of await ownersOf(ind.id, ind.kind)) owe(ind as typeof ind & { dueOn: string }, lead);
	}
	function owe(ind: { id: number; dueOn: string }, lead: number) {
		const fate = rand();
		const complete = (day: string, statement: string) =>
			schedule(atTime(day, rand() * 300), async () => {
				// A part handed down further waits for its children (杭州's, in the cascade below).
				if (await openChildren(ind.id, lead)) return;
				const req = await createRequest(as(await actorFor(lead)), {
					kind: 'completion',
					indicatorId: ind.id,
					statement,
					attachmentIds: []
				});
				await advance(atTime(addDays(day, 2), rand() * 300));
				await decideRequest(as(office), req.id, true, '经核查，同意办结');
				counts.completed++;
			});
		if (fate < 0.68)
			complete(addDays(ind.dueOn, -Math.floor(3 + rand() * 20)), '已按期完成全部工作内容，相关材料已归档。');
		else if (fate < 0.8)
			complete(addDays(ind.dueOn, Math.floor(5 + rand() * 40)), '工作已全部完成，较计划时间有所延后。');
		else if (fate < 0.88) {
			const askOn = addDays(ind.dueOn, -10);
			const newDue = addDays(ind.dueOn, 92);
			schedule(atTime(askOn, 60), async () => {
				const req = await createRequest(as(await actorFor(lead)), {
					kind: 'extension',
					indicatorId: ind.id,
					newDueOn: newDue,
					statement: '受疫情影响，项目招标和设备到货推迟，申请延期。',
					attachmentIds: []
				});
				await advance(atTime(addDays(askOn, 3), 60));
				await decideRequest(as(office), req.id, true, '同意延期，请抓紧推进');
				counts.extensions++;
			});
		} else overdue.push({ id: ind.id, unitId: lead });
	}

	// Urge notices to units with overdue indicators, in July and September.
	for (const [day, slice] of [
		['2020-07-10', overdue.slice(0, 3)],
		['2020-09-08', overdue.slice(3, 7)]
	] as const) {
		for (const o of slice) {
			schedule(atTime(day, 30), async () => {
				const notice = await issueNotice(as(office), {
					unitId: o.unitId,
					indicatorIds: [o.id],
					level: day < '2020-09-01' ? 'yellow' : 'red',
					message: '该项指标已超过完成时限，请抓紧推进，并于 5 个工作日内书面报告进展。'
				});
				counts.notices++;
				if (rand() < 0.7)
					schedule(atTime(addDays(day, 1 + Math.floor(rand() * 2)), 120), async () =>
						acknowledgeNotice(as(await actorFor(o.unitId)), notice.id)
					);
			});
		}
	}

	// 挂图作战: 省大数据局 sends its monthly milestone plans by the end of February (row 75 of the table asks
	// every unit for its 月度任务计划); the office returns the first for more concrete deliverables and
	// approves the rest, so from March its lights judge by its milestones, not 序时进度. A revision of the
	// first waits in the office's queue on the demo date. Deterministic: the history's random draws stay as they were.
	const bigData = unitIdOf.get('省大数据局');
	if (bigData !== undefined) {
		const actor = await actorFor(bigData);
		const planned = (await myMilestonePlans(as(actor))).filter(
			(p) => p.year === 2020 && p.dueOn && p.dueOn >= '2020-04-01'
		);
		const send = (indicatorId: number, milestones: MilestoneInput[], note = '') =>
			saveMilestonePlan(as(actor), indicatorId, { milestones, note, submit: true });
		const approve = async (id: number) => {
			await decideMilestonePlan(as(office), id, true, '同意，请按计划推进');
		};
		planned.forEach((p, i) => {
			const milestones = milestoneRamp(p.dueOn!, p.text);
			schedule(atTime('2020-02-26', 60 + i * 7), async () => {
				const sent = await send(p.indicatorId, milestones);
				if (i > 0) return schedule(atTime('2020-03-02', 120 + i * 5), () => approve(sent));
				schedule(atTime('2020-03-02', 90), async () => {
					await decideMilestonePlan(
						as(office),
						sent,
						false,
						'各月交付成果请写具体，如“完成需求调研并形成报告”'
					);
					schedule(atTime('2020-03-04', 100), async () => {
						const again = await send(p.indicatorId, milestones, '已细化各月交付成果');
						schedule(atTime('2020-03-05', 100), () => approve(again));
						// Every stage but the last a little later: the same deliverables, lower interim percents.
						const revision = milestones.map((m, k) =>
							k === milestones.length - 1 ? m : { ...m, percent: Math.max(0, m.percent - 5) }
						);
						schedule(atTime(addDays(demoDate, -3), 200), () =>
							send(p.indicatorId, revision, '受疫情影响，中间节点略有后移，申请调整')
						);
					});
				});
			});
		});
	}

	// Monthly reports: most on time, some late, some missing; the office reviews each within days.
	const dueDay = settings.reportDueDay;
	const units = await ctx.db
		.selectDistinct({ unitId: assignment.unitId })
		.from(assignment)
		.orderBy(asc(assignment.unitId));
	for (const period of periodsBetween('2020-01', periodOf(demoDate))) {
		const due = reportDueOn(period, dueDay);
		for (const { unitId } of units) {
			const fate = rand();
			if (due >= demoDate) {
				if (fate < 0.4)
					schedule(atTime(addDays(demoDate, -2), rand() * 400), () => fileReport(unitId, period, false));
				continue;
			}
			if (fate < 0.07) {
				counts.missing++;
				continue;
			}
			const late = fate < 0.2;
			const day = late ? addDays(due, 1 + Math.floor(rand() * 8)) : addDays(due, -Math.floor(rand() * 6));
			schedule(atTime(day, rand() * 480), async () => {
				const reportId = await fileReport(unitId, period, true);
				if (reportId === null) return;
				if (late) counts.late++;
				const returned = rand() < 0.06;
				// The last month before the demo date is partly still waiting for review.
				const lag = addDays(due, 31) >= demoDate && rand() < 0.5 ? 30 : 1 + Math.floor(rand() * 3);
				schedule(atTime(addDays(day, lag), 300), async () => {
					if (!returned) return acceptReport(as(office), reportId);
					const first = (await reportableAssignments(base.db, unitId, period))[0];
					await returnReport(
						as(office),
						reportId,
						'部分事项进展描述不具体，请补充量化数据后重新报送。',
						first ? [{ indicatorId: first.indicatorId, reason: '请补充本月完成的具体数量' }] : []
					);
					counts.returned++;
					schedule(atTime(addDays(day, 5), 200), async () => {
						await fileReport(unitId, period, true);
						schedule(atTime(addDays(day, 7), 200), () => acceptReport(as(office), reportId));
					});
				});
			});
		}
	}

	/**
	 * The unit's report for the month; none when it owes none (all its indicators were done before). Filled
	 * from what the form is made of (its items in order, their targets as the unit's parts read them), not
	 * the whole form: what is shown beside the fields (progress, last month's text, counts) is not used here.
	 */
	async function fileReport(unitId: number, period: string, submit: boolean) {
		const actor = await actorFor(unitId);
		const { row, assignments, targets, parts } = await reportFormBasis(base.db, unitId, period);
		if (!assignments.length) return null;
		const targetsOf = groupBy(targets, (t) => t.indicatorId);
		const today = clock.today();
		// A summed target is shared: each owner reports its part of the figure, not the whole.
		const owners = new Map(
			(
				await base.db
					.select({ indicatorId: assignment.indicatorId, n: sql<number>`count(*)` })
					.from(assignment)
					.where(
						inArray(
							assignment.indicatorId,
							assignments.map((a) => a.indicatorId)
						)
					)
					.groupBy(assignment.indicatorId)
			).map((o) => [o.indicatorId, o.n])
		);
		const items: ItemInput[] = assignments.map((item) => {
			const due = item.dueOn ?? '2020-12-31';
			const span = Math.max(1, Date.parse(due) - Date.parse(PLAN_START));
			const share = Math.min(1, Math.max(0, (Date.parse(today) - Date.parse(PLAN_START)) / span));
			const done = item.status === 'completed';
			const percent = done ? 100 : Math.max(0, Math.min(95, Math.round(share * 100 - 15 + rand() * 25)));
			const behind = !done && (due < today || rand() < 0.08);
			const topic = item.text.replace(/^\d{4}年底前，/, '').slice(0, 18);
			return {
				indicatorId: item.indicatorId,
				progressStatus: done ? 'done' : behind ? 'behind' : percent < 5 ? 'not_started' : 'on_track',
				percent,
				progress: `${Number(period.slice(5))}月，围绕“${topic}”${item.role === 'lead' ? '牵头' : '配合'}推进，累计完成年度工作量约 ${percent}%。`,
				problems: behind
					? pick(['受疫情影响，部分项目招标推迟。', '跨部门数据对接进度慢于预期。', '资金尚未全部到位。'])
					: '',
				nextSteps: done
					? '巩固成果，做好总结。'
					: pick(['加快系统开发和试点应用。', '加强部门协同，推进数据共享。', '抓紧完成招标采购。']),
				values: (targetsOf.get(item.indicatorId) ?? []).map((target) => {
					const t = targetView(target, parts.get(item.indicatorId));
					return {
						targetId: target.id,
						value: Math.round(
							(t.value * percent) / 100 / (t.aggregation === 'sum' ? (owners.get(item.indicatorId) ?? 1) : 1)
						)
					};
				}),
				attachmentIds: []
			};
		});
		const { id: reportId } = await writeReport(
			as(actor),
			{ period, revision: row?.revision ?? null, items },
			submit
		);
		if (submit && !row?.submittedAt) counts.reports++;
		return reportId;
	}

	// 杭州市政府 hands its part of a 各设区市政府 indicator down to its districts (demo-cascade.ts).
	await scheduleCascade({
		// The day's transaction when its events run.
		get db() {
			return base.db;
		},
		demoDate,
		dueReportDay: dueDay,
		schedule,
		atTime,
		as,
		actorFor,
		office,
		crossings,
		dueSoonDays: settings.dueSoonDays
	});

	// Run everything in time order; events may schedule follow-ups, which join the queue. Each simulated
	// day's events (and the daily rounds before them) run in one transaction, which the services' own join:
	// one commit a day instead of one a call, and on PostgreSQL one connection and no BEGIN/COMMIT round
	// trips between them. The history is the same: the events run in the same order on the same data.
	let done = 0;
	const nextEvent = () => {
		events.splice(
			done,
			events.length - done,
			...events.slice(done).sort((a, b) => a.at.getTime() - b.at.getTime())
		);
		return events[done];
	};
	for (let first = nextEvent(); first; first = nextEvent()) {
		const day = shanghaiDay(first.at);
		await withTransaction(ctx, async ({ db }) => {
			base.db = db;
			try {
				for (let next: Event | undefined = first; next && shanghaiDay(next.at) === day; next = nextEvent()) {
					done++;
					await advance(next.at);
					await next.run();
				}
			} finally {
				base.db = ctx.db;
			}
		});
	}
	await passDaysUntil(demoDate);
	// The simulated year's decisions stay in the bells; the first daily digest does not mail them as news.
	await withTransaction(ctx, ({ db }) =>
		db.update(unitNews).set({ mailedOn: demoDate }).where(isNull(unitNews.mailedOn))
	);
	await putSetting(ctx.db, 'demoDate', demoDate, ctx.clock.now());
	return { ...counts, ms: Math.round(performance.now() - started) };
}
