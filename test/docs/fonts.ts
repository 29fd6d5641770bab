// The fonts official documents name are Windows fonts. For the check's renders only, a fontconfig file
// maps them to the Noto CJK faces Debian ships (serif for 宋/仿宋/楷/小标宋, sans for 黑体), so the PNGs
// show the document's contrast of faces; users' machines are never asked for this file.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SERIF = [
	'方正小标宋简体',
	'宋体',
	'SimSun',
	'仿宋_GB2312',
	'仿宋',
	'FangSong',
	'楷体_GB2312',
	'楷体',
	'KaiTi'
];
const SANS = ['黑体', 'SimHei'];

export function fontconfigFile(dir: string): string {
	const alias = (names: string[], to: string) =>
		names.map(
			(n) => `<alias binding="same"><family>${n}</family><prefer><family>${to}</family></prefer></alias>`
		);
	const file = join(dir, 'fonts.conf');
	writeFileSync(
		file,
		[
			'<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>',
			'<include ignore_missing="yes">/etc/fonts/fonts.conf</include>',
			...alias(SERIF, 'Noto Serif CJK SC'),
			...alias(SANS, 'Noto Sans CJK SC'),
			'</fontconfig>'
		].join('\n')
	);
	return file;
}
