/**
 * Server-side SVG charts with ECharts' SSR renderer (no DOM, no client script): the same code in Node and
 * workerd. ECharts comes from echarts.lazy.mjs (only the chart types we draw, see scripts/build-charts.mjs), loaded
 * on first use: on Workers it is a separate module, so requests that draw no chart never load its ~570 KB.
 */
import type { EChartsCoreOption } from "echarts/core";
import { loadEcharts } from "../../charts-module.js";

let lib: ReturnType<typeof loadEcharts> | undefined;
const echarts = () => (lib ??= loadEcharts());

const FONT = '"PingFang SC","Microsoft YaHei","WenQuanYi Micro Hei",sans-serif';
const COLORS = ["#1a5fb4", "#2ea121", "#d83931", "#f5a623"];

/**
 * The last few charts drawn, keyed by everything they are drawn from (options hold data and format strings, no
 * functions): an unchanged 总览 is not drawn again. Drawing 500 units' bars costs ~0.3 s of CPU (issue 12).
 */
const drawn = new Map<string, string>();
const KEEP = 8;

/** Render one ECharts option to an SVG string; animation is off so the markup is final. */
export async function renderSvg(option: EChartsCoreOption, width: number, height: number): Promise<string> {
  const key = JSON.stringify([option, width, height]);
  const hit = drawn.get(key);
  if (hit !== undefined) {
    drawn.delete(key); // most recently used last
    drawn.set(key, hit);
    return hit;
  }
  const chart = (await echarts()).init(null, null, { renderer: "svg", ssr: true, width, height });
  try {
    chart.setOption({ animation: false, color: COLORS, textStyle: { fontFamily: FONT }, ...option });
    const svg = chart.renderToSVGString();
    drawn.set(key, svg);
    if (drawn.size > KEEP) drawn.delete(drawn.keys().next().value!);
    return svg;
  } finally {
    chart.dispose();
  }
}

export type WeekFlow = { label: string; received: number; closed: number };

/** Cases received vs closed per week (line chart). */
export function trendChart(weeks: WeekFlow[], width = 960, height = 300): Promise<string> {
  return renderSvg(
    {
      legend: { data: ["新收案件", "办结案件"], top: 4 },
      grid: { left: 40, right: 16, top: 36, bottom: 30 },
      xAxis: { type: "category", data: weeks.map((w) => w.label), boundaryGap: false },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: "新收案件", type: "line", data: weeks.map((w) => w.received), symbolSize: 6 },
        { name: "办结案件", type: "line", data: weeks.map((w) => w.closed), symbolSize: 6 },
      ],
    },
    width,
    height,
  );
}

export type UnitBar = { name: string; rate: number; closed: number; total: number };

/** The fair ranking's score per unit (horizontal bars, best first, 0–100 points: a lower bound, not a share, so no %). */
export function unitChart(rows: UnitBar[], width = 960): Promise<string> {
  const shown = [...rows].reverse(); // ECharts draws the first category at the bottom
  const height = Math.max(160, 40 + shown.length * 24);
  return renderSvg(
    {
      grid: { left: 110, right: 56, top: 10, bottom: 24 },
      xAxis: { type: "value", max: 100 },
      yAxis: { type: "category", data: shown.map((r) => r.name), axisLabel: { width: 100, overflow: "truncate" } },
      series: [
        {
          type: "bar",
          data: shown.map((r) => Math.round(r.rate * 1000) / 10),
          barMaxWidth: 16,
          label: { show: true, position: "right", formatter: "{c} 分" },
        },
      ],
    },
    width,
    height,
  );
}
