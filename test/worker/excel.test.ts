/**
 * The same import and export code inside workerd against D1: read-excel-file and write-excel-file through
 * their `/universal` entries, the preview → import → re-import flow over HTTP, and the export read back.
 */
import { SELF, env } from "cloudflare:test";
import readXlsxFile from "read-excel-file/universal";
import { beforeAll, describe, expect, it } from "vitest";
import * as schema from "../../src/db/schema.js";
import { EXPORT_HEADERS } from "../../src/web/excel/export-rows.js";
import { planImport } from "../../src/sheets/import-rows.js";
import { readTable } from "../../src/sheets/read.js";
import { makeCalendar } from "../../src/domain/calendar.js";
import { GOOD, handoverXlsx } from "../fixtures/handover.js";
import { d1, sessionFor } from "../helpers/worker-session.js";

const BASE = "https://duban.test";
const db = d1;
let session: { cookie: string; csrf: string };

async function upload(path: string, fields: Record<string, string | File>) {
  const form = new FormData();
  form.set("_csrf", session.csrf);
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  const res = await SELF.fetch(`${BASE}${path}`, { method: "POST", headers: { cookie: session.cookie, origin: BASE }, body: form });
  return { res, text: await res.text() };
}
const field = (html: string, name: string) => {
  const m = new RegExp(`name="${name}"[^>]*value="([^"]*)"`).exec(html) ?? new RegExp(`<textarea name="${name}"[^>]*>([^<]*)</textarea>`).exec(html);
  return m![1].replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
};
const count = async (table: string) => ((await env.DB.prepare(`select count(*) as n from ${table}`).first()) as { n: number }).n;

beforeAll(async () => {
  session = await sessionFor("disp");
});

