import { localeReady } from '#lib/i18n/index.svelte.ts';

export const ssr = false;
export const prerender = false;

/** A reader of English gets the first page in English, not Chinese first. */
export const load = async () => {
	await localeReady();
};
