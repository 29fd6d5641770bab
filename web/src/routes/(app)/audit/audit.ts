import '#lib/i18n/accounts.ts';
import { t, type MessageKey } from '#lib/i18n/index.svelte.ts';

export const RESULTS = ['ok', 'denied', 'failed'] as const;
export type Result = (typeof RESULTS)[number];

/** The audit search as it stands in the page's URL (and as the API and the export take it). */
export type Filters = {
	username: string;
	unitId: string;
	action: string;
	result: Result | '';
	from: string;
	to: string;
};

/** Every filter cleared (清除). */
export const NO_FILTERS: Filters = { username: '', unitId: '', action: '', result: '', from: '', to: '' };

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function readFilters(params: { get(key: string): string | null }): Filters {
	const result = params.get('result') as Result;
	const day = (key: string) => (DAY.test(params.get(key) ?? '') ? params.get(key)! : '');
	return {
		username: (params.get('username') ?? '').trim().slice(0, 64),
		unitId: /^[1-9]\d{0,8}$/.test(params.get('unitId') ?? '') ? params.get('unitId')! : '',
		action: (params.get('action') ?? '').trim().slice(0, 64),
		result: RESULTS.includes(result) ? result : '',
		from: day('from'),
		to: day('to')
	};
}

/** A message if the catalogue has one, else the fallback (new action names show as they are). */
function known(key: string, fallback: string): string {
	const text = t(key as MessageKey);
	return text === key ? fallback : text;
}

/** 登录 for auth.login; an action without a label shows its raw name. */
export const actionLabel = (action: string) => known(`audit.action.${action}`, action);
export const familyLabel = (family: string) => known(`audit.family.${family}`, family);
export const objectLabel = (type: string) => known(`audit.object.${type}`, type);
/** “#12” for a record's id; a route (“GET /plans/:id”) as it is. */
export const objectIdText = (id: string) => (/^\d+$/.test(id) ? `#${id}` : id);

const STAMP = new Intl.DateTimeFormat('en-CA', {
	timeZone: 'Asia/Shanghai',
	year: 'numeric',
	month: '2-digit',
	day: '2-digit',
	hour: '2-digit',
	minute: '2-digit',
	second: '2-digit',
	hourCycle: 'h23'
});

/** “2020-10-15 09:30:05 +08:00”: to the second, with the offset, as assessors ask for. */
export function stamp(iso: string): string {
	const d = new Date(iso);
	if (Number.isNaN(d.getTime())) return iso;
	const parts = STAMP.formatToParts(d);
	const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
	return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}:${get('second')} +08:00`;
}
