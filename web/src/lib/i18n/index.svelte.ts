import { zh, type MessageKey } from './zh.ts';

export type Locale = 'zh' | 'en';
export type { MessageKey };

/**
 * English arrives on demand: most users read Chinese, and the English catalogue (with its error texts)
 * would add a tenth to every page's script. Until it is here, texts fall back to Chinese.
 */
let english = $state<Record<string, string> | null>(null);
async function loadEnglish() {
	english ??= (await import('./en.ts')).en;
}
/** Messages that arrive with the pages that use them (addMessages), so that other pages do not carry them. */
const extra: Record<Locale, Record<string, string>> = { zh: {}, en: {} };

/** Adds a page group's messages; call it at module level in a module those pages import. */
export function addMessages(messages: Record<Locale, Record<string, string>>) {
	Object.assign(extra.zh, messages.zh);
	Object.assign(extra.en, messages.en);
}
const STORAGE_KEY = 'duban.locale';

function initialLocale(): Locale {
	try {
		return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh';
	} catch {
		return 'zh';
	}
}

let current = $state<Locale>(typeof localStorage === 'undefined' ? 'zh' : initialLocale());

/** Resolves once the chosen language's texts are here (the root layout waits for it before the first page). */
export const localeReady = (): Promise<void> => (current === 'en' ? loadEnglish() : Promise.resolve());

/** The chosen language; reading it inside a template or effect makes that reactive. */
export const locale = {
	get current(): Locale {
		return current;
	},
	set(next: Locale) {
		if (next === 'en') void loadEnglish();
		current = next;
		try {
			localStorage.setItem(STORAGE_KEY, next);
		} catch {
			/* private mode: keep it for this page only */
		}
		if (typeof document !== 'undefined') document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
	}
};

/** Looks a message up in the current catalogue and fills in `{name}` parameters. */
export function t(key: MessageKey, params?: Record<string, string | number>): string {
	const base: Record<string, string> = current === 'en' ? (english ?? {}) : zh;
	const text: string =
		base[key] ?? extra[current][key] ?? (zh as Record<string, string>)[key] ?? extra.zh[key] ?? key;
	if (!params) return text;
	return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

/** “标签：” in Chinese, “Label: ” in English. */
export function colon(): string {
	return current === 'zh' ? '：' : ': ';
}

/** “（注）” in Chinese, “ (note)” in English. */
export function paren(text: string | number): string {
	return current === 'zh' ? `（${text}）` : ` (${text})`;
}
