import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { parseDeadline } from './deadline.ts';
import { splitUnits } from './units.ts';

const [header = [], ...rows] = readFileSync(new URL('../../seed/plan-2020.csv', import.meta.url), 'utf8')
	.trim()
	.split('\n')
	.map((line) => line.split(','));

const column = (name: string) => rows.map((r) => r[header.indexOf(name)] ?? '');
const balanced = (s: string) => (s.match(/[（(]/g) ?? []).length === (s.match(/[）)]/g) ?? []).length;

describe('plan-2020.csv', () => {
	it('has 80 rows of six columns', () => {
		expect(header).toEqual(['一级领域', '二级领域', '工作任务', '具体指标', '完成时间', '责任单位']);
		expect(rows).toHaveLength(80);
		for (const r of rows) expect(r).toHaveLength(6);
	});

	it('every 完成时间 is a date in 2020', () => {
		for (const text of column('完成时间')) {
			const parsed = parseDeadline(text, 2020);
			expect(parsed, text).toMatchObject({ kind: 'date', dueOn: expect.stringMatching(/^2020-\d\d-\d\d$/) });
		}
	});

	it('every 责任单位 splits into names with whole brackets', () => {
		for (const text of column('责任单位')) {
			const units = splitUnits(text);
			expect(units.length, text).toBeGreaterThan(0);
			for (const unit of units) {
				expect(unit, text).toMatch(/^\S+$/);
				expect(balanced(unit), unit).toBe(true);
				expect(unit, text).not.toMatch(/[、，,；;]$|^[、，,；;]/);
			}
		}
	});

	it('splits the cells with brackets and mixed separators as written', () => {
		const units = column('责任单位');
		expect(units.map(splitUnits)).toContainEqual(['省发展改革委', '首批试点所在县（市、区）政府']);
		expect(units.map(splitUnits)).toContainEqual(['省大数据局', '省级有关单位', '各设区市政府']);
		expect(new Set(units.flatMap(splitUnits)).size).toBe(49);
	});
});
