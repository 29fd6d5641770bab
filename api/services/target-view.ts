import type { indicatorTarget } from '../../db/schema/index.ts';

/** A numeric target as the pages show it and the report form asks for it: value, scale and meaning. */
export function targetView(t: typeof indicatorTarget.$inferSelect) {
	return {
		label: t.label,
		op: t.op,
		value: t.value,
		scale: t.scale,
		valueMax: t.valueMax,
		unit: t.unit,
		relative: t.relative,
		baseline: t.baseline,
		aggregation: t.aggregation
	};
}
