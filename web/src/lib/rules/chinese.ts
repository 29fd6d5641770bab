// Chinese numbering as official documents write it; shared by the API's generated texts and the pages.

const CN_DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/** 1 → 一, 12 → 十二, 21 → 二十一 (section numbers as the plan prints them). */
export function chineseNumber(n: number): string {
	if (n < 10) return CN_DIGITS[n]!;
	if (n < 20) return `十${n % 10 ? CN_DIGITS[n % 10] : ''}`;
	if (n < 100) return `${CN_DIGITS[Math.floor(n / 10)]}十${n % 10 ? CN_DIGITS[n % 10] : ''}`;
	return String(n);
}

/** Points of one paragraph: "一是……；二是……；三是……。" (each point without its closing mark). */
export function enumerate(points: string[]): string {
	const items = points.map((p) => p.replace(/[。；;，,\s]+$/u, '')).filter(Boolean);
	return items.map((p, i) => `${chineseNumber(i + 1)}是${p}`).join('；') + (items.length ? '。' : '');
}

/** Names listed the way bulletins do: "A、B、C", or "A、B、C等N个单位" beyond `max`. */
export function listNames(names: string[], max = Infinity): string {
	const unique = [...new Set(names)];
	if (unique.length <= max) return unique.join('、');
	return `${unique.slice(0, max).join('、')}等${unique.length}个单位`;
}
