/** Checks that a file's bytes are what its extension claims (magic numbers; docx/xlsx as zip packages). */

export const ALLOWED_EXTENSIONS = ['pdf', 'doc', 'docx', 'xls', 'xlsx', 'jpg', 'jpeg', 'png'] as const;

const CONTENT_TYPES: Record<string, string> = {
	pdf: 'application/pdf',
	doc: 'application/msword',
	docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
	xls: 'application/vnd.ms-excel',
	xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
	jpg: 'image/jpeg',
	jpeg: 'image/jpeg',
	png: 'image/png'
};
/** The media types an attachment is downloaded as. */
export const ATTACHMENT_CONTENT_TYPES = [...new Set(Object.values(CONTENT_TYPES))];

const startsWith = (data: Uint8Array, bytes: number[]) => bytes.every((b, i) => data[i] === b);
const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

export type ZipEntry = { name: string; compressedSize: number; size: number };

/** Reads a zip's central directory (no decompression); null when the bytes are not a zip archive. */
export function zipEntries(data: Uint8Array): ZipEntry[] | null {
	if (!startsWith(data, [0x50, 0x4b, 0x03, 0x04])) return null;
	const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
	// The end-of-central-directory record sits in the last 64 KiB + 22 bytes.
	let eocd = -1;
	for (let i = data.length - 22; i >= Math.max(0, data.length - 65_557); i--) {
		if (view.getUint32(i, true) === 0x06054b50) {
			eocd = i;
			break;
		}
	}
	if (eocd < 0) return null;
	const count = view.getUint16(eocd + 10, true);
	let offset = view.getUint32(eocd + 16, true);
	const entries: ZipEntry[] = [];
	const decoder = new TextDecoder();
	for (let n = 0; n < count; n++) {
		if (offset + 46 > data.length || view.getUint32(offset, true) !== 0x02014b50) return null;
		const nameLength = view.getUint16(offset + 28, true);
		const extraLength = view.getUint16(offset + 30, true);
		const commentLength = view.getUint16(offset + 32, true);
		entries.push({
			compressedSize: view.getUint32(offset + 20, true),
			size: view.getUint32(offset + 24, true),
			name: decoder.decode(data.subarray(offset + 46, offset + 46 + nameLength))
		});
		offset += 46 + nameLength + extraLength + commentLength;
	}
	return entries;
}

const ZIP_LIMITS = { entries: 2000, unpackedBytes: 200 * 1024 * 1024, ratio: 200 };

/** null when the content matches the extension, else why not (in Chinese, for the user). */
export function checkFileContent(ext: string, data: Uint8Array): string | null {
	switch (ext) {
		case 'pdf':
			return startsWith(data, [0x25, 0x50, 0x44, 0x46, 0x2d]) ? null : '文件内容不是 PDF';
		case 'doc':
		case 'xls':
			return startsWith(data, OLE) ? null : `文件内容不是 .${ext} 格式（旧版 Office 文档）`;
		case 'jpg':
		case 'jpeg':
			return startsWith(data, [0xff, 0xd8, 0xff]) ? null : '文件内容不是 JPEG 图片';
		case 'png':
			return startsWith(data, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
				? null
				: '文件内容不是 PNG 图片';
		case 'docx':
		case 'xlsx': {
			const entries = zipEntries(data);
			const part = ext === 'docx' ? 'word/document.xml' : 'xl/workbook.xml';
			if (
				!entries ||
				!entries.some((e) => e.name === '[Content_Types].xml') ||
				!entries.some((e) => e.name === part)
			) {
				return `文件内容不是 .${ext} 格式（应为 Office Open XML 文档）`;
			}
			const unpacked = entries.reduce((n, e) => n + e.size, 0);
			const packed = entries.reduce((n, e) => n + e.compressedSize, 0) || 1;
			if (
				entries.length > ZIP_LIMITS.entries ||
				unpacked > ZIP_LIMITS.unpackedBytes ||
				unpacked / packed > ZIP_LIMITS.ratio
			) {
				return '文件解压后过大或条目过多，疑似压缩炸弹，已拒绝';
			}
			return null;
		}
		default:
			return '不支持的文件类型';
	}
}

export const contentTypeOf = (ext: string) => CONTENT_TYPES[ext] ?? 'application/octet-stream';
