/** The chat simulator page driven in real headless Chromium against a real Node server with demo data. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { startNode, type NodeHandle } from "../../src/runtime/node.js";

const CHROMIUM = "/usr/bin/chromium";
const skip = !existsSync(CHROMIUM) && !process.env.CI;
if (skip) console.warn(`sim-browser.test.ts skipped: ${CHROMIUM} is missing (apt-get install -y chromium fonts-wqy-microhei). In CI this test always runs.`);

// A valid 1×1 PNG.
const PNG_1x1 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

type Directory = {
  people: { userId: string; name: string; unit: string | null; roles: string[] }[];
  groups: { chatId: string; name: string; purpose: string; unit: string | null }[];
};

describe.skipIf(skip)("模拟群聊 page in headless Chromium", () => {
  let dir: string;
  let server: NodeHandle;
  let browser: Browser;
  let page: Page;
  let directory: Directory;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "duban-sim-"));
    mkdirSync("test-results", { recursive: true });
    server = await startNode({ PORT: "0", HOST: "127.0.0.1", DATABASE_URL: "file:" + join(dir, "sim.db"), FILES_DIR: join(dir, "files"), LOG_LEVEL: "warn" }, { schedules: false });
    directory = (await (await fetch(`${server.url}/sim/directory`)).json()) as Directory;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
    page = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
    page.on("pageerror", (e) => pageErrors.push(String(e)));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const botBubble = (text: string | RegExp) => page.locator("#messages .msg.bot", { hasText: text }).last();

  async function send(text: string) {
    await page.fill("#input", text);
    await page.press("#input", "Enter");
  }

  it("dispatches, shows the push in the unit group, acknowledges and reports progress with a photo", async () => {
    const dispatcher = directory.people.find((p) => p.roles.includes("dispatcher"));
    const command = directory.groups.find((g) => g.purpose === "command");
    const head = directory.people.find((p) => p.unit === "荷花池街道" && p.roles.includes("unit_head"));
    const unitGroup = directory.groups.find((g) => g.purpose === "unit" && g.unit === "荷花池街道");
    expect(dispatcher, "demo data has a dispatcher").toBeDefined();
    expect(command, "demo data has a command group").toBeDefined();
    expect(head, "demo data has a unit head of 荷花池街道").toBeDefined();
    expect(unitGroup, "demo data has a 荷花池街道 unit group").toBeDefined();

    await page.goto(`${server.url}/sim`);
    await page.waitForFunction(() => document.querySelectorAll("#person option").length > 0 && document.querySelectorAll("#chat option").length > 1);
    expect(await page.locator("#person option").count()).toBe(directory.people.length);
    // The person list speaks Chinese role names.
    expect(await page.locator(`#person option[value="${dispatcher!.userId}"]`).textContent()).toContain("督办员");

    // 1. The dispatcher assigns a case in the command group.
    await page.selectOption("#person", dispatcher!.userId);
    await page.selectOption("#chat", command!.chatId);
    await send("交办 测试路段夜间施工噪声扰民 给 荷花池街道 限 5个工作日");
    expect(await page.locator("#messages .msg.me").last().textContent()).toContain("测试路段夜间施工噪声扰民");
    const assigned = botBubble("已交办");
    await assigned.waitFor();
    const assignedText = (await assigned.textContent()) ?? "";
    const caseNo = /#(\d+)/.exec(assignedText)?.[1];
    expect(caseNo, `case number in: ${assignedText}`).toBeDefined();
    // **bold** is rendered, not shown literally.
    expect(await assigned.locator("b").count()).toBeGreaterThan(0);
    expect(assignedText).not.toContain("**");
    await page.screenshot({ path: "test-results/sim-phone-command.png" });

    // 2. The unit head opens the unit group: the push about the new case is in its history.
    await page.selectOption("#person", head!.userId);
    await page.selectOption("#chat", unitGroup!.chatId);
    const push = page.locator("#messages .msg.push", { hasText: "新交办" }).filter({ hasText: `#${caseNo}` });
    await push.first().waitFor();

    // 3. 签收 with the push's button (issue 15): the button sends its command as the person chosen.
    const sign = push.first().locator(".btns button", { hasText: "签收" });
    expect(await sign.getAttribute("data-cmd")).toBe(`签收 #${caseNo}`);
    await sign.click();
    await page.locator("#messages .msg.me", { hasText: `签收 #${caseNo}` }).waitFor();
    await botBubble("已签收").waitFor();

    // 4. 进展 with one photo: the thumbnail shows before sending, the reply counts the attachment.
    const png = join(dir, "photo.png");
    writeFileSync(png, Buffer.from(PNG_1x1, "base64"));
    await page.setInputFiles("#file", png);
    await page.locator("#thumbs img").first().waitFor();
    await send(`进展 #${caseNo} 已现场核查 整改前`);
    await botBubble("附件 1 个").waitFor();
    expect(await page.locator("#thumbs img").count()).toBe(0);
    expect(await page.locator("#messages .msg.me").last().locator("img").count()).toBe(1);
    await page.screenshot({ path: "test-results/sim-phone-unit.png" });

    // 5. The same chat on a desktop-sized window.
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.screenshot({ path: "test-results/sim-desktop.png" });

    expect(pageErrors).toEqual([]);
  }, 120_000);
});
