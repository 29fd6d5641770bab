import type { NoticeMessage } from '../../web/src/lib/rules/messages.ts';

/** Chinese reminder digests, as plain text and HTML; colour is never the only carrier of the light. */

export type DigestItem = {
	key: string;
	light: 'red' | 'yellow' | null;
	title: string;
	detail: string;
	deadline: string | null;
	link: string;
	/** What a reminder is about, so the bell can withdraw it once settled (see `reminderTopic`). */
	topic?: string;
	/** What it says as a code and parameters: the bell shows it in the reader's language. */
	message?: NoticeMessage;
};

export const MAIL_FOOTER = '本邮件由督办系统自动发送，请勿直接回复。';

const LIGHT_TEXT = { red: '红灯', yellow: '黄灯' } as const;
const LIGHT_COLOUR = { red: '#b3261e', yellow: '#b26a00' } as const;

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function renderDigest(opts: { heading: string; intro: string; items: DigestItem[]; footer: string }) {
	const text = [
		opts.heading,
		'',
		opts.intro,
		'',
		...opts.items.map(
			(item, i) =>
				`${i + 1}. ${item.light ? `【${LIGHT_TEXT[item.light]}】` : ''}${item.title}${item.deadline ? `（截止 ${item.deadline}）` : ''}\n   ${item.detail}\n   ${item.link}`
		),
		'',
		opts.footer
	].join('\n');
	const rows = opts.items
		.map(
			(item) =>
				`<tr><td style="padding:6px 8px;border:1px solid #ddd;white-space:nowrap;color:${item.light ? LIGHT_COLOUR[item.light] : '#333'}">${item.light ? `● ${LIGHT_TEXT[item.light]}` : '提醒'}</td>` +
				`<td style="padding:6px 8px;border:1px solid #ddd"><a href="${escape(item.link)}">${escape(item.title)}</a><br><span style="color:#555">${escape(item.detail)}</span></td>` +
				`<td style="padding:6px 8px;border:1px solid #ddd;white-space:nowrap">${item.deadline ?? '—'}</td></tr>`
		)
		.join('');
	const html =
		`<div style="font-family:'PingFang SC','Microsoft YaHei',sans-serif;font-size:14px;color:#222">` +
		`<h2 style="font-size:18px;color:#8b1a1a">${escape(opts.heading)}</h2><p>${escape(opts.intro)}</p>` +
		`<table style="border-collapse:collapse"><thead><tr><th style="padding:6px 8px;border:1px solid #ddd">状态</th><th style="padding:6px 8px;border:1px solid #ddd">事项</th><th style="padding:6px 8px;border:1px solid #ddd">截止</th></tr></thead><tbody>${rows}</tbody></table>` +
		`<p style="color:#666">${escape(opts.footer)}</p></div>`;
	return { text, html };
}

/** A short notice: a heading and a few paragraphs. */
export function renderNotice(heading: string, paragraphs: string[]) {
	const text = [heading, '', ...paragraphs].join('\n');
	const html =
		`<div style="font-family:'PingFang SC','Microsoft YaHei',sans-serif;font-size:14px;color:#222">` +
		`<h2 style="font-size:18px;color:#8b1a1a">${escape(heading)}</h2>` +
		paragraphs.map((p) => `<p>${escape(p)}</p>`).join('') +
		`</div>`;
	return { text, html };
}
