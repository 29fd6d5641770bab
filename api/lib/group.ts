/** The items of `list` by `key`, each group in the list's order (Map.groupBy, which the type library here lacks). */
export function groupBy<T, K>(list: Iterable<T>, key: (item: T) => K): Map<K, T[]> {
	const groups = new Map<K, T[]>();
	for (const item of list) {
		const k = key(item);
		const group = groups.get(k);
		if (group) group.push(item);
		else groups.set(k, [item]);
	}
	return groups;
}
