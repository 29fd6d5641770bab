import { Hono } from 'hono';
import { z } from 'zod';
import type { Env } from '../context.ts';
import { idParam } from './common.ts';
import { dateSchema, doc, v } from '../lib/validate.ts';
import { requireAuth, requireRole, svc } from '../middleware/auth.ts';
import { listCalendarYear, setCalendarDay } from '../services/work-calendar.ts';
import { listDeadlineEvents, recordDeadlineEvent } from '../services/deadline-events.ts';
import { setTargetMeaning } from '../services/target-meaning.ts';

const dayBody = z.object({
	kind: z.enum(['holiday', 'workday']).nullable(),
	name: z.string().trim().min(1, '请填写名称（如“春节”）').max(50).optional()
});

/** The PRC working-day calendar (holidays and 调休 days) that relative deadlines count with. */
export const calendarRoutes = new Hono<Env>()
	.get(
		'/:year',
		doc('节假日与调休表（某年）', ['calendar']),
		requireAuth,
		v('param', z.object({ year: z.coerce.number().int().min(2000).max(2099) })),
		async (c) => c.json({ items: await listCalendarYear(c.var.deps.db, c.req.valid('param').year) }, 200)
	)
	.put(
		'/days/:day',
		doc('增补或更正节假日、调休上班日（kind 为 null 时删除）', ['calendar']),
		requireRole('office'),
		v('param', z.object({ day: dateSchema })),
		v('json', dayBody),
		async (c) => {
			const { kind, name } = c.req.valid('json');
			const change = kind ? { kind, name: name ?? (kind === 'holiday' ? '节假日' : '调休上班') } : null;
			return c.json({ items: await setCalendarDay(svc(c), c.req.valid('param').day, change) }, 200);
		}
	);

const targetParam = z.object({
	id: z.coerce.number().int().positive(),
	targetId: z.coerce.number().int().positive()
});
const meaningBody = z
	.object({
		baseline: z.number().min(0, '基数不能为负').max(1e12, '基数过大').nullable().optional(),
		aggregation: z.enum(['each', 'sum']).optional()
	})
	.refine((b) => b.baseline !== undefined || b.aggregation !== undefined, '请填写基数或选择汇总方式');

/** What the import leaves to the office: a relative deadline's event, a relative target's baseline. */
export const deadlineEventRoutes = new Hono<Env>()
	.get(
		'/:id/deadline-events',
		doc('相对期限的起算事件', ['indicators']),
		requireAuth,
		v('param', idParam),
		async (c) => c.json({ items: await listDeadlineEvents(svc(c), c.req.valid('param').id) }, 200)
	)
	.post(
		'/:id/deadline-events',
		doc('登记相对期限的起算事件（联席办或责任单位），据此计算截止日期', ['indicators']),
		requireRole('office', 'unit'),
		v('param', idParam),
		v('json', z.object({ occurredOn: dateSchema })),
		async (c) =>
			c.json(await recordDeadlineEvent(svc(c), c.req.valid('param').id, c.req.valid('json').occurredOn), 200)
	)
	.put(
		'/:id/targets/:targetId',
		doc('填写相对目标的基数，选择各责任单位的数值是汇总还是各自达标', ['indicators']),
		requireRole('office'),
		v('param', targetParam),
		v('json', meaningBody),
		async (c) => {
			const { id, targetId } = c.req.valid('param');
			return c.json(await setTargetMeaning(svc(c), id, targetId, c.req.valid('json')), 200);
		}
	);
