/**
 * 总览's charts are drawn once per distinct input (src/web/charts/svg.ts): ECharts numbers each drawing's
 * elements afresh, so an identical string back means the memo answered, and a changed figure is drawn anew.
 */
import { describe, expect, it } from "vitest";
import { trendChart, unitChart } from "../../src/web/charts/svg.js";

const bars = (n: number, shift = 0) => Array.from({ length: n }, (_, i) => ({ name: `单位${i}`, rate: ((i + shift) % 10) / 10, closed: i, total: i + 1 }));

describe("chart memo", () => {
  it("answers an unchanged chart from memory, draws a changed one, and keeps only a few", async () => {
    const first = await unitChart(bars(40));
    expect(await unitChart(bars(40))).toBe(first);
    const changed = await unitChart(bars(40, 1));
    expect(changed).not.toBe(first);
    expect(changed).toContain("<svg");
    // Eight other drawings push the first one out: drawn again, it carries new element ids.
    for (let i = 0; i < 8; i++) await trendChart([{ label: `W${i}`, received: i, closed: i }]);
    const again = await unitChart(bars(40));
    expect(again).not.toBe(first);
    expect(again.replace(/zr\d+-[a-z-]*\d+/g, "")).toBe(first.replace(/zr\d+-[a-z-]*\d+/g, ""));
  }, 60_000);
});
