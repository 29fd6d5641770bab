import { locale, t } from '#lib/i18n/index.svelte.ts';
import { chineseDate } from '#lib/rules/official-doc.ts';

/** “2020年10月15日” as documents write dates (ISO in English). */
export function docDate(iso: string): string {
	return locale.current === 'zh' ? chineseDate(iso) : iso;
}

/** What a bulletin speaks of: “2020年9月” or “2020-09-21 至 2020-09-27”. */
export function bulletinPeriod(b: { period: string; week: string | null }): string {
	if (b.week) {
		const end = new Date(Date.parse(`${b.week}T00:00:00Z`) + 6 * 86_400_000);
		return t('bulletin.weekOf', { from: b.week, to: end.toISOString().slice(0, 10) });
	}
	const [y, m] = b.period.split('-').map(Number);
	return locale.current === 'zh' ? `${y}年${m}月` : b.period;
}

/** A text part as paragraphs (the generator separates them with line breaks). */
export const paragraphs = (text: string | undefined) =>
	(text ?? '')
		.split(/\n+/)
		.map((p) => p.trim())
		.filter(Boolean);

export const bulletinFile = (id: number, format: 'docx' | 'xlsx') =>
	`/api/v1/bulletins/${id}/export?format=${format}`;
