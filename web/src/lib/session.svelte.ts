import { api, call, errorText, setPendingHandler, type Pending } from './api.ts';
import { todayIso } from './format.ts';
import type { PasswordPolicy, Role, User } from './replies.ts';

/** The administrator roles kept apart (三员分立): each reaches only its own area, never business data. */
export const FENCED_ROLES: readonly Role[] = ['security', 'auditor'];

/** The signed-in user, loaded once from /auth/me and shared by every page. */
class Session {
	user = $state<User | null>(null);
	/**
	 * Set while the user must change the password ('password') or enrol TOTP ('totp'): the server refuses
	 * everything else meanwhile, and the layout keeps the user on /account.
	 */
	pending = $state<Pending | null>(null);
	/** The password rules in force (shown as a checklist on /account and the users page). */
	passwordPolicy = $state<PasswordPolicy>({ minLength: 8, minClasses: 3, maxAgeDays: 90 });
	/** Whether this account signs in with a TOTP code (from /auth/me). */
	totpEnabled = $state(false);
	/** True once /auth/me has answered (with a user or not). */
	ready = $state(false);
	error = $state<string | null>(null);
	/** The application's today (YYYY-MM-DD): a replayed or demo install runs on its own calendar. */
	today = $state(todayIso());
	/** Set when the install shows demo data. */
	demoDate = $state<string | null>(null);
	/** Day of the month reports are due (0 = month end) and the attachment size limit, from /meta. */
	reportDueDay = $state(0);
	/** The first month of the plans (January of the earliest plan's year): month pickers start there. */
	firstPeriod = $state<string | null>(null);
	attachmentMaxMb = $state(20);
	/** True once /meta has answered (or failed): pages that default to "this month" wait for it. */
	metaReady = $state(false);
	/** The application clock's lead over the browser's (whole days: a demo or replay runs on its own calendar). */
	clockOffsetMs = $state<number | null>(null);
	#pending: Promise<User | null> | null = null;
	#metaLoaded = false;

	constructor() {
		setPendingHandler((pending) => (this.pending = pending));
	}

	/** Asks the server for its calendar date; the browser's date stays as a fallback. */
	loadMeta() {
		// The security and audit administrators have no business calendar (the API fences them off /meta),
		// and nobody reaches it while a password change or TOTP enrolment is pending.
		if (this.#metaLoaded || !this.user || this.pending || FENCED_ROLES.includes(this.user.role)) {
			this.metaReady = true;
			return;
		}
		this.#metaLoaded = true;
		call(api.meta.$get())
			.then((m) => {
				this.today = m.today;
				this.clockOffsetMs = Date.parse(m.today) - Date.parse(todayIso());
				this.demoDate = m.demoDate;
				this.reportDueDay = m.reportDueDay;
				this.firstPeriod = m.firstPeriod;
				this.attachmentMaxMb = m.attachmentMaxMb;
			})
			.catch(() => (this.#metaLoaded = false))
			.finally(() => (this.metaReady = true));
	}

	load(): Promise<User | null> {
		this.#pending ??= this.#fetchMe()
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

	/** Asks /auth/me again (after a password change or TOTP enrolment the pending step may be over). */
	async refresh(): Promise<User | null> {
		const user = await this.#fetchMe();
		this.#pending = Promise.resolve(user);
		return user;
	}

	async #fetchMe(): Promise<User> {
		const r = await call(api.auth.me.$get());
		// Replaced only when changed: pages that follow the user would otherwise load again for nothing.
		if (JSON.stringify(this.user) !== JSON.stringify(r.user)) this.user = r.user;
		this.pending = r.pending;
		if (JSON.stringify(this.passwordPolicy) !== JSON.stringify(r.passwordPolicy))
			this.passwordPolicy = r.passwordPolicy;
		this.totpEnabled = r.totpEnabled;
		this.error = null;
		this.loadMeta();
		return r.user;
	}

	/** After a successful login: no need to ask /auth/me again. */
	set(user: User, pending: Pending | null = null, totpEnabled = false) {
		this.user = user;
		this.pending = pending;
		this.totpEnabled = totpEnabled;
		this.error = null;
		this.ready = true;
		this.#pending = Promise.resolve(user);
		this.loadMeta();
	}

	clear() {
		this.user = null;
		this.pending = null;
		this.totpEnabled = false;
		this.ready = false;
		this.#pending = null;
		this.#metaLoaded = false;
	}

	is(...roles: Role[]): boolean {
		return !!this.user && roles.includes(this.user.role);
	}
}

export const session = new Session();
