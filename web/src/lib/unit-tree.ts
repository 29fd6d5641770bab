/**
 * The directory in tree order: each unit followed by the units under it, with its depth (0 at the top).
 * A unit whose parent is not in the list (a level's supervisor sees its own subtree) starts a tree.
 */
export function treeOrder<U extends { id: number; parentId: number | null }>(units: U[]) {
	const ids = new Set(units.map((u) => u.id));
	const children = new Map<number | null, U[]>();
	for (const u of units) {
		const parent = u.parentId !== null && ids.has(u.parentId) ? u.parentId : null;
		children.set(parent, [...(children.get(parent) ?? []), u]);
	}
	const out: (U & { depth: number })[] = [];
	const walk = (parent: number | null, depth: number) => {
		for (const u of children.get(parent) ?? []) {
			out.push({ ...u, depth });
			walk(u.id, depth + 1);
		}
	};
	walk(null, 0);
	return out;
}

/** A unit and every unit under it (ids), from the parent links. */
export function subtreeIds(units: { id: number; parentId: number | null }[], rootId: number) {
	const out = new Set([rootId]);
	let grew = true;
	while (grew) {
		grew = false;
		for (const u of units)
			if (u.parentId !== null && out.has(u.parentId) && !out.has(u.id)) {
				out.add(u.id);
				grew = true;
			}
	}
	return out;
}
