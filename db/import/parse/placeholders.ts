/**
 * Names that stand for units still to be named (待明确), not for a unit that files reports: 省级有关单位,
 * 首批试点所在县（市、区）政府, 各级各部门, 自建业务系统建设单位, 市级部门. The office's own list (placeholder
 * groups) is checked first; these patterns catch the rest.
 */
const PATTERNS = [
	/(?:有关|相关)(?:单位|部门)$/,
	/所在.*(?:政府|部门|单位)$/,
	/^各级各(?:部门|单位)$/,
	/^各(?:级|有关|相关)/,
	/建设单位$/,
	/^(?:省|市|县|区)级(?:各)?(?:部门|单位)$/,
	/^(?:区、?县[（(]市[）)]|县[（(]市、?区[）)]|各县[（(]市、?区[）)])/,
	/^(?:试点|牵头|责任|承建|运维|实施)(?:单位|部门)$/
];

export function isPlaceholderName(name: string): boolean {
	return PATTERNS.some((re) => re.test(name));
}
