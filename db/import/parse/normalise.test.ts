import { describe, it, expect } from 'vitest';
import { normaliseCell } from './normalise.ts';

describe('normaliseCell', () => {
	it.each([
		['full-width digits and spaces around them (PDF text)', '２０２０ 年 １ 月 ２２ 日', '2020年1月22日'],
		['full-width letters', '移动端ＡＰＰ、公众号', '移动端APP、公众号'],
		['full-width plus', '“互联网 ＋政务服务”“互联网 ＋监管”', '“互联网+政务服务”“互联网+监管”'],
		['full-width space', '省大数据局　省财政厅', '省大数据局省财政厅'],
		['private-use glyph between digits is a decimal point', '政务服务 ２\ue010 ０ 平台', '政务服务2.0平台'],
		['decimal glyph without spaces', '智能送达３\ue010０等', '智能送达3.0等'],
		['private-use glyph elsewhere is dropped', '１\ue010 打造政务服务', '1打造政务服务'],
		['zero-width and BOM characters', '\ufeff省大\u200b数据局\u00ad', '省大数据局'],
		[
			'spaces next to Chinese punctuation',
			'增值税电子发票占比超过 ６０％ ， 网上',
			'增值税电子发票占比超过60％，网上'
		],
		['runs of Latin spaces collapse', '  IPv6   and  5G  ', 'IPv6 and 5G'],
		['Latin next to CJK loses the space', '加快政务外网 IPv6 实施', '加快政务外网IPv6实施'],
		['tabs and non-breaking spaces', 'a\t\u00a0b', 'a b']
	])('%s', (_, input, expected) => {
		expect(normaliseCell(input)).toBe(expected);
	});

	it('keeps Chinese punctuation as it is', () => {
		const s = '首批试点所在县（市、区）政府；占比：“双随机”５％／景点';
		expect(normaliseCell(s)).toBe('首批试点所在县（市、区）政府；占比：“双随机”5％／景点');
	});

	it('keeps one line break per run, without the spaces around it', () => {
		expect(normaliseCell(' 省大数据局 \r\n\r\n 省财政厅 \n')).toBe('省大数据局\n省财政厅');
	});

	it('leaves clean text unchanged and trims', () => {
		expect(normaliseCell('  2020年6月底前 ')).toBe('2020年6月底前');
		expect(normaliseCell('')).toBe('');
	});
});
