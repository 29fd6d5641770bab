import { untrack } from 'svelte';
import { errorText } from './api.ts';

/**
 * Data a page shows that follows its filters: `fetch` is run again whenever the state it reads changes
 * (the address's query, a page number, the session), and only the answer to the latest request is kept,
 * so an earlier, slower answer never replaces a newer one. The last answer stays shown while the next
 * loads (`loading`). `fetch` returns null when there is nothing to load (a role without the right).
 * Create it while a component initialises (it runs in that component's effect).
 */
export class Resource<T> {
	value = $state<T | null>(null);
	error = $state('');
	loading = $state(false);
	#fetch: () => Promise<T> | null;
	#latest: Promise<T> | null = null;

	constructor(fetch: () => Promise<T> | null) {
		this.#fetch = fetch;
		$effect(() => {
			const request = fetch();
			untrack(() => this.#follow(request));
		});
	}

	/** Loads again with the same filters (after a change on the server, or a retry). */
	reload() {
		this.#follow(untrack(this.#fetch));
	}

	#follow(request: Promise<T> | null) {
		this.#latest = request;
		if (!request) return;
		this.loading = true;
		this.error = '';
		request
			.then((value) => {
				if (this.#latest === request) this.value = value;
			})
			.catch((err: unknown) => {
				if (this.#latest === request) this.error = errorText(err);
			})
			.finally(() => {
				if (this.#latest === request) this.loading = false;
			});
	}
}
