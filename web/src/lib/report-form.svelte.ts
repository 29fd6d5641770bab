import { api, ApiFailure, call, errorText } from './api.ts';
import { t, type MessageKey } from './i18n/index.svelte.ts';
import {
	copyPrevious,
	missingProblem,
	problems,
	toDraft,
	toInput,
	type Draft,
	type Problem
} from './report-draft.ts';
import type { ReportForm as FormData, ReportFormItem } from './replies.ts';

/** The form's own field names for the request body's (`progressStatus` is the 进展状态 select, `status`). */
/** A save or submission answers with the report's new state only, not the whole form (RFC 7240). */
const ONLY_STATE = { headers: { prefer: 'return=minimal' } };

const FIELD_OF: Record<string, string> = {
	progressStatus: 'status',
	progress: 'progress',
	percent: 'percent'
};

/**
 * The server's field problems as problems of the form's items: the path (`items.<index>.<field>`, or
 * `items.<index>.values.<n>.value`) names the item and field, the code says what is wrong. Problems
 * that name no item (a refusal of the whole body) are left to the message above the form.
 */
export function serverProblems(
	details: ApiFailure['body']['details'],
	items: Pick<ReportFormItem, 'indicatorId'>[]
): Problem[] {
	if (!Array.isArray(details)) return [];
	return details.flatMap((d) => {
		const m = /^items\.(\d+)\.(\w+)(?:\.(\d+))?/.exec(d.path);
		const index = m ? Number(m[1]) : -1;
		const item = items[index];
		if (!m || !item) return [];
		const name = m[2]!;
		if (d.code === 'required' && (name === 'progressStatus' || name === 'progress'))
			return [missingProblem(item.indicatorId, index, FIELD_OF[name] as 'status' | 'progress')];
		const field = FIELD_OF[name] ?? name;
		const key = `field.${d.code}` as MessageKey;
		const reason = t(key) !== key ? t(key, d.params) : d.message;
		return [
			{ indicatorId: item.indicatorId, field, message: `${t('report.itemN', { n: index + 1 })}${reason}` }
		];
	});
}

const retryAfterSeconds = (err: ApiFailure) => {
	const d = err.body.details;
	return d && 'retryAfterSeconds' in d ? d.retryAfterSeconds : 0;
};

/**
 * One unit's monthly report as the form edits it: loading a month, editing the items, saving the draft a
 * few seconds after the last edit (and again once a 429 allows), stopping on a 409 (someone else saved,
 * or the report is locked), checking and submitting, and turning the server's 422 field problems into
 * the items' invalid fields. The page only shows it.
 */
export class ReportForm {
	form = $state<FormData | null>(null);
	drafts = $state<Draft[]>([]);
	loadError = $state('');
	/** The items as last saved on the server, to tell unsaved edits apart. */
	savedJson = $state('');
	saving = $state(false);
	saveError = $state('');
	savedAt = $state<string | null>(null);
	/** Why saving stopped (409): the report changed elsewhere or is locked; reloading is the way on. */
	conflict = $state('');
	issues = $state<Problem[]>([]);
	submitting = $state(false);
	submitted = $state(false);
	/** How many items “全部复制上月内容” filled; null before it is used. */
	copiedAll = $state<number | null>(null);
	/** The plan's first month, kept while another month loads so the month picker does not shrink. */
	firstPeriod = $state<string | null>(null);

	readonly editable = $derived(
		!!this.form &&
			(!this.form.report || this.form.report.status === 'draft' || this.form.report.status === 'returned')
	);
	readonly currentJson = $derived(JSON.stringify(this.drafts.map(toInput)));
	readonly dirty = $derived(this.editable && !!this.form && this.currentJson !== this.savedJson);
	readonly filled = $derived(this.drafts.filter((d) => d.progressStatus && d.progress.trim()).length);

	/** The month asked for last: an answer for an earlier one is dropped. */
	#period: string | null = null;
	#savePromise: Promise<boolean> | null = null;
	#retryTimer: ReturnType<typeof setTimeout> | undefined;

	/**
	 * `autosaveMs`: the pause after the last edit before the draft is saved (~20 saves a minute at most).
	 * Create it while a component initialises: the autosave is that component's effect.
	 */
	constructor(readonly autosaveMs = 3000) {
		$effect(() => {
			if (!this.dirty || this.conflict || this.saveError || this.submitting) return;
			void this.currentJson;
			const timer = setTimeout(() => this.save(), this.autosaveMs);
			return () => clearTimeout(timer);
		});
	}

