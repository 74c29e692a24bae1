/**
 * Node only: PDFs printed by a local Chromium through playwright-core (issue 14 item 7). The browser starts per
 * export and closes after it; pages are rendered one after another, so memory holds one page at a time. The page
 * gets its HTML with styles and photos inlined and every network request refused: nothing leaves the machine.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import type { PdfMaker, PdfSession } from "../../deps.js";

/** Where Debian, Ubuntu and Chrome put the browser; CHROMIUM_PATH (config) comes first. */
const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable"];

export function findChromium(configured?: string): string | undefined {
  if (configured) return existsSync(configured) ? configured : undefined;
  return CANDIDATES.find((p) => existsSync(p));
}

const PLAYWRIGHT = "playwright-core";
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

/** A PdfMaker when Chromium and playwright-core are both here; undefined (PDF routes explain) otherwise. */
export function chromiumPdf(configured?: string): PdfMaker | undefined {
  const executablePath = findChromium(configured);
  if (!executablePath || !hasPlaywright()) return undefined;
  return {
    async open(): Promise<PdfSession> {
      // A name, not a literal: the bundle (scripts/build.mjs) leaves it out and Node loads it from node_modules.
      const { chromium } = (await import(PLAYWRIGHT)) as typeof import("playwright-core");
      const browser = await chromium.launch({ executablePath, args: ARGS });
      const context = await browser.newContext({ locale: "zh-CN", offline: true, javaScriptEnabled: false });
      await context.route("**/*", (route) => (route.request().url().startsWith("data:") ? route.continue() : route.abort()));
      return {
        async render(html, o) {
          const page = await context.newPage();
          try {
            await page.setContent(html, { waitUntil: "load" });
            const small = 'style="font-size:8px;width:100%;text-align:center;color:#666;font-family:\'WenQuanYi Micro Hei\',sans-serif"';
            const pdf = await page.pdf({
              format: "A4",
              printBackground: true,
              displayHeaderFooter: true,
              headerTemplate: `<div ${small}>${escapeHtml(o.header)}</div>`,
              footerTemplate: `<div ${small}>第 <span class="pageNumber"></span> 页 / 共 <span class="totalPages"></span> 页</div>`,
              margin: { top: "16mm", bottom: "16mm", left: "12mm", right: "12mm" },
            });
            return new Uint8Array(pdf);
          } finally {
            await page.close();
          }
        },
        close: () => browser.close(),
      };
    },
  };
}

/** playwright-core is a devDependency: an install without dev packages has no PDF (the routes say so) rather than a 500. */
function hasPlaywright(): boolean {
  try {
    createRequire(import.meta.url).resolve(PLAYWRIGHT);
    return true;
  } catch {
    return false;
  }
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
