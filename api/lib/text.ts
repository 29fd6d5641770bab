/**
 * Characters that must not reach a document. XML 1.0 forbids C0 controls other than tab, line feed and
 * carriage return, U+FFFE, U+FFFF and unpaired surrogates: one of them in a cell or paragraph makes the
 * whole .xlsx/.docx unreadable. Matched per UTF-16 code unit (no `u` flag) to see lone surrogates.
 */
const XML_FORBIDDEN =
	// eslint-disable-next-line no-control-regex -- these control characters are what is being removed
	/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** Bidirectional controls make a name display as something else (报告\u202Excod.pdf shows as 报告fdp.docx). */
const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

export const stripXmlForbidden = (text: string) => text.replace(XML_FORBIDDEN, '');
export const stripBidiControls = (text: string) => text.replace(BIDI_CONTROLS, '');

/** Every string inside a value (a row of cells, a bulletin's content) without XML-forbidden characters. */
export function xmlSafe<T>(value: T): T {
	if (typeof value === 'string') return stripXmlForbidden(value) as T;
	if (Array.isArray(value)) return value.map(xmlSafe) as T;
	if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
		return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, xmlSafe(v)])) as T;
	}
	return value;
}
