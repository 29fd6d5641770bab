import { sendQueued } from '../api/services/mail.ts';
import type { JobDeps } from './context.ts';

/** Delivers due mail from the outbox, with retries and backoff. */
export function runSendMail({ db, now, mailer, settings, config }: JobDeps) {
	return sendQueued({ db, now, mailer, settings, from: config.mailFrom });
}
