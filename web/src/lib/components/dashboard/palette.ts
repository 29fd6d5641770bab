import type { SupervisionState } from '#lib/rules/enums.ts';
import type { ReportCell } from './types.ts';

/** Chart colours of the warning lights (the same hues as the .light badges in app.css). */
export const LIGHT_COLOR: Record<SupervisionState, string> = {
	red: '#c62828',
	yellow: '#e0a000',
	green: '#2e7d32',
	completed_on_time: '#1d4f91',
	completed_late: '#8a93a3'
};

/** The order lights are stacked and listed in: done first, then on track, then the warnings. */
export const LIGHT_ORDER: SupervisionState[] = [
	'completed_on_time',
	'completed_late',
	'green',
	'yellow',
	'red'
];

/** Worst first, for lists that put red items on top. */
export const LIGHT_RANK: Record<SupervisionState, number> = {
	red: 0,
	yellow: 1,
	green: 2,
	completed_late: 3,
	completed_on_time: 4
};

/** A report status as a symbol as well as a colour: ✓ on time, ! late, ✗ missing, · not yet due. */
export const REPORT_MARK: Record<ReportCell, string> = {
	on_time: '✓',
	late: '!',
	missing: '✗',
	not_due: '·',
	none: ''
};

/** Chart patterns so red and yellow read apart without colour (stripes and dots). */
export const LIGHT_DECAL: Partial<
	Record<
		SupervisionState,
		{
			symbol: string;
			symbolSize: number;
			dashArrayX: number[] | number[][];
			dashArrayY: number[];
			rotation: number;
			color: string;
		}
	>
> = {
	red: {
		symbol: 'rect',
		symbolSize: 1,
		dashArrayX: [1, 0],
		dashArrayY: [2, 4],
		rotation: -Math.PI / 4,
		color: 'rgba(255,255,255,0.45)'
	},
	yellow: {
		symbol: 'circle',
		symbolSize: 0.7,
		dashArrayX: [
			[3, 3],
			[0, 3, 3, 0]
		],
		dashArrayY: [3, 3],
		rotation: 0,
		color: 'rgba(255,255,255,0.55)'
	}
};

/** One entry of an HTML chart legend. */
export type LegendItem = {
	label: string;
	color: string;
	pattern?: 'solid' | 'stripes' | 'dots' | 'dashed-line';
};

/** The legend pattern of each light, matching LIGHT_DECAL. */
export const LIGHT_PATTERN: Record<SupervisionState, LegendItem['pattern']> = {
	red: 'stripes',
	yellow: 'dots',
	green: 'solid',
	completed_on_time: 'solid',
	completed_late: 'solid'
};
