import { goto } from '$app/navigation';
import { page, type ReadonlyURLSearchParams } from '$app/state';

/** A value of a query key: empty, false or absent drops the key; true is written as 1. */
type QueryValue = string | number | boolean | null | undefined;

/**
 * A copy of a query with some keys set. Any change other than the page number or a selection (`keep`)
 * goes back to the first page.
 */
function patchQuery(
	params: ReadonlyURLSearchParams,
	patch: Record<string, QueryValue>,
	keep: string[]
): string {
	const next = new URLSearchParams(params.toString());
	for (const [key, value] of Object.entries(patch)) {
		const text = value === true ? '1' : value === false ? '' : String(value ?? '');
		if (text && !(key === 'page' && text === '1')) next.set(key, text);
		else next.delete(key);
	}
	if (!Object.keys(patch).some((k) => keep.includes(k))) next.delete('page');
	return next.toString();
}

/** Where the last `setQuery` is going, until it has arrived (or another has replaced it). */
let pending: URL | null = null;

/**
 * Sets some keys of the page's query and goes there in place (no new history entry). A change made
 * while the previous one is still on its way builds on it: `page.url` only moves once a navigation
 * lands, so two filters set in quick succession would otherwise leave only the second.
 */
export function setQuery(
	path: string,
	patch: Record<string, QueryValue>,
	{ keep = ['page', 'id'], reset = false }: { keep?: string[]; reset?: boolean } = {}
): Promise<void> {
	const shown = page.url;
	const base = pending?.pathname === shown.pathname ? pending.searchParams : shown.searchParams;
	const qs = patchQuery(base, patch, keep);
	const target = new URL(qs ? `${path}?${qs}` : path, shown.href);
	pending = target;
	const arrived = () => {
		if (pending === target) pending = null;
	};
	// `path` is the caller's resolve() of its own route.
	// eslint-disable-next-line svelte/no-navigation-without-resolve
	return goto(target, { replace: true, reset }).then(arrived, arrived);
}
