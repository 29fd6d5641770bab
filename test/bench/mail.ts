// Mails per second from the outbox through the sender job to a real SMTP server on 127.0.0.1.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../api/config.ts';
import { withTransaction } from '../../db/client.ts';
import { openDatabase } from '../../db/open.ts';
import { smtpMailer } from '../../api/lib/mailer.ts';
import { enqueueMail, sendQueued } from '../../api/services/mail.ts';
import { manualClock } from '../../api/lib/clock.ts';
import { jobContext } from '../../tasks/context.ts';
import { startSmtp } from '../support/smtp.ts';
import { benchDatabaseEnv, freshBenchDatabase } from './database.ts';

export async function benchMail(count = 500) {
	const dataDir = mkdtempSync(join(tmpdir(), 'duban-mail-'));
	const config = loadConfig({ DATA_DIR: dataDir, ...benchDatabaseEnv() });
	await freshBenchDatabase();
	const { db, close } = await openDatabase(config);
	const smtp = await startSmtp();
	const now = new Date();
	await withTransaction({ db }, async ({ db: tx }) => {
		for (let i = 0; i < count; i++) {
			await enqueueMail(
				tx,
				{
					dedupeKey: `bench|${i}`,
					recipient: `unit${i}@duban.test`,
					subject: `【督办提醒】测试单位${i} 待办 3 项`,
					text: '正文'.repeat(200),
					html: `<p>${'正文'.repeat(200)}</p>`
				},
				now
			);
		}
	});
	const mailer = smtpMailer(smtp.url)!;
	const started = performance.now();
	let sent = 0;
	const ctx = jobContext({ db, clock: manualClock(now), config, mailer }, 'send-mail', now);
	while (sent < count) sent += (await sendQueued(ctx, mailer)).sent;
	const seconds = (performance.now() - started) / 1000;
	mailer.close();
	await smtp.stop();
	await close();
	rmSync(dataDir, { recursive: true, force: true });
	return { mails: count, received: smtp.received.length, mails_per_second: Math.round(count / seconds) };
}
