/** Calendar days between two ISO dates (YYYY-MM-DD), free of time zones; negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
	const utc = (d: string) => Date.UTC(+d.slice(0, 4), +d.slice(5, 7) - 1, +d.slice(8, 10));
	return Math.round((utc(to) - utc(from)) / 86_400_000);
}
