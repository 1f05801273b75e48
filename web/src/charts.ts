// Apache ECharts, tree-shaken: only the charts and components the pages use, SVG renderer
// (crisp on phones and in screenshots; its labels are text in the page). One palette for every
// page (Element Plus's colours); red only for overdue and 末位.
import * as echarts from 'echarts/core';
import { BarChart, HeatmapChart, LineChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent, MarkLineComponent, VisualMapComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';

echarts.use([BarChart, HeatmapChart, LineChart, PieChart, GridComponent, LegendComponent, TooltipComponent, MarkLineComponent, VisualMapComponent, SVGRenderer]);

export const PALETTE = ['#409eff', '#67c23a', '#e6a23c', '#909399', '#9b59b6', '#36cfc9'];
export const RED = '#f56c6c';
export const FONT = '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif';

export { echarts };
