/**
 * The overview's charts inside workerd: ECharts is not in the main bundle but loaded on first use from its own module
 * (src/web/charts/echarts.lazy.mjs), so a signed-in 总览 must still carry server-drawn SVG.
 */
import { SELF, env } from "cloudflare:test";
import { drizzle } from "drizzle-orm/d1";
import { beforeAll, describe, expect, it } from "vitest";
import * as schema from "../../src/db/schema.js";
import type { Db } from "../../src/db/types.js";
import { seedFixture } from "../helpers/seed-fixture.js";
import { hashPassword, webHasher } from "../../src/web/auth/password.js";

const BASE = "https://duban.test";
const PW = "charts passphrase 图表测试";
const cookieOf = (res: Response, name: string) => res.headers.getSetCookie().find((l) => l.startsWith(`${name}=`))?.split(";")[0];

beforeAll(async () => {
  const units = await env.DB.prepare("select count(*) as n from units").first<{ n: number }>();
  if (!units?.n) await seedFixture(drizzle(env.DB, { schema }) as unknown as Db);
  await env.DB.prepare("update people set password_hash = ? where user_id = 'disp'").bind(await hashPassword(webHasher, PW)).run();
});

describe("总览 on Workers", () => {
  it("draws its charts as inline SVG with the lazily loaded ECharts module", async () => {
    const form = await SELF.fetch(`${BASE}/login`);
    const pre = cookieOf(form, "__Host-duban_pre")!;
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1];
    const signed = await SELF.fetch(`${BASE}/login`, {
      method: "POST", redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: pre, origin: BASE },
      body: new URLSearchParams({ _csrf: csrf, userid: "disp", password: PW }).toString(),
    });
    expect(signed.status).toBe(303);
    const session = cookieOf(signed, "__Host-duban_session")!;
    const page = await SELF.fetch(`${BASE}/dashboard`, { headers: { cookie: session } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("新收案件"); // the trend chart's legend, drawn by ECharts
    expect((html.match(/<svg/g) ?? []).length).toBeGreaterThanOrEqual(2);
  });
});
