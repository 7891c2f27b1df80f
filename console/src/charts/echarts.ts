// ECharts imported piece by piece (echarts/core plus the one chart type and the components the
// dashboards draw), not the whole library: the supervision pages' chunk carries only these, and
// the console's first load none of them.
import { use, init, type ComposeOption, type EChartsType } from 'echarts/core';
import { BarChart, type BarSeriesOption } from 'echarts/charts';
import {
  GridComponent, LegendComponent, TitleComponent, TooltipComponent,
  type GridComponentOption, type LegendComponentOption, type TitleComponentOption, type TooltipComponentOption,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

use([BarChart, GridComponent, LegendComponent, TitleComponent, TooltipComponent, CanvasRenderer]);

export type ChartOption = ComposeOption<BarSeriesOption | GridComponentOption | LegendComponentOption | TitleComponentOption | TooltipComponentOption>;
export { init, type EChartsType };

/** The colours the console uses for yellow warnings and red cards (styles.css). */
export const WARNING_COLOUR = '#e6a23c';
export const RED_CARD_COLOUR = '#f56c6c';
