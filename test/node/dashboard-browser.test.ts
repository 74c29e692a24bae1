/**
 * The dashboard in real headless Chromium against a real Node server with the demo district: sign in, filter
 * the ledger, open a case and approve its closure, import a hand-over list (a bad row first: nothing imported;
 * then fixed), and export the ledger and read the .xlsx back. Screenshots go to test-results/.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq, like } from "drizzle-orm";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import readXlsxFile from "read-excel-file/universal";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cases, people } from "../../src/db/schema.js";
import { insertSession, newSessionToken } from "../../src/db/sessions.js";
import { startNode, type NodeHandle } from "../../src/runtime/node.js";
import { hashPassword, webHasher } from "../../src/web/auth/password.js";
import { EXPORT_HEADERS } from "../../src/web/excel/export-rows.js";
import { GOOD, handoverXlsx } from "../fixtures/handover.js";

const CHROMIUM = "/usr/bin/chromium";
const skip = !existsSync(CHROMIUM) && !process.env.CI;
if (skip) console.warn(`dashboard-browser.test.ts skipped: ${CHROMIUM} is missing (apt-get install -y chromium fonts-wqy-microhei). In CI this test always runs.`);

const LEADER = "demo.limh"; // 李明华, 区长 in the demo district
const PASSWORD = "Duban-browser-test-2026";

describe.skipIf(skip)("the dashboard in headless Chromium", () => {
  let dir: string;
  let server: NodeHandle;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];
  const shot = (name: string) => page.screenshot({ path: `test-results/dashboard-${name}.png`, fullPage: true });
  const importedCount = async () => (await server.deps.db.select({ id: cases.id }).from(cases).where(like(cases.externalNo, "D3SC2026112000%"))).length + (await server.deps.db.select({ id: cases.id }).from(cases).where(like(cases.externalNo, "X3SC2026112000%"))).length;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "duban-dash-"));
    mkdirSync("test-results", { recursive: true });
    server = await startNode({ PORT: "0", HOST: "127.0.0.1", DATABASE_URL: `file:${join(dir, "dash.db")}`, FILES_DIR: join(dir, "files"), LOG_LEVEL: "warn" }, { schedules: false });
    await server.deps.db.update(people).set({ passwordHash: await hashPassword(webHasher, PASSWORD) }).where(eq(people.userId, LEADER));
    writeFileSync(join(dir, "bad.xlsx"), await handoverXlsx(true));
    writeFileSync(join(dir, "good.xlsx"), await handoverXlsx(false));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true, locale: "zh-CN" });
    page = await context.newPage();
    page.on("pageerror", (e) => pageErrors.push(String(e)));
    page.on("dialog", (d) => void d.accept());
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("signs in and shows 总览 with its charts", async () => {
    await page.goto(`${server.url}/login?next=/dashboard`);
    await page.fill('input[name="userid"]', LEADER);
    await page.fill('input[name="password"]', PASSWORD);
    await page.click('button[type="submit"]');
    await page.waitForLoadState("load");
    const viaLogin = page.url().endsWith("/dashboard");
    console.info(`dashboard-browser: signed in ${viaLogin ? "through /login" : "with a session row made directly"}`);
    if (!viaLogin) {
      // The browser kept no __Host- cookie over plain http: fall back to a session row made directly.
      const s = await newSessionToken();
      const [p] = await server.deps.db.select({ id: people.id }).from(people).where(eq(people.userId, LEADER));
      await server.deps.db.batch([insertSession(server.deps.db, s, p.id, Date.now())]);
      await context.addCookies([{ name: "__Host-duban_session", value: s.token, url: server.url, secure: true, httpOnly: true, sameSite: "Lax" }]);
      await page.goto(`${server.url}/dashboard`);
    }
    await page.waitForSelector("#headline");
    expect(await page.locator("#headline .card").count()).toBe(6);
    expect(await page.locator(".chart svg").count()).toBe(2);
    expect(await page.locator("header .me").textContent()).toContain("李明华");
    await shot("overview");
  });

  it("filters the ledger and opens a case waiting for review, then approves its closure", async () => {
    await page.goto(`${server.url}/dashboard/cases`);
    await page.selectOption('select[name="state"]', "pending_review");
    await Promise.all([page.waitForURL(/state=pending_review/), page.click('#filters button[type="submit"]')]);
    const rows = page.locator("table.ledger tbody tr");
    expect(await rows.count()).toBeGreaterThan(0);
    for (const tag of await page.locator("table.ledger tbody tr td:nth-child(4)").allTextContents()) expect(tag).toContain("待审核");
    await shot("ledger-filtered");
    const link = rows.first().locator("td:first-child a");
    const id = Number(((await link.textContent()) ?? "").replace("#", ""));
    await Promise.all([page.waitForURL(new RegExp(`/dashboard/cases/${id}$`)), link.click()]);
    await page.waitForSelector("#checklist");
    expect(await page.locator("#timeline li").count()).toBeGreaterThan(1);
    await shot("case");
    await Promise.all([page.waitForURL(/done=approve_closure/), page.click('button[value="approve_closure"]')]);
    expect(await page.locator(".notice.ok").textContent()).toContain("已审核通过");
    expect(await page.locator("h1 .tags").textContent()).toContain("已办结");
    expect(await page.locator("#timeline li").last().textContent()).toContain("审核通过");
    const [row] = await server.deps.db.select({ state: cases.state }).from(cases).where(eq(cases.id, id));
    expect(row.state).toBe("closed");

    // 一案一档: the printable dossier of the same case.
    await page.goto(`${server.url}/dashboard/cases/${id}/dossier`);
    expect(await page.locator("h1").textContent()).toContain(`一案一档：#${id}`);
    expect(await page.locator("#timeline li").last().textContent()).toContain("审核通过");
    await page.emulateMedia({ media: "print" });
    expect(await page.locator("[data-print]").isVisible()).toBe(false);
    await shot("dossier-print");
    await page.emulateMedia({ media: "screen" });
  });

  it("previews a hand-over list with a bad row (nothing imported), then imports the fixed list", async () => {
    await page.goto(`${server.url}/dashboard/import`);
    await page.selectOption('#import-form select[name="source"]', "中央督察");
    await page.setInputFiles('#import-form input[type="file"]', join(dir, "bad.xlsx"));
    await page.click('#import-form button[type="submit"]');
    await page.waitForSelector("#import-errors");
    expect(await page.locator('#import-errors tr[data-line="6"]').first().textContent()).toContain("光污染");
    expect(await page.locator("#commit-form").count()).toBe(0);
    expect(await importedCount()).toBe(0);
    await shot("import-errors");

    await page.setInputFiles('#import-form input[type="file"]', join(dir, "good.xlsx"));
    await page.click('#import-form button[type="submit"]');
    await page.waitForSelector("#commit-form");
    expect(await page.locator("#fresh-count").textContent()).toBe("4");
    await shot("import-preview");
    await page.click('#commit-form button[type="submit"]');
    await page.waitForSelector("#import-result");
    expect(await page.locator("#import-result").textContent()).toContain("已导入 4 件");
    expect(await importedCount()).toBe(4);

    await page.goto(`${server.url}/dashboard/cases?q=${GOOD[0][1]}`);
    expect(await page.locator("table.ledger tbody tr").count()).toBe(1);
    expect(await page.locator("table.ledger tbody tr").first().textContent()).toContain("荷花池街道");
  });

  it("exports the filtered ledger and the .xlsx reads back with the imported cases", async () => {
    await page.goto(`${server.url}/dashboard/cases?source=${encodeURIComponent("中央督察")}`);
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export-link")]);
    const file = join(dir, "export.xlsx");
    await download.saveAs(file);
    expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
    const bytes = readFileSync(file);
    const [sheet] = await readXlsxFile(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    expect(sheet.data[0]).toEqual([...EXPORT_HEADERS]);
    const nos = sheet.data.slice(1).map((r) => r[1]);
    for (const g of GOOD) expect(nos).toContain(g[1]);
    const shown = Number((await page.locator("#ledger-count strong").textContent()) ?? "0");
    expect(sheet.data.length - 1).toBe(shown);
  });

  it("works on a phone-sized screen and raised no page errors", async () => {
    const phone = await context.newPage();
    phone.on("pageerror", (e) => pageErrors.push(String(e)));
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(`${server.url}/dashboard/cases`);
    await phone.waitForSelector("table.ledger");
    await phone.screenshot({ path: "test-results/dashboard-phone-ledger.png" });
    const firstCase = phone.locator("table.ledger tbody tr td:first-child a").first();
    await Promise.all([phone.waitForURL(/\/dashboard\/cases\/\d+$/), firstCase.click()]);
    await phone.screenshot({ path: "test-results/dashboard-phone-case.png" });
    await phone.close();
    expect(pageErrors).toEqual([]);
  });
});
