/**
 * The chart engine, loaded on demand (dynamic import) once the page's numbers have painted. Only the
 * parts the dashboards use are registered: bar and line charts on a grid, drawn on canvas. Legends
 * and hover read-outs are plain HTML (ChartLegend, EChart's tip), which keeps this chunk small and
 * puts the legend text where screen readers and printers find it.
 */
import { init, use, type ComposeOption, type EChartsType } from 'echarts/core';
import { BarChart, LineChart, type BarSeriesOption, type LineSeriesOption } from 'echarts/charts';
// The simple grid: the axis pointer of the full GridComponent only serves tooltips, which are HTML here.
import { GridSimpleComponent, type GridComponentOption } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

use([BarChart, LineChart, GridSimpleComponent, CanvasRenderer]);

export type ChartOption = ComposeOption<BarSeriesOption | LineSeriesOption | GridComponentOption>;
export type Chart = EChartsType;

export function createChart(el: HTMLElement): Chart {
	return init(el, null, { renderer: 'canvas', locale: 'ZH' });
}