	/** Ends a pending retry (the page calls it when it goes). */
	destroy() {
		clearTimeout(this.#retryTimer);
	}

	async load(period: string): Promise<void> {
		this.#period = period;
		this.form = null;
		this.loadError = '';
		this.submitted = false;
		try {
			const f = await call(api.reports.mine[':period'].$get({ param: { period } }));
			if (this.#period === period) this.#set(f);
		} catch (err) {
			if (this.#period === period) this.loadError = errorText(err);
		}
	}

	#set(f: FormData) {
		this.form = f;
		this.firstPeriod = f.firstPeriod;
		this.drafts = f.items.map(toDraft);
		this.savedJson = JSON.stringify(this.drafts.map(toInput));
		this.savedAt = f.report?.updatedAt ?? null;
		this.saveError = '';
		this.conflict = '';
		this.issues = [];
		this.copiedAll = null;
	}

	#refused(err: unknown) {
		if (err instanceof ApiFailure && err.status === 409) this.conflict = err.message;
		else this.saveError = errorText(err);
	}

	/** Saves the draft; edits made while a save runs are saved by the next one. */
	async save(): Promise<boolean> {
		if (this.#savePromise) await this.#savePromise;
		const form = this.form;
		if (!form || !this.editable || this.conflict || this.submitting) return false;
		const items = this.drafts.map(toInput);
		const json = JSON.stringify(items);
		if (json === this.savedJson && form.report) return true;
		const period = form.period;
		this.saving = true;
		this.saveError = '';
		this.#savePromise = call(
			api.reports.mine[':period'].$put(
				{ param: { period }, json: { revision: form.report?.revision ?? null, items } },
				ONLY_STATE
			)
		)
			.then((f) => {
				if (this.form?.period === period) {
					this.form.report = f.report;
					this.savedJson = json;
					this.savedAt = f.report?.updatedAt ?? null;
				}
				return true;
			})
			.catch((err: unknown) => {
				this.#refused(err);
				// Too many saves within a minute (the server's limit): save again once it allows.
				const wait = err instanceof ApiFailure && err.status === 429 ? retryAfterSeconds(err) : 0;
				if (wait) this.#retryTimer = setTimeout(() => this.save(), wait * 1000);
				return false;
			})
			.finally(() => {
				this.saving = false;
				this.#savePromise = null;
			});
		return this.#savePromise;
	}

	/** Saves now on the user's request (a failed save is tried again). */
	saveNow(): Promise<boolean> {
		this.saveError = '';
		return this.save();
	}

	/** The fields of an item the last check or the server found wrong (`status`, `progress`, `percent` …). */
	invalidOf(indicatorId: number): string[] {
		return this.issues.filter((i) => i.indicatorId === indicatorId).map((i) => i.field);
	}

	/** Checks every item as for submission; the problems found, none when the report may be sent. */
	check(): Problem[] {
		this.issues = this.drafts.flatMap((d, i) => problems(d, i, true));
		return this.issues;
	}

	/** Submits the report (after the save that may be running); true when the server accepted it. */
	async submit(): Promise<boolean> {
		const form = this.form;
		if (!form) return false;
		this.submitting = true;
		if (this.#savePromise) await this.#savePromise;
		try {
			const { period } = form;
			const sent = await call(
				api.reports.mine[':period'].submit.$post(
					{
						param: { period },
						json: { revision: form.report?.revision ?? null, items: this.drafts.map(toInput) }
					},
					ONLY_STATE
				)
			);
			form.report = sent.report;
			this.savedJson = JSON.stringify(this.drafts.map(toInput));
			this.savedAt = sent.report?.updatedAt ?? null;
			this.issues = [];
			this.submitted = true;
			// The answer is the report's new state only: the form as now stored (read-only, return reasons
			// cleared, the header's counts) is read again, without blanking the page meanwhile.
			try {
				const f = await call(api.reports.mine[':period'].$get({ param: { period } }));
				if (this.#period === period) this.#set(f);
			} catch {
				// Submitted all the same: the state above shows it; the next load shows the rest.
			}
			return true;
		} catch (err) {
			const found =
				err instanceof ApiFailure && (err.status === 422 || err.status === 400)
					? serverProblems(err.body.details, form.items)
					: [];
			if (found.length) this.issues = found;
			else this.#refused(err);
			return false;
		} finally {
			this.submitting = false;
		}
	}

	/** “全部复制上月内容”: the one copy action of the item cards, applied to every item with a last report. */
	copyAll() {
		if (!this.form) return;
		let n = 0;
		this.form.items.forEach((item, i) => {
			if (item.previous && this.drafts[i]) {
				copyPrevious(this.drafts[i], item.previous);
				n++;
			}
		});
		this.copiedAll = n;
	}
}
