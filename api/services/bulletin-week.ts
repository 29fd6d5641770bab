import { sql } from 'drizzle-orm';
import { joinedText, query, type Db } from '../../db/client.ts';
import { SUBMITTED_STATUSES } from '../../web/src/lib/rules/enums.ts';
import { addDays, endOfDay } from '../lib/dates.ts';
import { concernsUnits, unitMatch, type DashboardFilter } from './dashboard-scope.ts';
import { issuerNameOf, noticeNumber } from './notices.ts';

/** What happened among the filter's units in the days from `from` to `to` (both included): a weekly bulletin's facts. */
export async function weekFacts(db: Db, from: string, to: string, f: DashboardFilter = {}) {
	const start = endOfDay(addDays(from, -1)).getTime();
	const end = endOfDay(to).getTime();
	const reported = await query<{ unit: string; period: string; late: boolean; at: number }>(
		db,
		sql`
		select u.name as unit, r.period, r.late, r.first_submitted_at as at from report r join unit u on u.id = r.unit_id
		where r.status in ${SUBMITTED_STATUSES} and r.first_submitted_at >= ${start} and r.first_submitted_at < ${end}
		and ${unitMatch(f, sql`r.unit_id`)}
		order by r.first_submitted_at`
	);
	const indicators = (where: ReturnType<typeof sql>) =>
		query<{ id: number; text: string; dueOn: string | null; completedOn: string | null; units: string }>(
			db,
			sql`
			select i.id, i.text, i.due_on as "dueOn", i.completed_on as "completedOn",
				(select ${joinedText(db, sql`u.name`, '、')} from assignment a join unit u on u.id = a.unit_id where a.indicator_id = i.id and a.role = 'lead'
					and ${unitMatch(f, sql`a.unit_id`)}) as units
			from indicator i where i.recurrence is null and ${where} and ${concernsUnits(f, sql`i.id`)} order by i.due_on, i.position`
		);
	const completed = await indicators(sql`i.completed_on >= ${from} and i.completed_on <= ${to}`);
	const fellOverdue = await indicators(
		sql`i.id in (select indicator_id from alert where kind = 'overdue' and since >= ${from} and since <= ${to})`
	);
	const becameDue = await indicators(sql`i.due_on >= ${from} and i.due_on <= ${to}`);
	const urged = (
		await query<{
			year: number;
			seq: number;
			issuerName: string | null;
			unit: string;
			level: string;
			issuedOn: string;
		}>(
			db,
			sql`
			select n.year, n.seq, ${issuerNameOf(sql`n.issuer_unit_id`)} as "issuerName", u.name as unit, n.level, n.issued_on as "issuedOn" from urge_notice n join unit u on u.id = n.unit_id
			where n.issued_on >= ${from} and n.issued_on <= ${to} and ${unitMatch(f, sql`n.unit_id`)} order by n.year, n.seq`
		)
	).map((n) => ({
		number: noticeNumber(n.year, n.seq, n.issuerName),
		unit: n.unit,
		level: n.level,
		issuedOn: n.issuedOn
	}));
	const urgedSoFar = (
		await query<{ n: number }>(
			db,
			sql`select count(*) as n from urge_notice where issued_on <= ${to} and year = ${Number(to.slice(0, 4))}
				and ${unitMatch(f, sql`unit_id`)}`
		)
	)[0]!.n;
	return { from, to, reported, completed, fellOverdue, becameDue, urged, urgedSoFar };
}

export type WeekFacts = Awaited<ReturnType<typeof weekFacts>>;
