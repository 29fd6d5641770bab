import { describe, it, expect } from 'vitest';
import { closestNames, splitUnitNote, splitUnits } from './units.ts';
import { isPlaceholderName } from './placeholders.ts';

describe('splitUnits', () => {
	it.each([
		['省市场监管局', ['省市场监管局']],
		['省大数据局、省级有关单位，各设区市政府', ['省大数据局', '省级有关单位', '各设区市政府']],
		['省大数据局，省级有关单位、各设区市政府', ['省大数据局', '省级有关单位', '各设区市政府']],
		['省发展改革委，首批试点所在县（市、区）政府', ['省发展改革委', '首批试点所在县（市、区）政府']],
		['各区、县(市)人民政府,市直各单位', ['各区', '县(市)人民政府', '市直各单位']],
		['市编办(审改办，法制办)；市数据资源局;市审管办', ['市编办(审改办，法制办)', '市数据资源局', '市审管办']],
		['省大数据局\n省财政厅\r\n省委编办', ['省大数据局', '省财政厅', '省委编办']],
		[
			'省经信厅、浙江省税务局、杭州海关、宁波海关、省电力公司，各设区市政府',
			['省经信厅', '浙江省税务局', '杭州海关', '宁波海关', '省电力公司', '各设区市政府']
		],
		['市数据资源局。', ['市数据资源局']]
	])('%s', (text, expected) => {
		expect(splitUnits(text)).toEqual(expected);
	});

	it('drops empties and exact duplicates, keeping the first position', () => {
		expect(splitUnits('、省大数据局，，省财政厅、省大数据局、 ；')).toEqual(['省大数据局', '省财政厅']);
		expect(splitUnits('')).toEqual([]);
	});

	it('normalises each name', () => {
		expect(splitUnits(' 省 大数据局 、 省司法厅　')).toEqual(['省大数据局', '省司法厅']);
	});

	it('an unclosed bracket keeps the rest as one name rather than guessing', () => {
		expect(splitUnits('省大数据局、首批试点所在县（市、区政府')).toEqual([
			'省大数据局',
			'首批试点所在县（市、区政府'
		]);
	});
});

describe('closestNames', () => {
	const known = [
		'省大数据局',
		'省发展改革委',
		'省市场监管局',
		'省人力社保厅',
		'省卫生健康委',
		'省教育厅',
		'省体育局',
		'省委编办',
		'省委网信办',
		'宁波海关',
		'省级有关单位',
		'各设区市政府'
	];

	it.each([
		['省大数据管理局', '省大数据局'],
		['省发改委', '省发展改革委'],
		['省人社厅', '省人力社保厅'],
		['省卫健委', '省卫生健康委'],
		['省市场监督管理局', '省市场监管局'],
		['各设区市', '各设区市政府'],
		['省体育厅', '省体育局'],
		['省大数据局', '省大数据局']
	])('%s suggests %s first', (name, best) => {
		expect(closestNames(name, known)[0]).toBe(best);
	});

	it.each(['中国人民银行杭州中心支行', '杭州海关', '绍兴市政府', '省局'])('%s suggests nothing', (name) => {
		expect(closestNames(name, known)).toEqual([]);
	});

	it('returns at most `limit` names, best first', () => {
		const names = ['省大数据局', '市大数据局', '省数据局', '大数据局', '省大数据中心'];
		expect(closestNames('省大数据管理局', names)).toHaveLength(3);
		expect(closestNames('省大数据管理局', names, 1)).toEqual(['省大数据局']);
		expect(closestNames('省大数据管理局', names, 0)).toEqual([]);
	});

	it('ignores duplicate known names and empty input', () => {
		expect(closestNames('省发改委', ['省发展改革委', '省发展改革委'])).toEqual(['省发展改革委']);
		expect(closestNames('', known)).toEqual([]);
		expect(closestNames('省发改委', [])).toEqual([]);
	});
});

describe('placeholders and lead phrases (seed 002, the 2020 table)', () => {
	it.each([
		'省级有关单位',
		'首批试点所在县（市、区）政府',
		'各级各部门',
		'自建业务系统建设单位',
		'市级部门',
		'区县（市）电子政务部门',
		'相关部门'
	])('%s is a placeholder', (name) => expect(isPlaceholderName(name)).toBe(true));

	it.each(['省大数据局', '各设区市政府', '杭州市政府', '省建设厅', '市数据资源局'])('%s is not', (name) => {
		expect(isPlaceholderName(name)).toBe(false);
	});

	it('reads “市级由A、B牵头,区县(市)“跑改办”牵头” as the units it names', () => {
		expect(splitUnits('市级由市编资办、市数据源局牵头,区县(市)“跑改办”牵头')).toEqual([
			'市编资办',
			'市数据源局',
			'区县(市)跑改办'
		]);
	});

	it('keeps a note in a units cell apart', () => {
		expect(splitUnitNote('自建业务系统建设单位。 备注：省级自建业务系统，由省级单位负责。')).toEqual({
			units: '自建业务系统建设单位。 ',
			note: '备注：省级自建业务系统，由省级单位负责。'
		});
	});
});
