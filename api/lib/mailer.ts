import type { Transporter } from 'nodemailer';

export type MailMessage = {
	from: string;
	to: string;
	subject: string;
	text: string;
	html: string;
	messageId: string;
};
export type Mailer = { send(message: MailMessage): Promise<void>; close(): void };

/** nodemailer over SMTP from one URL; null when no SMTP is configured (mail then waits in the outbox). */
export function smtpMailer(url: string | undefined): Mailer | null {
	if (!url) return null;
	// A pool keeps a few connections open, so a morning's digests do not each pay for a new SMTP session.
	const pooled = new URL(url);
	if (!pooled.searchParams.has('pool')) pooled.searchParams.set('pool', 'true');
	if (!pooled.searchParams.has('maxConnections')) pooled.searchParams.set('maxConnections', '4');
	// nodemailer (about 4.5 MB of heap) is loaded with the first message: a web process rarely sends one
	// (the job process does, and the admin's "send now").
	let transport: Promise<Transporter> | null = null;
	const connect = () =>
		(transport ??= import('nodemailer').then(({ default: nodemailer }) =>
			nodemailer.createTransport(pooled.toString())
		));
	return {
		async send(message) {
			await (await connect()).sendMail(message);
		},
		close: () => void transport?.then((t) => t.close())
	};
}

/** SMTP 5xx replies are permanent; everything else (4xx, connection trouble) is worth retrying. */
export function isPermanentFailure(err: unknown): boolean {
	const code = (err as { responseCode?: number }).responseCode;
	return typeof code === 'number' && code >= 500 && code < 600;
}
