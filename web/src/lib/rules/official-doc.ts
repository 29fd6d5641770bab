// GB/T 9704-2012 (党政机关公文格式) measures and text rules shared by the .docx writer and the print view,
// so a document prints the same from Word and from the browser.

/** A4 in millimetres; 天头 (top) 37, 订口 (left) 28, 版心 156 × 225. */
export const PAGE_MM = {
	width: 210,
	height: 297,
	top: 37,
	left: 28,
	textWidth: 156,
	textHeight: 225
} as const;
export const PAGE_MARGINS_MM = {
	top: PAGE_MM.top,
	left: PAGE_MM.left,
	right: PAGE_MM.width - PAGE_MM.left - PAGE_MM.textWidth,
	bottom: PAGE_MM.height - PAGE_MM.top - PAGE_MM.textHeight
} as const;
/** 22 lines of 28 characters of 3号 (16 pt) text on the 版心. */
export const LINES_PER_PAGE = 22;
export const CHARS_PER_LINE = 28;
/** 2号 title: 22 pt; the 版心 holds 20 of its characters. */
export const TITLE_CHARS_PER_LINE = 20;

/** "2020-10-15" → "2020年10月15日" (Arabic numerals, no leading zeros, as GB/T 9704-2012 writes dates). */
export function chineseDate(iso: string): string {
	const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
	return m ? `${m[1]}年${Number(m[2])}月${Number(m[3])}日` : iso;
}

/** The 发文字号 line: the number, or on a draft the year with the number left blank. */
export const docNumberText = (docNumber: string | null, year: number) => docNumber ?? `〔${year}〕 号`;

/** A level's place, from its government's name (杭州市政府 → 杭州市, 西湖区人民政府 → 西湖区). */
export const placeOf = (unitName: string) => unitName.replace(/(人民)?政府$/, '') || unitName;

/**
 * A level's issuing office: the provincial office's name with the level's place for 省
 * (省推进…办公室 → 杭州市推进…办公室), so a renamed provincial office renames the levels' too.
 */
export const levelOffice = (provincialOffice: string, unitName: string) =>
	`${placeOf(unitName)}${provincialOffice.replace(/^省/, '')}`;

/**
 * How wide text prints in characters: CJK, full-width and curly quotes (full-width in CJK fonts) count 1,
 * Latin letters and digits ½, plus ¼ on each side of a Latin run for the space CJK layout puts around it.
 */
export const textWidth = (s: string) =>
	[...s].reduce((w, ch) => w + (ch.charCodeAt(0) < 0x2e80 && !/[“”‘’]/.test(ch) ? 0.5 : 1), 0) +
	(s.match(/[A-Za-z0-9.%]+/g)?.length ?? 0) * 0.5;

// Where a title may break: after these particles, punctuation and words a line can end with.
const GOOD_AFTER = /[的于和与及、，：；）》”〕]$/;
const WORD_ENDS = [
	'情况',
	'工作',
	'通报',
	'改革',
	'转型',
	'建设',
	'推进',
	'督查',
	'进展',
	'通知',
	'报告',
	'意见',
	'方案',
	'要点',
	'任务',
	'数字化',
	'政府',
	'会议',
	'全省',
	'全市',
	'月份',
	'年度'
];

/** Atoms a title never breaks inside: runs of Latin letters and digits (2020年9月 stays "2020年"), quotations. */
function atoms(title: string): string[] {
	return title.match(/[A-Za-z0-9.%\-－]+[年月日号期]?|[“《〔（(][^”》〕）)]{0,12}[”》〕）)]|[^]/gu) ?? [];
}

function breakCost(before: string, after: string): number {
	if (!after) return 0;
	if (/^[，、。：；）》”〕]/.test(after)) return 1000; // punctuation never starts a line
	if (GOOD_AFTER.test(before) || /^关于$/.test(before)) return 0;
	if (WORD_ENDS.some((w) => before.endsWith(w))) return 2;
	if (/^[的和与及]/.test(after)) return 3;
	if (/\d[年月]$/.test(before)) return 3;
	return 20; // possibly inside a word
}

/**
 * A title broken into lines of at most `perLine` characters at natural points (after 的/关于/punctuation,
 * after whole words, never inside a number), balanced, the upper lines no shorter than the lower (梯形),
 * and no line of one or two characters left hanging.
 */
export function titleLines(title: string, perLine = TITLE_CHARS_PER_LINE): string[] {
	if (textWidth(title) <= perLine) return [title];
	const parts = atoms(title);
	let best: { lines: string[]; cost: number } | null = null;
	const search = (from: number, lines: string[], cost: number) => {
		if (best && cost >= best.cost) return;
		const rest = parts.slice(from).join('');
		if (textWidth(rest) <= perLine) {
			const all = [...lines, rest];
			const widths = all.map(textWidth);
			const balance = widths.slice(1).reduce((s, w, i) => s + Math.abs(widths[i]! - w) * 0.5, 0);
			const shape = widths.slice(1).reduce((s, w, i) => s + (w > widths[i]! ? 2 : 0), 0);
			const orphan = widths.some((w) => w < 4) ? 1000 : 0;
			const total = cost + balance + shape + orphan + all.length * 5;
			if (!best || total < best.cost) best = { lines: all, cost: total };
			return;
		}
		if (lines.length >= 3) return;
		let line = '';
		for (let i = from; i < parts.length - 1; i++) {
			line += parts[i];
			if (textWidth(line) > perLine) break;
			search(i + 1, [...lines, line], cost + breakCost(line, parts[i + 1]!));
		}
	};
	search(0, [], 0);
	return (best as { lines: string[] } | null)?.lines ?? [title];
}

/**
 * A table cell as printed in a document. Percent values are fractions (0.35 prints "35.0%"); dates are
 * ISO and print in Chinese; decimals keep at most two places.
 */
export function cellText(value: string | number | null, kind: string): string {
	if (value === null || value === '') return '';
	if (typeof value === 'string') return kind === 'date' ? chineseDate(value) : value;
	if (kind === 'percent') return `${(value * 100).toFixed(1)}%`;
	if (kind === 'decimal') return String(Math.round(value * 100) / 100);
	return String(value);
}
