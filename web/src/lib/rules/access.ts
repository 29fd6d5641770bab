/**
 * Who may see which unit's work, for the API and the web app alike (dependency-free, like the rest of
 * `rules/`). A unit reporter sees only its own unit; the office and leaders see every unit. An account
 * of the unit role without a unit sees nothing (-1 matches no unit).
 */
export type Viewer = { role: string; unit: { id: number } | null | undefined };

/** The one unit a viewer is confined to, or null when it may see every unit. */
export function ownUnitOnly(viewer: Viewer): number | null {
	return viewer.role === 'unit' ? (viewer.unit?.id ?? -1) : null;
}

/** Whether a viewer may see the work of a unit (null: owed by 待明确, which only supervisors see). */
export function maySeeUnit(viewer: Viewer, unitId: number | null): boolean {
	const own = ownUnitOnly(viewer);
	return own === null || own === unitId;
}
