import { untrack } from 'svelte';
import { errorText } from './api.ts';

/**
 * Data a page shows that follows its filters: `fetch` is run again whenever the state it reads changes
 * (the address's query, a page number, the session), and only the answer to the latest request is kept,
 * so an earlier, slower answer never replaces a newer one. The last answer stays shown while the next
 * loads (`loading`), unless `fresh` is set: a page about one thing (an indicator, a plan) drops the
 * previous thing's answer as soon as the address names another, and keeps it only across `reload`.
 * `fetch` returns null when there is nothing to load (a role without the right).
 * Create it while a component initialises (it runs in that component's effect).
 */
export class Resource<T> {
	value = $state<T | null>(null);
	error = $state('');
	/** What the failed request threw (a page tells a 404 from other failures by it); null otherwise. */
	failure = $state<unknown>(null);
	loading = $state(false);
	#fetch: () => Promise<T> | null;
	#latest: Promise<T> | null = null;

	constructor(fetch: () => Promise<T> | null, { fresh = false }: { fresh?: boolean } = {}) {
		this.#fetch = fetch;
		$effect(() => {
			const request = fetch();
			untrack(() => {
				if (fresh) this.value = null;
				this.#follow(request);
			});
		});
	}

	/** Loads again with the same filters (after a change on the server, or a retry). */
	reload() {
		this.#follow(untrack(this.#fetch));
	}

	#follow(request: Promise<T> | null) {
		this.#latest = request;
		this.loading = request !== null;
		this.error = '';
		this.failure = null;
		if (!request) return;
		request
			.then((value) => {
				if (this.#latest === request) this.value = value;
			})
			.catch((err: unknown) => {
				if (this.#latest !== request) return;
				this.error = errorText(err);
				this.failure = err;
			})
			.finally(() => {
				if (this.#latest === request) this.loading = false;
			});
	}
}
