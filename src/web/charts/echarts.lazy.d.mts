// Types of the generated echarts.lazy.mjs (see scripts/build-charts.mjs).
export declare const init: typeof import("echarts/core").init;
