/**
 * 单位排名 on a phone, in real headless Chromium (issue 11): at 390 px the table stacks each unit's cells, and every
 * cell still shows its column's label (data-label + CSS) instead of a bare number; the page does not scroll
 * sideways. At desktop width the header row is back and the labels are not repeated. The demo district's data.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { people } from "../../src/db/schema.js";
import { startNode, type NodeHandle } from "../../src/runtime/node.js";
import { hashPassword, webHasher } from "../../src/web/auth/password.js";

const CHROMIUM = "/usr/bin/chromium";
const skip = !existsSync(CHROMIUM) && !process.env.CI;
const LEADER = "demo.limh"; // 李明华, 区长 in the demo district
const PASSWORD = "Duban-ranking-browser-2026";

/** Per row: each cell's ::before text and display, its own text, and whether it is drawn. */
const cellsOf = (page: Page) =>
  page.locator("#ranking tbody tr").evaluateAll((rows) =>
    rows.map((tr) =>
      [...tr.querySelectorAll("td")].map((td) => {
        const before = getComputedStyle(td, "::before");
        const box = td.getBoundingClientRect();
        return { label: td.getAttribute("data-label"), before: before.content, beforeDisplay: before.display, text: td.textContent ?? "", drawn: box.width > 0 && box.height > 0 };
      }),
    ),
  );

describe.skipIf(skip)("单位排名 in headless Chromium", () => {
  let dir: string;
  let server: NodeHandle;
  let browser: Browser;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "duban-ranking-"));
    server = await startNode({ PORT: "0", HOST: "127.0.0.1", DATABASE_URL: `file:${join(dir, "r.db")}`, FILES_DIR: join(dir, "files"), LOG_LEVEL: "warn" }, { schedules: false });
    await server.deps.db.update(people).set({ passwordHash: await hashPassword(webHasher, PASSWORD) }).where(eq(people.userId, LEADER));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"] });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function open(width: number): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height: 844 }, locale: "zh-CN", isMobile: width < 640 });
    const page = await context.newPage();
    await page.goto(`${server.url}/login?next=/dashboard/ranking`);
    await page.fill('input[name="userid"]', LEADER);
    await page.fill('input[name="password"]', PASSWORD);
    await page.click('button[type="submit"]');
    await page.waitForURL(/\/dashboard\/ranking/);
    return page;
  }

  it("keeps every cell's label at phone width, with no sideways scroll", async () => {
    const page = await open(390);
    const heads = await page.locator("#ranking thead th").allTextContents();
    expect(heads.length).toBeGreaterThanOrEqual(10);
    expect(await page.locator("#ranking thead").evaluate((t) => getComputedStyle(t).display)).toBe("none");
    const rows = await cellsOf(page);
    expect(rows.length).toBeGreaterThanOrEqual(20); // every demo unit but the office
    for (const cells of rows) {
      expect(cells.map((c) => c.label)).toEqual(heads);
      for (const c of cells) {
        expect(c.before).toBe(`"${c.label}"`);
        expect(c.beforeDisplay).not.toBe("none");
        expect(c.drawn).toBe(true);
      }
    }
    // Units without enough 应结件 say so instead of a rank, and "—" rather than 0.0 % where nothing is due.
    expect(rows.some((cells) => cells[0].text === "不排名")).toBe(true);
    expect(await page.locator("#score-note").textContent()).toMatch(/^评分＝按期办结数÷应结件数.*威尔逊区间下限/);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(dir, "ranking-phone.png"), fullPage: true });
    await page.context().close();
  });

  it("shows the header row and no repeated labels at desktop width", async () => {
    const page = await open(1280);
    expect(await page.locator("#ranking thead").evaluate((t) => getComputedStyle(t).display)).not.toBe("none");
    const rows = await cellsOf(page);
    expect(rows.length).toBeGreaterThanOrEqual(20);
    for (const c of rows.flat()) expect(c.before).toBe("none");
    await page.context().close();
  });
});
