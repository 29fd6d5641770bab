import { api, call, errorText } from './api.ts';
import { todayIso } from './format.ts';
import type { Role, User } from './types.ts';

/** The signed-in user, loaded once from /auth/me and shared by every page. */
class Session {
	user = $state<User | null>(null);
	/** True once /auth/me has answered (with a user or not). */
	ready = $state(false);
	error = $state<string | null>(null);
	/** The application's today (YYYY-MM-DD): a replayed or demo install runs on its own calendar. */
	today = $state(todayIso());
	/** Set when the install shows demo data. */
	demoDate = $state<string | null>(null);
	/** Day of the month reports are due (0 = month end) and the attachment size limit, from /meta. */
	reportDueDay = $state(0);
	attachmentMaxMb = $state(20);
	/** True once /meta has answered (or failed): pages that default to "this month" wait for it. */
	metaReady = $state(false);
	#pending: Promise<User | null> | null = null;

	/** Asks the server for its calendar date; the browser's date stays as a fallback. */
	loadMeta() {
		call(api.meta.$get())
			.then((m) => {
				this.today = m.today;
				this.demoDate = m.demoDate;
				this.reportDueDay = m.reportDueDay;
				this.attachmentMaxMb = m.attachmentMaxMb;
			})
			.catch(() => {})
			.finally(() => (this.metaReady = true));
	}

	load(): Promise<User | null> {
		this.#pending ??= call(api.auth.me.$get())
			.then((r) => {
				this.user = r.user;
				this.error = null;
				this.loadMeta();
				return r.user;
			})
			.catch((err: unknown) => {
				this.user = null;
				// A 401 already sends the browser to /login; anything else is shown with a retry.
				if (!(err instanceof Error && 'status' in err && err.status === 401)) this.error = errorText(err);
				this.#pending = null;
				return null;
			})
			.finally(() => (this.ready = true));
		return this.#pending;
	}

	/** After a successful login: no need to ask /auth/me again. */
	set(user: User) {
		this.user = user;
		this.error = null;
		this.ready = true;
		this.#pending = Promise.resolve(user);
		this.loadMeta();
	}

	clear() {
		this.user = null;
		this.ready = false;
		this.#pending = null;
	}

	is(...roles: Role[]): boolean {
		return !!this.user && roles.includes(this.user.role);
	}
}

export const session = new Session();
