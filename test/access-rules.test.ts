import { describe, expect, it } from 'vitest';
import {
	inDirectoryOf,
	isOwnLevel,
	isProvincial,
	mayDecideFor,
	maySeeUnit,
	moveRefusal,
	unitScope
} from '../web/src/lib/rules/access.ts';
import { subtreeIds, treeOrder } from '../web/src/lib/unit-tree.ts';

/** The one rule of who sees which unit, with a directory 1 省 ← 2 杭州市政府 ← 3 西湖区政府 ← 4 西湖区某局; 5 宁波. */
const lineage: Record<number, number[]> = { 2: [2], 3: [3, 2], 4: [4, 3, 2], 5: [5], 1: [1] };
const province = { role: 'office', unit: null };
const hzdb = { role: 'office', unit: { id: 2 } };
const xihu = { role: 'unit', unit: { id: 3 } };

describe('the access rule', () => {
	it('scopes: provincial sees all, a unit itself, a level its subtree', () => {
		expect(unitScope(province)).toEqual({ kind: 'all' });
		expect(unitScope(hzdb)).toEqual({ kind: 'subtree', rootId: 2 });
		expect(unitScope(xihu)).toEqual({ kind: 'own', unitId: 3 });
		expect(unitScope({ role: 'unit', unit: null })).toEqual({ kind: 'own', unitId: -1 });
		expect(isProvincial(province)).toBe(true);
		expect(isProvincial(hzdb)).toBe(false);
	});

	it('a level sees its subtree, not its siblings, parents or 待明确', () => {
		for (const id of [2, 3, 4]) expect(maySeeUnit(hzdb, id, lineage[id]!)).toBe(true);
		for (const id of [1, 5]) expect(maySeeUnit(hzdb, id, lineage[id]!)).toBe(false);
		expect(maySeeUnit(hzdb, null, [])).toBe(false);
		expect(maySeeUnit(province, null, [])).toBe(true);
		expect(maySeeUnit(xihu, 3, lineage[3]!)).toBe(true);
		expect(maySeeUnit(xihu, 4, lineage[4]!)).toBe(false);
	});

	it('a level decides for the units below it, not for its own government', () => {
		expect(mayDecideFor(hzdb, 3, lineage[3]!)).toBe(true);
		expect(mayDecideFor(hzdb, 2, lineage[2]!)).toBe(false);
		expect(isOwnLevel(hzdb, 2)).toBe(true);
		expect(mayDecideFor(hzdb, 5, lineage[5]!)).toBe(false);
		expect(mayDecideFor(province, 2, lineage[2]!)).toBe(true);
		expect(mayDecideFor(xihu, 3, lineage[3]!)).toBe(false);
	});

	it('moves that would make a cycle, and retired units', () => {
		expect(moveRefusal(2, lineage[4]!)).toBe('unit.cycle');
		expect(moveRefusal(2, [2])).toBe('unit.cycle');
		expect(moveRefusal(4, lineage[5]!)).toBeNull();
		expect(inDirectoryOf(2020, 2021)).toBe(true);
		expect(inDirectoryOf(2021, 2021)).toBe(false);
		expect(inDirectoryOf(2030, null)).toBe(true);
	});

	it('the directory in tree order, and a subtree from the parent links', () => {
		const units = [
			{ id: 5, parentId: null },
			{ id: 3, parentId: 2 },
			{ id: 2, parentId: null },
			{ id: 4, parentId: 3 }
		];
		expect(treeOrder(units).map((u) => [u.id, u.depth])).toEqual([
			[5, 0],
			[2, 0],
			[3, 1],
			[4, 2]
		]);
		// A subtree alone (a level's view): its top starts the tree.
		expect(treeOrder(units.filter((u) => u.id !== 2)).map((u) => [u.id, u.depth])).toEqual([
			[5, 0],
			[3, 0],
			[4, 1]
		]);
		expect([...subtreeIds(units, 2)].sort()).toEqual([2, 3, 4]);
	});
});
