import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';

/**
 * A real SMTP server on 127.0.0.1 that keeps what it receives. It can be stopped and started again on
 * the same port (an outage), or made to answer 451 (a temporary refusal).
 */
export async function startSmtp() {
	const received: ParsedMail[] = [];
	let refuse = false;
	let port = 0;
	let server: SMTPServer;
	const listen = async () => {
		server = new SMTPServer({
			disabledCommands: ['STARTTLS', 'AUTH'],
			logger: false,
			onData(stream, _session, callback) {
				if (refuse) {
					stream.resume();
					stream.on('end', () =>
						callback(Object.assign(new Error('Try again later'), { responseCode: 451 }))
					);
					return;
				}
				simpleParser(stream)
					.then((mail) => {
						received.push(mail);
						callback();
					})
					.catch(callback);
			}
		});
		await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
		port = (server.server.address() as AddressInfo).port;
	};
	await listen();
	return {
		received,
		get url() {
			return `smtp://127.0.0.1:${port}`;
		},
		refuse(on: boolean) {
			refuse = on;
		},
		stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
		start: listen
	};
}

/** Outbox rows as the reminders queue them, one a key, due since a second before `dueAt`. */
export function queuedMail(keys: string[], recipient: string, dueAt = new Date()) {
	const since = new Date(dueAt.getTime() - 1_000);
	return keys.map((key) => ({
		dedupeKey: key,
		recipient,
		subject: `督办提醒 ${key}`,
		text: key,
		html: `<p>${key}</p>`,
		messageId: `<${key}@duban>`,
		nextAttemptAt: since,
		createdAt: since
	}));
}
