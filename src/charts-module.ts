/**
 * Loads the generated ECharts module (scripts/build-charts.mjs). This file sits at the root of src/ on purpose: the
 * Worker bundle keeps the specifier below verbatim and wrangler uploads the module as `web/charts/echarts.lazy.mjs`
 * beside the bundle's root (wrangler.toml `base_dir = "src"`), so only a path written from here resolves in both the
 * bundle and Node.
 */
export const loadEcharts = () => import("./web/charts/echarts.lazy.mjs");
