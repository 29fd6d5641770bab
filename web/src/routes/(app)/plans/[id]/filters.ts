import type { ReadonlyURLSearchParams } from '$app/state';
import { monthRange } from '#lib/format.ts';

/** The plan page's filters, as kept in the URL query so a filtered view can be shared. */
export type Filters = {
	section: string;
	unit: string;
	month: string;
	unresolved: boolean;
	q: string;
	/** Warning light, applied to the loaded page (the list API has no light filter). */
	light: '' | LightFilter;
};

export const LIGHT_FILTERS = ['red', 'yellow', 'green', 'completed'] as const;
export type LightFilter = (typeof LIGHT_FILTERS)[number];

/** Whether an indicator's light passes the light filter (completed = on time or late). */
export function lightMatches(light: string, filter: Filters['light']): boolean {
	if (!filter) return true;
	if (filter === 'completed') return light.startsWith('completed');
	return light === filter;
}

export const PAGE_SIZE = 200;

export function readFilters(params: ReadonlyURLSearchParams): Filters & { page: number } {
	const month = params.get('month') ?? '';
	return {
		section: /^\d+$/.test(params.get('section') ?? '') ? params.get('section')! : '',
		unit: /^\d+$/.test(params.get('unit') ?? '') ? params.get('unit')! : '',
		month: /^\d{4}-(0[1-9]|1[0-2])$/.test(month) ? month : '',
		unresolved: params.get('unresolved') === '1',
		q: (params.get('q') ?? '').slice(0, 100),
		light: (LIGHT_FILTERS as readonly string[]).includes(params.get('light') ?? '')
			? (params.get('light') as LightFilter)
			: '',
		page: Math.max(1, Number(params.get('page')) || 1)
	};
}

/** The /indicators query for a plan and its filters (all values as strings, as the URL carries them). */
export function indicatorQuery(planId: number, f: Filters & { page: number }) {
	const query: Record<string, string> = {
		planId: String(planId),
		page: String(f.page),
		pageSize: String(PAGE_SIZE)
	};
	if (f.section) query.sectionId = f.section;
	if (f.unit) query.unitId = f.unit;
	if (f.month) {
		const { from, to } = monthRange(f.month);
		query.dueFrom = from;
		query.dueTo = to;
	}
	if (f.unresolved) query.unresolved = '1';
	if (f.q) query.q = f.q;
	return query;
}
