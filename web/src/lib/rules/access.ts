/**
 * Who may see which unit's work, for the API and the web app alike (dependency-free, like the rest of
 * `rules/`). A unit reporter sees only its own unit. A supervisor (office or leader) with a unit works at
 * that unit's level: it sees the unit and everything under it in the directory (a city's supervisor:
 * the city, its districts and counties, their departments and townships), never a sibling or a parent.
 * Without a unit, the office and leaders are provincial and see every unit, and 待明确. An account of the
 * unit role without a unit sees nothing (-1 matches no unit).
 */
export type Viewer = { role: string; unit: { id: number } | null | undefined };

/** Every unit; one unit; or a unit and its subtree. */
export type UnitScope =
	{ kind: 'all' } | { kind: 'own'; unitId: number } | { kind: 'subtree'; rootId: number };

export function unitScope(viewer: Viewer): UnitScope {
	if (viewer.role === 'unit') return { kind: 'own', unitId: viewer.unit?.id ?? -1 };
	if (viewer.unit) return { kind: 'subtree', rootId: viewer.unit.id };
	return { kind: 'all' };
}

/** The one unit a viewer is confined to, or null when it may see more than one. */
export function ownUnitOnly(viewer: Viewer): number | null {
	const scope = unitScope(viewer);
	return scope.kind === 'own' ? scope.unitId : null;
}

/** The root of the subtree a supervisor is confined to, or null (a unit reporter, or provincial). */
export function subtreeRoot(viewer: Viewer): number | null {
	const scope = unitScope(viewer);
	return scope.kind === 'subtree' ? scope.rootId : null;
}

/** Provincial supervisors alone run the plan itself: imports, the directory's top, scoring, the calendar. */
export function isProvincial(viewer: Viewer): boolean {
	return unitScope(viewer).kind === 'all';
}

/**
 * Whether a viewer may see the work of a unit (null: owed by 待明确, which only provincial supervisors see).
 * `lineage` is the unit's own id and its ancestors' ids, nearest first (the directory's path to the top).
 */
export function maySeeUnit(viewer: Viewer, unitId: number | null, lineage: readonly number[]): boolean {
	const scope = unitScope(viewer);
	if (scope.kind === 'all') return true;
	if (unitId === null) return false;
	return scope.kind === 'own' ? scope.unitId === unitId : lineage.includes(scope.rootId);
}

/**
 * Whether a supervisor may decide on a unit's work (review its report, approve its request): a level's
 * supervisor decides for the units below it, never for its own government, whose work goes to the level above.
 */
export function mayDecideFor(viewer: Viewer, unitId: number, lineage: readonly number[]): boolean {
	const scope = unitScope(viewer);
	if (scope.kind === 'all') return true;
	return scope.kind === 'subtree' && !isOwnLevel(viewer, unitId) && lineage.includes(scope.rootId);
}

/** Whether a unit is a level's supervisor's own government (its work goes to the level above). */
export const isOwnLevel = (viewer: Viewer, unitId: number) => subtreeRoot(viewer) === unitId;

/**
 * Which bulletins a viewer reads, by their issuing level (null: the province). Everyone reads the published
 * bulletins of its own level and the levels above it (`over`: a county's unit reads its city's and the
 * province's; a city's supervisor the province's, which go to every city). A supervisor also reads those
 * issued in its subtree (`under`: its level's and the levels' below; the province: all), its office their
 * drafts too.
 */
export type BulletinScope = { kind: 'all' } | { kind: 'levels'; over: number; under: number | null };

export function bulletinScope(viewer: Viewer): BulletinScope {
	const scope = unitScope(viewer);
	if (scope.kind === 'own') return { kind: 'levels', over: scope.unitId, under: null };
	return scope.kind === 'all' ? scope : { kind: 'levels', over: scope.rootId, under: scope.rootId };
}

/** The level whose bulletins an office account writes and numbers: its unit's (null: the province's). */
export const bulletinIssuer = (viewer: Viewer): number | null => subtreeRoot(viewer);

/** Whether a viewer writes a bulletin of this issuer: the office of that very level, no other. */
export const mayIssueBulletin = (viewer: Viewer, issuerUnitId: number | null) =>
	viewer.role === 'office' && bulletinIssuer(viewer) === issuerUnitId;

/**
 * Why a unit cannot move under a new parent: itself, or one of its own descendants (the new parent's
 * lineage passes through the unit). Null when the move keeps the directory a tree.
 */
export function moveRefusal(unitId: number, parentLineage: readonly number[]): 'unit.cycle' | null {
	return parentLineage.includes(unitId) ? 'unit.cycle' : null;
}

/** Whether a unit still exists in a plan year's directory (retired units keep their history). */
export const inDirectoryOf = (year: number, retiredIn: number | null) =>
	retiredIn === null || year < retiredIn;
