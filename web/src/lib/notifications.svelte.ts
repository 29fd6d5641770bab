import { resolve } from '$app/paths';
import { api, call } from './api.ts';
import type { Notification } from './replies.ts';

/** The bell's state, shared by the top bar and the notifications page so both show the same count. */
class Bell {
	unread = $state(0);
	latest = $state<Notification[]>([]);
	failed = $state(false);

	refresh() {
		return call(api.notifications.$get({ query: { pageSize: '8' } }))
			.then((r) => {
				this.latest = r.items;
				this.unread = r.unread;
				this.failed = false;
			})
			.catch(() => {
				this.failed = true;
			});
	}

	/** Marks one notification read (optimistically) and tells the server. */
	async read(n: Notification) {
		if (n.readAt) return;
		n.readAt = new Date().toISOString();
		this.unread = Math.max(0, this.unread - 1);
		await call(api.notifications[':id'].read.$post({ param: { id: String(n.id) } })).catch(() => {});
		await this.refresh();
	}

	async readAll() {
		await call(api.notifications['read-all'].$post()).catch(() => {});
		await this.refresh();
	}
}

export const bell = new Bell();

/**
 * A notification's link (a path of this app the server wrote) resolved against the base path. Route types
 * cannot check a path known only at run time, and with this many routes TypeScript gives up matching a
 * union of them, so `resolve` is called here untyped, once.
 */
export const notificationHref = (link: string) => (resolve as (path: string) => string)(link);
