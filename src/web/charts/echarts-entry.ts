/**
 * ECharts for server-side SVG, only the chart types we draw. scripts/build-charts.mjs bundles this file into
 * echarts.lazy.mjs, which the Worker uploads as a separate module and loads only on pages that draw charts.
 */
import * as echarts from "echarts/core";
import { BarChart, LineChart } from "echarts/charts";
import { GridComponent, LegendComponent } from "echarts/components";
import { SVGRenderer } from "echarts/renderers";

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, SVGRenderer]);

export const init = echarts.init;
