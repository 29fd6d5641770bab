import { errorText } from './api.ts';

/**
 * An action on one subject that waits for a ConfirmDialog: whether it is open, busy, and the refusal
 * shown in it.
 */
export class Confirmation<T> {
	subject = $state<T | null>(null);
	open = $state(false);
	busy = $state(false);
	error = $state('');

	ask(subject: T) {
		this.subject = subject;
		this.error = '';
		this.open = true;
	}

	/** Runs the confirmed action: the dialog closes when it succeeds and shows the error otherwise. */
	async run(action: (subject: T) => Promise<void>) {
		const subject = this.subject;
		if (subject === null) return;
		this.busy = true;
		this.error = '';
		try {
			await action(subject);
			this.open = false;
		} catch (err) {
			this.error = errorText(err);
		} finally {
			this.busy = false;
		}
	}
}
