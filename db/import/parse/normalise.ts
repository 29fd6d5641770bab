// Chinese characters, CJK and full-width punctuation, and the curly quotes Chinese text uses.
const CJK =
	'\\u2018\\u2019\\u201c\\u201d\\u2e80-\\u303f\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff\\ufe30-\\ufe4f\\uff00-\\uffef';
const SPACE_BEFORE_CJK = new RegExp(` +(?=[${CJK}])`, 'g');
const SPACE_AFTER_CJK = new RegExp(`(?<=[${CJK}]) +`, 'g');

/**
 * Cleans one table cell: full-width ASCII to half-width (except Chinese punctuation), PDF debris removed,
 * spaces tidied. Line breaks are kept (one per run) because offices list units one per line.
 */
export function normaliseCell(s: string): string {
	return (
		s
			.replace(/[０-９Ａ-Ｚａ-ｚ＋]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
			// PDF extraction turns the decimal point of `2.0` into a private-use glyph.
			.replace(/(\d)\s*\p{Co}\s*(?=\d)/gu, '$1.')
			.replace(/(\d)．(?=\d)/g, '$1.')
			// eslint-disable-next-line no-control-regex -- stripping control characters is the point
			.replace(/[\p{Co}\p{Cf}\u0000-\u0008\u000e-\u001f\u007f]/gu, '')
			.replace(/\s*\n\s*/g, '\n')
			.replace(/[^\S\n]+/g, ' ')
			.replace(SPACE_BEFORE_CJK, '')
			.replace(SPACE_AFTER_CJK, '')
			.trim()
	);
}
