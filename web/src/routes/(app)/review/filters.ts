import type { ReadonlyURLSearchParams } from '$app/state';
import { PERIOD_RE } from '#lib/format.ts';

/** The review queue's filters, kept in the address so a filtered queue can be shared. */
export type ReviewFilters = {
	period: string;
	/** '' = the default (submitted, waiting for review); 'all' = every status */
	status: '' | 'all' | 'submitted' | 'returned' | 'accepted';
	late: '' | '1' | '0';
	kind: '' | 'provincial' | 'city' | 'county' | 'other';
	unit: string;
	page: number;
};

export const PAGE_SIZE = 30;

const pick = <T extends string>(value: string | null, allowed: readonly T[]): T | '' =>
	allowed.includes(value as T) ? (value as T) : '';

export function readFilters(params: ReadonlyURLSearchParams): ReviewFilters {
	const period = params.get('period') ?? '';
	return {
		period: PERIOD_RE.test(period) ? period : '',
		status: pick(params.get('status'), ['all', 'submitted', 'returned', 'accepted'] as const),
		late: pick(params.get('late'), ['1', '0'] as const),
		kind: pick(params.get('kind'), ['provincial', 'city', 'county', 'other'] as const),
		unit: /^\d+$/.test(params.get('unit') ?? '') ? params.get('unit')! : '',
		page: Math.max(1, Number(params.get('page')) || 1)
	};
}

export function reportQuery(f: ReviewFilters) {
	const query: Record<string, string> = { page: String(f.page), pageSize: String(PAGE_SIZE) };
	if (f.period) query.period = f.period;
	if (f.status !== 'all') query.status = f.status || 'submitted';
	if (f.late) query.late = f.late;
	if (f.kind) query.unitKind = f.kind;
	if (f.unit) query.unitId = f.unit;
	return query;
}
