import { goto } from '$app/navigation';
import { page } from '$app/state';

/**
 * A copy of a query with some keys set (empty values are dropped). Any change other than the page
 * number or a selection (`keep`) goes back to the first page.
 */
function patchQuery(params: URLSearchParams, patch: Record<string, string>, keep: string[]): string {
	const next = new URLSearchParams(params);
	for (const [key, value] of Object.entries(patch)) {
		if (value && !(key === 'page' && value === '1')) next.set(key, value);
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
	patch: Record<string, string>,
	{ keep = ['page', 'id'], reset = false }: { keep?: string[]; reset?: boolean } = {}
): Promise<void> {
	const shown = page.url;
	const base = pending?.pathname === shown.pathname ? pending.searchParams : shown.searchParams;
	const qs = patchQuery(base, patch, keep);
	const target = new URL(qs ? `${path}?${qs}` : path, shown);
	pending = target;
	const arrived = () => {
		if (pending === target) pending = null;
	};
	// `path` is the caller's resolve() of its own route.
	// eslint-disable-next-line svelte/no-navigation-without-resolve
	return goto(target, { replace: true, reset }).then(arrived, arrived);
}
