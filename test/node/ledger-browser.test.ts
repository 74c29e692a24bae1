/**
 * The 台账 in real headless Chromium (issue 12): on a server with 300 bulk-loaded cases, 下一页 goes by cursor
 * to the next 20 cases in ledger order, the search box finds a case through the full-text index (ranked) and
 * a two-character word says that only the newest cases were searched.
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
import { bulkCases } from "../helpers/bulk-cases.js";

const CHROMIUM = "/usr/bin/chromium";
const skip = !existsSync(CHROMIUM) && !process.env.CI;
const LEADER = "demo.limh"; // 李明华, 区长 in the demo district
const PASSWORD = "Duban-ledger-browser-2026";

describe.skipIf(skip)("the 台账 in headless Chromium", () => {
  let dir: string;
  let server: NodeHandle;
  let browser: Browser;
  let page: Page;
  let found = 0;
  const ids = async () => page.locator("tr[data-case]").evaluateAll((rows) => rows.map((r) => Number(r.getAttribute("data-case"))));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "duban-ledger-"));
    server = await startNode({ PORT: "0", HOST: "127.0.0.1", DATABASE_URL: `file:${join(dir, "l.db")}`, FILES_DIR: join(dir, "files"), LOG_LEVEL: "warn" }, { schedules: false });
    const db = server.deps.db;
    await bulkCases(db, 300, Date.now());
    found = (await db.select({ id: cases.id }).from(cases).orderBy(sql`id desc`).limit(1))[0].id - 17;
    await db.update(cases).set({ title: "天回镇某养殖场粪污直排", content: "群众反映养殖场粪污直排入河道" }).where(eq(cases.id, found));
    await db.update(people).set({ passwordHash: await hashPassword(webHasher, PASSWORD) }).where(eq(people.userId, LEADER));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"] });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "zh-CN" });
    page = await context.newPage();
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

  it("pages forward by cursor in ledger order", async () => {
    const want = (await server.deps.db.all<{ id: number }>(sql`select id from cases where state != 'cancelled' order by flagged desc, id desc limit 40`)).map((r) => r.id);
    await page.goto(`${server.url}/dashboard/cases`);
    expect(await page.locator("#ledger-count").textContent()).toMatch(/共\s*\d+\s*件/);
    expect(await ids()).toEqual(want.slice(0, 20));
    await page.click('a[rel="next"]');
    await page.waitForLoadState("load");
    expect(page.url()).toContain("cursor=");
    expect(await ids()).toEqual(want.slice(20, 40));
    expect(await page.locator(".pager").textContent()).toContain("第 2 /");
  });

  it("searches through the full-text index, and says what a two-character search looked at", async () => {
    await page.goto(`${server.url}/dashboard/cases`);
    await page.fill('input[name="q"]', "养殖场粪污");
    await page.click('#filters button[type="submit"]');
    await page.waitForLoadState("load");
    expect(await ids()).toEqual([found]);
    expect(await page.locator("#ledger-count").textContent()).toContain("按相关度排列");
    await page.fill('input[name="q"]', "粪污");
    await page.click('#filters button[type="submit"]');
    await page.waitForLoadState("load");
    const short = await ids(); // the demo district mentions 粪污 too: newest first
    expect(short[0]).toBe(found);
    expect(short).toEqual([...short].sort((a, b) => b - a));
    expect(await page.locator("#ledger-count").textContent()).toContain("两个字以内的搜索词只查最近的案件");
  });
});
