import { sendQueued } from '../api/services/mail.ts';
import type { JobContext } from './context.ts';

/** Delivers due mail from the outbox, with retries and backoff. */
export function runSendMail(ctx: JobContext) {
	return sendQueued(ctx, ctx.mailer);
}
