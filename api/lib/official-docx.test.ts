import { describe, expect, it } from 'vitest';
import { chineseDate, docNumberText, titleLines } from '../../web/src/lib/rules/official-doc.ts';
import { officialDocx } from './official-docx.ts';
import { SAMPLE_DOC } from '../../test/docs/sample.ts';
import JSZip from 'jszip';

describe('official document text rules', () => {
	it('writes dates and a draft number as an office does', () => {
		expect(chineseDate('2020-10-05')).toBe('2020年10月5日');
		expect(docNumberText(null, 2020)).toBe('〔2020〕 号');
		expect(docNumberText('浙数改办〔2020〕12号', 2020)).toBe('浙数改办〔2020〕12号');
	});

	it('breaks a long title at natural points, never inside a number or word, without a hanging character', () => {
		const lines = titleLines('关于2020年9月全省政府数字化转型工作推进情况的通报');
		expect(lines).toEqual(['关于2020年9月全省政府数字化', '转型工作推进情况的通报']);
		const month = titleLines('全省政府数字化转型工作月度通报（2020年9月）');
		expect(month).toEqual(['全省政府数字化转型工作', '月度通报（2020年9月）']);
		expect(titleLines('关于印发2020年工作要点的通知')).toHaveLength(1);
	});
});

describe('officialDocx', () => {
	it('lays the page out by GB/T 9704: A4, 天头 37 mm, 订口 28 mm, red masthead, fonts by their Chinese names', async () => {
		const zip = await JSZip.loadAsync(await officialDocx({ ...SAMPLE_DOC, title: 'a\u0001b' }));
		const xml = await zip.file('word/document.xml')!.async('string');
		// 37 mm = 2098 twips, 28 mm = 1587, right 26 mm = 1474, bottom 35 mm = 1984.
		expect(xml).toContain('<w:pgSz w:w="11906" w:h="16838"');
		expect(xml).toContain('w:top="2098" w:right="1474" w:bottom="1984" w:left="1587"');
		expect(xml).toMatch(/<w:color w:val="FF0000"\/>.*浙江省数字化改革联席会议办公室/);
		for (const font of ['方正小标宋简体', '仿宋_GB2312', '黑体', '楷体_GB2312'])
			expect(xml).toContain(`w:eastAsia="${font}"`);
		expect(xml).toContain('w:line="579" w:lineRule="exact"');
		expect(xml).toContain('〔2020〕 号');
		expect(xml).toContain('2020年10月15日印发');
		expect(xml).not.toContain('\u0001');
		const footers = await Promise.all(
			Object.keys(zip.files)
				.filter((f) => /footer\d+\.xml$/.test(f))
				.map((f) => zip.file(f)!.async('string'))
		);
		expect(
			footers
				.filter((f) => f.includes('PAGE'))
				.map((f) => f.match(/w:jc w:val="(\w+)"/)?.[1])
				.sort()
		).toEqual(['left', 'right']);
	});
});