describe("Excel inside workerd", () => {
  it("reads a list written by write-excel-file and validates it with the pure planner", async () => {
    expect(navigator.userAgent).toBe("Cloudflare-Workers");
    const sheets = await readTable(await handoverXlsx(true));
    const units = await db().select().from(schema.units);
    const plan = planImport(sheets, { units, calendar: makeCalendar("Asia/Shanghai", []), now: Date.parse("2026-12-01T01:00:00Z"), source: "中央督察", defaultDueWorkingDays: 15 });
    if ("error" in plan) throw new Error(plan.error);
    expect(plan.rows.map((r) => r.externalNo)).toEqual(GOOD.map((r) => r[1]));
    expect(plan.errors.map((e) => e.column)).toEqual(["污染类型", "责任单位"]);
  });

  it("previews (nothing written), imports all at once into D1, and re-imports without change", async () => {
    const before = await count("cases");
    const bad = await upload("/dashboard/import/preview", { source: "中央督察", file: new File([(await handoverXlsx(true)) as Uint8Array<ArrayBuffer>], "list.xlsx") });
    expect(bad.res.status).toBe(200);
    expect(bad.text).toContain("无法识别的污染类型「光污染」");
    expect(await count("cases")).toBe(before);

    const good = await upload("/dashboard/import/preview", { source: "中央督察", file: new File([(await handoverXlsx(false)) as Uint8Array<ArrayBuffer>], "list.xlsx") });
    const confirm = { previewId: field(good.text, "previewId"), table: field(good.text, "table") };
    const done = await upload("/dashboard/import/commit", confirm);
    expect(done.text).toContain("已导入 4 件");
    expect(await count("cases")).toBe(before + 4);
    // Announced in the same batch on D1 too (issue 11): one message per unit group named in the list.
    const announced = await env.DB.prepare("select target, payload from outbox where idempotency_key like 'import:%'").all<{ target: string; payload: string }>();
    expect(announced.results.length).toBeGreaterThan(0);
    for (const r of announced.results) expect(JSON.parse(r.payload).message.blocks.at(-1)).toMatchObject({ kind: "buttons" });
    const events = await count("case_events");
    const again = await upload("/dashboard/import/commit", confirm);
    expect(again.text).toContain("未作任何改动");
    expect(await count("cases")).toBe(before + 4);
    expect(await count("case_events")).toBe(events);
  });

  it("exports the ledger as .xlsx that read-excel-file reads back", async () => {
    // A POST with the CSRF token: every export writes an audit row, and no GET may write (R33).
    const res = await SELF.fetch(`${BASE}/dashboard/cases/export.xlsx?source=${encodeURIComponent("中央督察")}`, {
      method: "POST", headers: { cookie: session.cookie, origin: BASE, "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ _csrf: session.csrf }),
    });
    expect(res.status).toBe(200);
    const [sheet] = await readXlsxFile(await res.arrayBuffer());
    expect(sheet.data[0]).toEqual([...EXPORT_HEADERS]);
    const nos = sheet.data.slice(1).map((r) => r[EXPORT_HEADERS.indexOf("受理编号")]);
    expect(nos).toEqual(expect.arrayContaining(GOOD.map((r) => r[1])));
    const row = sheet.data.find((r) => r[1] === GOOD[0][1])!;
    expect(row[EXPORT_HEADERS.indexOf("交办问题基本情况")]).toBe(GOOD[0][3]);
  });

  it("draws the 总览 charts (ECharts SSR) and serves the ledger, ranking history, case page and dossier inside workerd", async () => {
    const page = await SELF.fetch(`${BASE}/dashboard`, { headers: { cookie: session.cookie } });
    expect(page.status).toBe(200);
    expect(((await page.text()).match(/<svg/g) ?? []).length).toBe(2);
    const ledger = await SELF.fetch(`${BASE}/dashboard/cases?q=${encodeURIComponent("烧烤")}`, { headers: { cookie: session.cookie } });
    expect(await ledger.text()).toMatch(/匹配 <strong>1<\/strong> 件/); // a 2-character word: the newest cases, by time (issue 12)
    const ranking = await (await SELF.fetch(`${BASE}/dashboard/ranking`, { headers: { cookie: session.cookie } })).text();
    const past = /ranking\?at=(\d{4}-\d{2}-\d{2})/.exec(ranking)![1];
    expect((await SELF.fetch(`${BASE}/dashboard/ranking?at=${past}`, { headers: { cookie: session.cookie } })).status).toBe(200);
    const id = /data-case="(\d+)"/.exec(await (await SELF.fetch(`${BASE}/dashboard/cases`, { headers: { cookie: session.cookie } })).text())![1];
    expect((await SELF.fetch(`${BASE}/dashboard/cases/${id}`, { headers: { cookie: session.cookie } })).status).toBe(200);
    expect((await SELF.fetch(`${BASE}/dashboard/cases/${id}/dossier`, { headers: { cookie: session.cookie } })).status).toBe(200);
  });

  it("imports a 600-row list into D1 in staged chunks and one swap (every statement within 100 bound parameters)", async () => {
    const { default: writeXlsxFile } = await import("write-excel-file/universal");
    const rows = [["受理编号", "交办问题基本情况", "污染类型", "责任单位", "交办日期/批次"]].concat(
      Array.from({ length: 600 }, (_, i) => [`X3SC2026113${String(i).padStart(5, "0")}`, `第${i + 1}号点位夜间施工噪声扰民`, "噪声", i % 2 ? "荷花池街道" : "区城管局", "第二批"]),
    );
    const bytes = new Uint8Array(await (await writeXlsxFile(rows.map((r) => r.map((value) => ({ value }))), { sheet: "大表" }).toBlob()).arrayBuffer());
    const before = await count("cases");
    const preview = await upload("/dashboard/import/preview", { source: "省督察", file: new File([bytes], "big.xlsx") });
    expect(preview.text).toContain('<strong id="fresh-count">600</strong>');
    const done = await upload("/dashboard/import/commit", { previewId: field(preview.text, "previewId"), table: field(preview.text, "table") });
    expect(done.text).toContain("已导入 600 件");
    expect(await count("cases")).toBe(before + 600);
    expect(await count("import_staging")).toBe(0);
  });
});
