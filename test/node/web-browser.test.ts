/**
 * Sign-in and the admin pages in real headless Chromium against a real Node server on http://127.0.0.1:
 * Chromium treats 127.0.0.1 as a secure context, so the `__Host-` Secure session cookie is kept over plain http.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { startNode, type NodeHandle } from "../../src/runtime/node.js";
import { createAdmin } from "../../src/web/auth/create-admin.js";
import { nodeHasher } from "../../src/web/auth/password-node.js";
import { base32Decode, hotp, stepAt } from "../../src/web/auth/totp.js";

const CHROMIUM = "/usr/bin/chromium";
const skip = !existsSync(CHROMIUM) && !process.env.CI;
if (skip) console.warn(`web-browser.test.ts skipped: ${CHROMIUM} is missing (apt-get install -y chromium fonts-wqy-microhei). In CI this test always runs.`);
const PW = "一二三四 五六七八 admin";

describe.skipIf(skip)("signing in and administering in headless Chromium", () => {
  let dir: string;
  let server: NodeHandle;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "duban-web-"));
    mkdirSync("test-results", { recursive: true });
    server = await startNode({ PORT: "0", HOST: "127.0.0.1", DATABASE_URL: `file:${join(dir, "web.db")}`, FILES_DIR: join(dir, "files"), LOG_LEVEL: "error", DEMO_SEED: "false", ADMIN_MFA: "on" }, { schedules: false });
    await createAdmin(server.deps.db, nodeHasher, { userId: "first.admin", name: "首位管理员", password: PW }, Date.now());
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"] });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on("pageerror", (e) => problems.push(`pageerror: ${e}`));
    // CSP violations are console errors; failed loads are checked by status instead (a refused sign-in is a 401).
    page.on("console", (m) => void (m.type() === "error" && !m.text().startsWith("Failed to load resource") && problems.push(`console: ${m.text()}`)));
    page.on("response", (r) => void (r.status() >= 400 && r.status() !== 401 && !r.url().endsWith("/favicon.ico") && problems.push(`${r.status()} ${r.url()}`)));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("signs in over http://127.0.0.1 with the __Host- cookie, uses an admin form, and signs out", async () => {
    await page.goto(`${server.url}/admin/units`);
    expect(page.url()).toContain("/login?next=%2Fadmin%2Funits");
    await page.fill('input[name="userid"]', "first.admin");
    await page.fill('input[name="password"]', "wrong password");
    await page.click('button[type="submit"]');
    await expect(page.locator('[role="alert"]').textContent()).resolves.toContain("账号或密码不正确");
    await page.fill('input[name="userid"]', "first.admin");
    await page.fill('input[name="password"]', PW);
    await page.click('button[type="submit"]');
    // First sign-in of an administrator: enrol an authenticator from the QR code (R30), then the page asked for.
    await page.waitForURL(/\/login\/mfa$/);
    const qr = await page.locator('svg[aria-label="动态口令二维码"]').boundingBox();
    expect(qr!.width).toBeGreaterThanOrEqual(200);
    await page.screenshot({ path: "test-results/web-admin-mfa-enrol.png", fullPage: true });
    const secret = (await page.locator("[data-secret]").getAttribute("data-secret"))!;
    await page.fill('input[name="code"]', await hotp(base32Decode(secret), stepAt(Date.now())));
    await page.click('button[type="submit"]');
    await page.waitForURL(/\/admin\/units$/);
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === "__Host-duban_session");
    expect(session, "Chromium kept the Secure __Host- cookie on http://127.0.0.1").toBeDefined();
    expect([session!.httpOnly, session!.secure, session!.sameSite, session!.path]).toEqual([true, true, "Lax", "/"]);

    await page.fill('input[name="name"]', "荷花池街道");
    await page.fill('input[name="aliases"]', "荷花池、荷街");
    await page.click('form[action="/admin/units"] button[type="submit"]');
    await page.waitForURL(/ok=created/);
    await expect(page.locator("table").textContent()).resolves.toContain("荷花池、荷街");
    await page.screenshot({ path: "test-results/web-admin-units.png", fullPage: true });

    await page.goto(`${server.url}/admin/policy`);
    await page.screenshot({ path: "test-results/web-admin-policy.png", fullPage: true });
    await page.click('header button[type="submit"]'); // 退出
    await page.waitForURL(/\/login$/);
    await page.goto(`${server.url}/admin`);
    expect(page.url()).toContain("/login");
    expect(problems).toEqual([]);
  }, 90_000); // a whole browser session: the default 30 s came close at load average 14
});
