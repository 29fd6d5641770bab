import { PERIOD_RE } from '#lib/format.ts';
import type { UnitKind } from '#lib/replies.ts';

/** The dashboard's view, kept in the URL so a view can be shared and the back button works. */
export type DashFilters = {
	/** The day looked at (empty = the application's today). */
	date: string;
	plan: string;
	section: string;
	kind: '' | UnitKind;
	unit: string;
	/** The ranking's month (empty = the latest month whose reports were due). */
	month: string;
	list: 'red' | 'due_soon';
	sort: 'due' | '-due';
	page: number;
	/** The report matrix's page of units. */
	mpage: number;
};

export const UNIT_KINDS: UnitKind[] = ['provincial', 'city', 'county', 'other'];
export const LIST_PAGE_SIZE = 10;
/** What the page's load function depends on besides the scope: invalidating it asks for the figures again. */
export const SUMMARY = 'app:dashboard-summary';

const pageOf = (v: string | null) => Math.max(1, Math.floor(Number(v)) || 1);
const id = (v: string | null) => (/^\d+$/.test(v ?? '') ? v! : '');

export function readFilters(params: Pick<URLSearchParams, 'get'>): DashFilters {
	const date = params.get('date') ?? '';
	const month = params.get('month') ?? '';
	const kind = params.get('kind') ?? '';
	return {
		date: /^\d{4}-\d{2}-\d{2}$/.test(date) ? date : '',
		plan: id(params.get('plan')),
		section: id(params.get('section')),
		kind: (UNIT_KINDS as string[]).includes(kind) ? (kind as UnitKind) : '',
		unit: id(params.get('unit')),
		month: PERIOD_RE.test(month) ? month : '',
		list: params.get('list') === 'due_soon' ? 'due_soon' : 'red',
		sort: params.get('sort') === '-due' ? '-due' : 'due',
		page: pageOf(params.get('page')),
		mpage: pageOf(params.get('mpage'))
	};
}

/**
 * The filter part of the dashboard queries (the day is sent only when one was picked). Given the URL's
 * parameters it reads only the scope's keys, so a load function that uses it reruns only when they change.
 */
export function scopeQuery(
	f: Pick<DashFilters, 'date' | 'plan' | 'section' | 'kind' | 'unit'>
): Record<string, string> {
	const q: Record<string, string> = {};
	if (f.date) q.asOf = f.date;
	if (f.plan) q.planId = f.plan;
	if (f.section) q.sectionId = f.section;
	if (f.kind) q.unitKind = f.kind;
	if (f.unit) q.unitId = f.unit;
	return q;
}

/** Builds a download address with its query (empty values left out). */
export function withQuery(path: string, query: Record<string, string>): string {
	const qs = new URLSearchParams(Object.entries(query).filter(([, v]) => v)).toString();
	return qs ? `${path}?${qs}` : path;
}

/** The figures' query straight from the URL: the scope and the matrix's page (only those keys are read). */
export function summaryFromUrl(params: Pick<URLSearchParams, 'get'>) {
	const f = readFilters({ get: (k) => (SUMMARY_KEYS.includes(k) ? params.get(k) : null) });
	return f.mpage > 1 ? { ...scopeQuery(f), matrixPage: String(f.mpage) } : scopeQuery(f);
}
/** The URL's keys that change the figures; a change of scope starts the matrix at its first page again. */
export const SCOPE_KEYS = ['date', 'plan', 'section', 'kind', 'unit'];
const SUMMARY_KEYS = [...SCOPE_KEYS, 'mpage'];
