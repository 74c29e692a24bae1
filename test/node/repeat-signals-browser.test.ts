/**
 * 同一地点历史 and the 重复投诉 filter in real headless Chromium (issue 13): on the demo district, a closed case
 * that got two repeat complaints shows them with its place's other cases, and neither the case page nor the
 * filtered 台账 runs wider than a phone's screen.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq, sql } from "drizzle-orm";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cases, people } from "../../src/db/schema.js";
import { startNode, type NodeHandle } from "../../src/runtime/node.js";
import { hashPassword, webHasher } from "../../src/web/auth/password.js";

const CHROMIUM = "/usr/bin/chromium";
const skip = !existsSync(CHROMIUM) && !process.env.CI;
const LEADER = "demo.limh"; // 李明华, 区长 in the demo district
const PASSWORD = "Duban-repeat-browser-2026";
const SHOTS = process.env.DUBAN_SHOTS; // a folder: screenshots for a human look, when set

describe.skipIf(skip)("repeat complaints in headless Chromium", () => {
  let dir: string;
  let server: NodeHandle;
  let browser: Browser;
  let page: Page;
  let target = 0;
  const merged: number[] = [];
  /** Horizontal overflow of the page in CSS pixels (0 when nothing runs past the viewport). */
  const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "duban-repeat-"));
    server = await startNode({ PORT: "0", HOST: "127.0.0.1", DATABASE_URL: `file:${join(dir, "r.db")}`, FILES_DIR: join(dir, "files"), LOG_LEVEL: "warn" }, { schedules: false });
    const db = server.deps.db;
    // A closed demo case with an address; two later complaints about it merged in (as 并案 writes them).
    const [a] = await db.select().from(cases).where(sql`state = 'closed' and address is not null`).orderBy(sql`id`).limit(1);
    target = a.id;
    const now = Date.now();
    for (const [i, text] of ["群众再次反映该处问题又出现了，情况和上次一样，夜间尤其严重，希望彻底解决", "同一地点问题反复出现，附近居民多次投诉仍未根治"].entries()) {
      const [r] = await db.all<{ id: number }>(sql`
        insert into cases (source, title, content, address, area, lead_unit_id, state, cancel_reason, created_by, created_at, updated_at, write_token)
        values ('12345', ${text.slice(0, 16)}, ${`${a.address}${text}`}, ${a.address}, ${a.area}, ${a.leadUnitId}, 'cancelled', ${`并案至 #${a.id}`}, 'demo.zhangm', ${now}, ${now}, ${`rb-${i}`}) returning id`);
      merged.push(Number(r.id));
      await db.run(sql`insert into case_links (case_id, other_id, kind, by, at, reopened) values (${r.id}, ${a.id}, 'merged', 'demo.zhangm', ${now}, ${i === 0})`);
    }
    await db.update(cases).set({ reboundCount: a.reboundCount + 1 }).where(eq(cases.id, a.id));
    await db.update(people).set({ passwordHash: await hashPassword(webHasher, PASSWORD) }).where(eq(people.userId, LEADER));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"] });
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "zh-CN" })).newPage();
    await page.goto(`${server.url}/login?next=/dashboard/cases`);
    await page.fill('input[name="userid"]', LEADER);
    await page.fill('input[name="password"]', PASSWORD);
    await page.click('button[type="submit"]');
    await page.waitForLoadState("load");
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const width of [1280, 390]) {
    it(`shows 同一地点历史 with both merged complaints, within a ${width} px screen`, async () => {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`${server.url}/dashboard/cases/${target}`);
      const section = page.locator("#place-history");
      await expect.poll(() => section.isVisible()).toBe(true);
      expect(await section.locator("li[data-merged]").evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-merged"))))).toEqual(merged);
      expect(await section.textContent()).toContain("连同本案共 3 次投诉");
      expect(await overflow()).toBeLessThanOrEqual(0);
      if (SHOTS) await section.screenshot({ path: join(SHOTS, `place-history-${width}.png`) });
    });

    it(`filters the 台账 to repeat cases with the 重复投诉 select, within a ${width} px screen`, async () => {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`${server.url}/dashboard/cases`);
      await page.selectOption('select[name="repeat"]', "1");
      await page.click('#filters button[type="submit"]');
      await page.waitForLoadState("load");
      expect(page.url()).toContain("repeat=1");
      const shown = await page.locator("tr[data-case]").evaluateAll((rows) => rows.map((r) => Number(r.getAttribute("data-case"))));
      expect(shown).toContain(target);
      expect(await page.locator(`tr[data-case="${target}"]`).textContent()).toContain("重复投诉 3 次");
      expect(await overflow()).toBeLessThanOrEqual(0);
      if (SHOTS) await page.screenshot({ path: join(SHOTS, `ledger-repeat-${width}.png`) });
    });
  }
});
