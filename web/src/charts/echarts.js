// charts/echarts.js - the only parts of ECharts the console uses, registered once.
// Imported dynamically by components/EChart.vue alone, so that the login page and phones
// never download ECharts. A module needing another chart type adds it here.
import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export default echarts;
