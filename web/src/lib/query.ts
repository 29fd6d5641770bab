/**
 * A copy of a page's query with some keys set (empty values are dropped). Any change other than the
 * page number or a selection goes back to the first page.
 */
export function patchQuery(
	params: { toString(): string },
	patch: Record<string, string>,
	keep: string[] = ['page', 'id']
): string {
	const next = new URLSearchParams(params.toString());
	for (const [key, value] of Object.entries(patch)) {
		if (value && !(key === 'page' && value === '1')) next.set(key, value);
		else next.delete(key);
	}
	if (!Object.keys(patch).some((k) => keep.includes(k))) next.delete('page');
	return next.toString();
}
