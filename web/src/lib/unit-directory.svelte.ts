import { api, call } from './api.ts';
import type { Unit } from './replies.ts';
import { Resource } from './resource.svelte.ts';

/**
 * The unit directory a page offers in its filters and pickers, loaded while `wanted()` holds (a role that
 * may filter by unit). Empty until it arrives, and if it fails: the filter then just offers no units,
 * the page itself still works. Create it while a component initialises, like any Resource.
 */
export function unitDirectory(wanted: () => boolean = () => true): { readonly items: Unit[] } {
	const directory = new Resource(() => (wanted() ? call(api.units.$get({ query: {} })) : null));
	return {
		get items() {
			return directory.value?.items ?? [];
		}
	};
}
