// How numeric targets are written; shared by the pages and the API's generated documents.

const SCALE_WORDS: Record<number, string> = {
	3: '千',
	4: '万',
	5: '十万',
	6: '百万',
	7: '千万',
	8: '亿',
	12: '万亿'
};

/** The unit a target is written, shown and reported in: 万, 亿元, 个 (120万 is value 120 in scale 10⁴). */
export function targetUnit(target: { scale?: number; unit: string }): string {
	return `${SCALE_WORDS[target.scale ?? 0] ?? ''}${target.unit}`;
}
