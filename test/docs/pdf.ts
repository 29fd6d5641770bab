// What poppler reads back from a PDF: page size and count, the text (per page), and each word's box.
import { execFileSync } from 'node:child_process';

export type Word = { page: number; xMin: number; yMin: number; xMax: number; yMax: number; text: string };
export type PdfFacts = {
	pages: number;
	width: number;
	height: number;
	landscape: boolean;
	text: string;
	/** The text without any white space: a phrase split over lines is still found. */
	flat: string;
	pageTexts: string[];
	words: Word[];
};

const run = (cmd: string, args: string[]) =>
	execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
const unescape = (s: string) =>
	s
		.replace(/&lt;/g, '<')
		.replace(/&gt;/g, '>')
		.replace(/&quot;/g, '"')
		.replace(/&amp;/g, '&');

export function pdfFacts(pdf: string): PdfFacts {
	const info = run('pdfinfo', [pdf]);
	const pages = Number(/^Pages:\s+(\d+)/m.exec(info)?.[1]);
	const [, w, h] = /^Page size:\s+([\d.]+) x ([\d.]+)/m.exec(info) ?? [];
	const width = Number(w);
	const height = Number(h);
	const text = run('pdftotext', ['-layout', pdf, '-']);
	const words: Word[] = [];
	let page = 0;
	for (const line of run('pdftotext', ['-bbox', pdf, '-']).split('\n')) {
		if (line.includes('<page ')) page++;
		const m = /<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)<\/word>/.exec(line);
		if (m)
			words.push({ page, xMin: +m[1]!, yMin: +m[2]!, xMax: +m[3]!, yMax: +m[4]!, text: unescape(m[5]!) });
	}
	return {
		pages,
		width,
		height,
		landscape: width > height,
		text,
		flat: text.replace(/\s/g, ''),
		pageTexts: text.split('\f').slice(0, pages),
		words
	};
}

/** Words whose boxes overlap another word's on the same page: text drawn over text. */
export function overprinted(f: PdfFacts): string[] {
	const hits: string[] = [];
	for (let p = 1; p <= f.pages; p++) {
		const words = f.words.filter((w) => w.page === p);
		for (let i = 0; i < words.length; i++)
			for (let j = i + 1; j < words.length; j++) {
				const a = words[i]!;
				const b = words[j]!;
				const dx = Math.min(a.xMax, b.xMax) - Math.max(a.xMin, b.xMin);
				const dy = Math.min(a.yMax, b.yMax) - Math.max(a.yMin, b.yMin);
				if (dx > 1 && dy > 2) hits.push(`p${p} “${a.text}” × “${b.text}”`);
			}
	}
	return hits;
}
