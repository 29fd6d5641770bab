import { describe, it, expect } from 'vitest';
import { parseDeadline } from './deadline.ts';

const dueOn = (text: string, year = 2020) => {
	const parsed = parseDeadline(text, year);
	return parsed.kind === 'date' ? parsed.dueOn : parsed.kind;
};

describe('parseDeadline', () => {
	it.each([
		['2020年6月底前', '2020-06-30'],
		['2020年9月底前', '2020-09-30'],
		['2020年11月底前', '2020-11-30'],
		['2020年12月底前', '2020-12-31'],
		['2020年2月底前', '2020-02-29'],
		['2020年3月底前', '2020-03-31'],
		['2021年2月底前', '2021-02-28'],
		['6月底前', '2020-06-30'],
		['6月底', '2020-06-30'],
		['2020年6月', '2020-06-30'],
		['十二月底前', '2020-12-31'],
		['9月7日前', '2020-09-07'],
		['2020年9月7日前', '2020-09-07'],
		['9月7日', '2020-09-07'],
		['在9月25日之前', '2020-09-25'],
		['8月31日', '2020-08-31'],
		['2020年12月31日前', '2020-12-31'],
		['2020年底前', '2020-12-31'],
		['年底前', '2020-12-31'],
		['2020年内', '2020-12-31'],
		['2020年', '2020-12-31'],
		['2020年上半年', '2020-06-30'],
		['2020年下半年', '2020-12-31'],
		['上半年', '2020-06-30'],
		['2020年第一季度', '2020-03-31'],
		['2020年第二季度', '2020-06-30'],
		['2020年第三季度', '2020-09-30'],
		['三季度末', '2020-09-30'],
		['第4季度', '2020-12-31'],
		['2020-06-30', '2020-06-30'],
		['2020/6/5', '2020-06-05'],
		['2020年6月底前完成。', '2020-06-30']
	])('%s → %s', (text, expected) => {
		expect(dueOn(text)).toBe(expected);
	});

	it('uses the plan year when the cell has none', () => {
		expect(dueOn('6月底前', 2018)).toBe('2018-06-30');
		expect(dueOn('2月底前', 2024)).toBe('2024-02-29');
		expect(dueOn('年底前', 2018)).toBe('2018-12-31');
	});

	it('keeps an explicit year even when it differs from the plan year', () => {
		expect(dueOn('2021年3月底前', 2020)).toBe('2021-03-31');
	});

	it('reads full-width PDF text', () => {
		expect(dueOn('２０２０ 年 ２ 月底前')).toBe('2020-02-29');
		expect(dueOn('２０２０年１２月底前')).toBe('2020-12-31');
		expect(dueOn('９月７日前')).toBe('2020-09-07');
	});

	it.each(['每月底前', '每月25日前', '每月末', '每个月底前'])('%s is monthly', (text) => {
		expect(parseDeadline(text, 2020)).toEqual({ kind: 'monthly' });
	});

	const reason = (text: string) => {
		const parsed = parseDeadline(text, 2020);
		return parsed.kind === 'unparsed' ? parsed.reason : `parsed as ${JSON.stringify(parsed)}`;
	};

	// Real cells from the 杭州“一窗受理” plan (seed 002) that have no single fixed date.
	it.each([
		['9-12月每月各1批', '多个时间节点'],
		['即时办结', '相对期限'],
		['2020年6月底前、12月底前', '多个时间节点'],
		['长期坚持', '长期'],
		['持续推进', '长期'],
		['每季度末', '周期性'],
		['每周五前', '周期性'],
		['6月前', '月初还是月底'],
		['2020年前', '无法识别'],
		['', '为空'],
		['   ', '为空']
	])('%s is unparsed (%s)', (text, why) => {
		expect(reason(text)).toContain(why);
	});

	it.each([
		['2月30日', '日期不存在：2020年2月30日'],
		['2021年2月29日前', '日期不存在：2021年2月29日'],
		['4月31日', '日期不存在：2020年4月31日'],
		['13月底前', '月份不存在：13月'],
		['2020-13-01', '月份不存在：13月'],
		['每月32日前', '日期不存在：每月32日']
	])('%s is an impossible date', (text, expected) => {
		expect(reason(text)).toBe(expected);
	});

	// Seed 002's five event-relative deadlines, as written.
	it.each([
		['2个工作日内', { event: '', days: 2, workingDays: true }],
		['联调测试通过2个工作日内。', { event: '联调测试通过', days: 2, workingDays: true }],
		['接口注册完成后2日内完成联调。', { event: '接口注册完成', days: 2, workingDays: false }],
		['收到《事项开通确认单》当日', { event: '收到《事项开通确认单》', days: 0, workingDays: false }],
		['按《事项安排表》可提前发。', { event: '《事项安排表》确定的日期', days: 0, workingDays: false }],
		['审批通过次日', { event: '审批通过', days: 1, workingDays: false }],
		['收到通知后三个工作日内', { event: '收到通知', days: 3, workingDays: true }]
	])('%s counts from an event', (text, rule) => {
		expect(parseDeadline(text, 2020)).toEqual({ kind: 'relative', ...rule });
	});

	it('reads a date per unit level (seed 002)', () => {
		expect(parseDeadline('市级:9月7日前,区、县(市):9月14日前', 2020)).toEqual({
			kind: 'perLevel',
			levels: [
				{ level: 'city', label: '市级', dueOn: '2020-09-07' },
				{ level: 'county', label: '区、县(市)', dueOn: '2020-09-14' }
			]
		});
		expect(parseDeadline('省级：6月底前；县（市、区）：9月底前', 2020)).toMatchObject({
			levels: [
				{ level: 'provincial', dueOn: '2020-06-30' },
				{ level: 'county', dueOn: '2020-09-30' }
			]
		});
	});

	it('reads batches as milestones (seed 002)', () => {
		expect(parseDeadline('8月31日第一批,其余三批在9月20日前发布', 2020)).toEqual({
			kind: 'batches',
			batches: [
				{ label: '第一批', dueOn: '2020-08-31' },
				{ label: '其余三批', dueOn: '2020-09-20' }
			]
		});
	});

	it('never returns a date for text around a date', () => {
		expect(parseDeadline('力争2020年6月底前完成大部分', 2020).kind).toBe('unparsed');
		expect(parseDeadline('2020年6月底前基本建成，12月底前全面建成', 2020).kind).toBe('unparsed');
	});
});
