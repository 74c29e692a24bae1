/**
 * The overview's charts inside workerd: ECharts is not in the main bundle but loaded on first use from its own module
 * (src/web/charts/echarts.lazy.mjs), so a signed-in 总览 must still carry server-drawn SVG.
 */
import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { sessionFor } from "../helpers/worker-session.js";

const BASE = "https://duban.test";
let session: { cookie: string; csrf: string };

beforeAll(async () => {
  session = await sessionFor("disp");
});

describe("总览 on Workers", () => {
  it("draws its charts as inline SVG with the lazily loaded ECharts module", async () => {
    const page = await SELF.fetch(`${BASE}/dashboard`, { headers: { cookie: session.cookie } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("新收案件"); // the trend chart's legend, drawn by ECharts
    expect((html.match(/<svg/g) ?? []).length).toBeGreaterThanOrEqual(2);
  });
});
