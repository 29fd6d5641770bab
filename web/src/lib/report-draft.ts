import { t } from '#lib/i18n/index.svelte.ts';
import type { Uploaded } from '#lib/replies.ts';
import type { ProgressStatus, ReportFormItem } from '#lib/replies.ts';

/** One item of the report as the form edits it: numbers stay text until they are sent. */
export type Draft = {
	indicatorId: number;
	progressStatus: ProgressStatus | '';
	percent: string;
	progress: string;
	problems: string;
	nextSteps: string;
	/** targetId → the actual value as typed */
	values: Record<string, string>;
	attachments: Uploaded[];
};

export const PROGRESS: ProgressStatus[] = ['not_started', 'on_track', 'behind', 'done'];

export function toDraft(item: ReportFormItem): Draft {
	return {
		indicatorId: item.indicatorId,
		progressStatus: item.progressStatus ?? '',
		percent: item.percent === null ? '' : String(item.percent),
		progress: item.progress,
		problems: item.problems,
		nextSteps: item.nextSteps,
		values: Object.fromEntries(Object.entries(item.values).map(([k, v]) => [k, String(v)])),
		attachments: item.attachments.map(({ id, name, size, contentType }) => ({ id, name, size, contentType }))
	};
}

const isNumber = (text: string) => text.trim() !== '' && Number.isFinite(Number(text));

/** The request body's items; text that is not a number is left out (and reported by `problems`). */
export function toInput(d: Draft) {
	const percent = d.percent.trim();
	return {
		indicatorId: d.indicatorId,
		progressStatus: d.progressStatus || null,
		percent: isNumber(percent) ? Math.round(Number(percent)) : null,
		progress: d.progress,
		problems: d.problems,
		nextSteps: d.nextSteps,
		values: Object.entries(d.values)
			.filter(([, v]) => isNumber(v))
			.map(([k, v]) => ({ targetId: Number(k), value: Number(v) })),
		attachmentIds: d.attachments.map((a) => a.id)
	};
}

export type Problem = { indicatorId: number; field: string; message: string };

/** What keeps an item from being sent: bad numbers always, missing required fields on submit. */
export function problems(d: Draft, index: number, forSubmit: boolean): Problem[] {
	const out: Problem[] = [];
	const label = t('report.itemN', { n: index + 1 });
	const percent = d.percent.trim();
	if (percent && (!isNumber(percent) || Number(percent) < 0 || Number(percent) > 100))
		out.push({ indicatorId: d.indicatorId, field: 'percent', message: `${label}${t('report.bad.percent')}` });
	for (const [k, v] of Object.entries(d.values))
		if (v.trim() && !isNumber(v))
			out.push({
				indicatorId: d.indicatorId,
				field: `value-${k}`,
				message: `${label}${t('report.bad.value')}`
			});
	if (forSubmit) {
		if (!d.progressStatus) out.push(missingProblem(d.indicatorId, index, 'status'));
		if (!d.progress.trim()) out.push(missingProblem(d.indicatorId, index, 'progress'));
	}
	return out;
}

/** A required field left empty (found here, or by the server's submission check). */
export function missingProblem(indicatorId: number, index: number, field: 'status' | 'progress'): Problem {
	const label = t('report.itemN', { n: index + 1 });
	return { indicatorId, field, message: `${label}${t(`report.missing.${field}`)}` };
}

type Previous = NonNullable<ReportFormItem['previous']>;

/**
 * “复制上月内容”: last month's status, percent, actual values and texts go into the fields still empty,
 * so a copied item is complete wherever last month's was; nothing typed this month is overwritten.
 */
export function copyPrevious(d: Draft, prev: Previous) {
	if (!d.progressStatus && prev.progressStatus) d.progressStatus = prev.progressStatus;
	if (!d.percent.trim() && prev.percent !== null) d.percent = String(prev.percent);
	for (const [k, v] of Object.entries(prev.values)) if (!d.values[k]?.trim()) d.values[k] = String(v);
	if (!d.progress.trim()) d.progress = prev.progress;
	if (!d.problems.trim()) d.problems = prev.problems;
	if (!d.nextSteps.trim()) d.nextSteps = prev.nextSteps;
}

/** “本月无变化”: everything as last month, and 当月进展 says that nothing changed (not last month's text). */
export function carryForward(d: Draft, prev: Previous) {
	if (!d.progress.trim()) d.progress = t('report.noChangeText', { period: prev.period });
	copyPrevious(d, prev);
}
