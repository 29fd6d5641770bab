import { locale } from './i18n/index.svelte.ts';
import type { AlertKind } from './rules/enums.ts';
import { messageText, type NoticeMessage } from './rules/messages.ts';
import { reasonText, type ReasonParams } from './rules/reasons.ts';
import { session } from './session.svelte.ts';

/**
 * System-written texts in the reader's language, for the application's today: the API sends a code and
 * its parameters (a light's kind and params, a notification's message), the rules render them.
 */

/** Why a light is on. */
export function lightReason(a: { kind: AlertKind; params: ReasonParams }): string {
	return reasonText(a.kind, a.params, session.today, locale.current);
}

/** A notification's title and body (its stored Chinese when it has no code, as security alerts). */
export function notificationText(n: { title: string; body: string; message: NoticeMessage | null }) {
	return n.message ? messageText(n.message, session.today, locale.current) : { title: n.title, body: n.body };
}
