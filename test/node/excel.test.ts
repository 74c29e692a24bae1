/**
 * Import of hand-over lists and export of the ledger: columns found by header in any order, per-row errors
 * with nothing written, all-or-nothing import, idempotent re-import, and an export read back with read-excel-file.
 */
import { readFileSync } from "node:fs";
import { eq } from "drizzle-orm";
import readXlsxFile from "read-excel-file/universal";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_PARAMS, STAGE_CHUNK, stageChunks, swapStatements } from "../../src/db/import-cases.js";
import { auditLog, batches, caseEvents, cases, units } from "../../src/db/schema.js";
import { EXPORT_HEADERS } from "../../src/web/excel/export-rows.js";
import { planImport, sheetAsText } from "../../src/web/excel/import-rows.js";
import { readTable, TableReadError } from "../../src/web/excel/read.js";
import { parseCsv } from "../../src/web/excel/csv.js";
import { channelOf, findDate, pollutionTypes, yesNo } from "../../src/web/excel/values.js";
import { GOOD, handoverXlsx } from "../fixtures/handover.js";
import { ORIGIN, sessionFor, tableCounts, webApp } from "../helpers/web.js";

let w: Awaited<ReturnType<typeof webApp>>;
beforeAll(async () => {
  w = await webApp();
  for (const u of ["disp", "lead", "hh.head", "sm.head"]) sessions.set(u, await sessionFor(w.db, u, w.clock()));
});
afterAll(() => w.store.cleanup());

const sessions = new Map<string, Awaited<ReturnType<typeof sessionFor>>>();
async function upload(path: string, fields: Record<string, string | File>, userId = "disp") {
  const s = sessions.get(userId) ?? (await sessionFor(w.db, userId, w.clock()));
  sessions.set(userId, s);
  const form = new FormData();
  form.set("_csrf", s.csrf);
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  const res = await w.app.request(`${ORIGIN}${path}`, { method: "POST", headers: { cookie: s.cookie, origin: ORIGIN }, body: form });
  return { res, text: await res.text() };
}
const xlsxFile = async (bad: boolean) => new File([(await handoverXlsx(bad)) as Uint8Array<ArrayBuffer>], "交办清单.xlsx");
/** The previewed table the confirm form carries, as the browser would post it back. */
const hidden = (html: string, name: string) => {
  const m = new RegExp(`name="${name}"[^>]*value="([^"]*)"`).exec(html) ?? new RegExp(`<textarea name="${name}"[^>]*>([^<]*)</textarea>`).exec(html);
  return m![1].replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
};
/** The list as the confirm form posts it: every cell as text. */
const tableJson = async (bad: boolean) => JSON.stringify(sheetAsText(await readTable(await handoverXlsx(bad))));

describe("reading and validating a hand-over list", () => {
  it("finds the columns by header in any order below a title row, and reports bad rows in Chinese", async () => {
    const sheets = await readTable(await handoverXlsx(true));
    const plan = planImport(sheets, { units: await w.db.select().from(units), calendar: await w.deps.calendar(), now: w.clock(), source: "中央督察", defaultDueWorkingDays: 15 });
    if ("error" in plan) throw new Error(plan.error);
    expect(plan.headerLine).toBe(2);
    expect(plan.missing).toEqual([]);
    expect(plan.rows.map((r) => r.externalNo)).toEqual(GOOD.map((r) => r[1]));
    expect(plan.errors).toEqual([
      { line: 6, column: "污染类型", message: expect.stringContaining("无法识别的污染类型「光污染」") },
      { line: 6, column: "责任单位", message: expect.stringContaining("没有找到单位「不存在的街道」") },
    ]);
    const [first, second, third] = plan.rows;
    expect(first).toMatchObject({ types: ["大气", "噪声"], focus: true, channel: "来电", area: "金牛区", leadUnitId: 1, batch: { receivedOn: "2026-11-20" } });
    expect(second).toMatchObject({ types: ["水"], channel: "来信", leadUnitId: 2 });
    expect(third).toMatchObject({ types: ["土壤", "其他"], leadUnitId: null, focus: false, channel: "来电" });
    expect(first.batch.name).toBe("中央督察2026-11-20交办");
  });

  it("reads CSV with a BOM, quotes, commas and line breaks inside cells", async () => {
    const sheets = await readTable(new Uint8Array(readFileSync(new URL("../fixtures/handover.csv", import.meta.url))));
    const plan = planImport(sheets, { units: await w.db.select().from(units), calendar: await w.deps.calendar(), now: w.clock(), source: "省督察", defaultDueWorkingDays: 15 });
    if ("error" in plan) throw new Error(plan.error);
    expect(plan.errors).toEqual([]);
    expect(plan.rows[0].content).toBe('西华大道某搅拌站扬尘，"晴天尘土飞扬"，车辆带泥上路');
    expect(plan.rows[1].content).toBe("凤凰山路某餐馆油烟\n多行描述");
    expect(plan.rows[0].batch.name).toBe("省督察第1批（2026-11-21）");
    expect(parseCsv("a\tb\n1\t2")).toEqual([["a", "b"], ["1", "2"]]);
  });

  it("refuses old .xls, empty files and tables without the two key columns, in Chinese", async () => {
    await expect(readTable(Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0, 0, 0]))).rejects.toThrow(/另存为 .xlsx/);
    await expect(readTable(new Uint8Array())).rejects.toBeInstanceOf(TableReadError);
    const plan = planImport([{ name: "x", rows: [["名称", "地址"], ["a", "b"]] }], { units: [], calendar: await w.deps.calendar(), now: w.clock(), source: "中央督察", defaultDueWorkingDays: 15 });
    expect(plan).toEqual({ error: expect.stringContaining("受理编号") });
  });
});

describe("importing through the dashboard", () => {
  it("previews a list with a bad row and writes nothing, not even when the confirm is forged", async () => {
    const before = await tableCounts(w.db);
    const { res, text } = await upload("/dashboard/import/preview", { source: "中央督察", file: await xlsxFile(true) });
    expect(res.status).toBe(200);
    expect(text).toContain('data-line="6"');
    expect(text).toContain("无法识别的污染类型「光污染」");
    expect(text).not.toContain('id="commit-form"');
    // Post the bad table to the commit route anyway: refused as a whole.
    const forged = await upload("/dashboard/import/commit", { source: "中央督察", fileName: "x.xlsx", sha256: "0".repeat(64), table: await tableJson(true) });
    expect(forged.res.status).toBe(422);
    expect(forged.text).toContain("未导入任何数据");
    expect(await tableCounts(w.db)).toEqual(before);
  });

  it("imports the fixed list all at once: one batch, cases, created events and audit rows", async () => {
    const { text } = await upload("/dashboard/import/preview", { source: "中央督察", file: await xlsxFile(false) });
    expect(text).toContain('<strong id="fresh-count">4</strong>');
    const done = await upload("/dashboard/import/commit", { source: hidden(text, "source"), fileName: hidden(text, "fileName"), sha256: hidden(text, "sha256"), table: hidden(text, "table") });
    expect(done.res.status).toBe(200);
    expect(done.text).toContain("已导入 4 件");
    const rows = await w.db.select().from(cases);
    expect(rows).toHaveLength(4);
    const first = rows.find((r) => r.externalNo === "D3SC202611200001")!;
    expect(first).toMatchObject({ source: "中央督察", area: "金牛区", pollutionTypes: ["大气", "噪声"], priority: "focus", leadUnitId: 1, state: "pending_ack", createdBy: "disp" });
    expect(rows.find((r) => r.externalNo === "D3SC202611200003")).toMatchObject({ leadUnitId: null, ackBy: null });
    expect(await w.db.select().from(batches)).toMatchObject([{ name: "中央督察2026-11-20交办", receivedOn: "2026-11-20", source: "中央督察" }]);
    const created = await w.db.select().from(caseEvents).where(eq(caseEvents.kind, "created"));
    expect(created).toHaveLength(4);
    expect(created[0].data).toMatchObject({ import: { line: 3, seq: "1", channel: "来电" } });
    const audit = await w.db.select().from(auditLog);
    expect(audit.filter((a) => a.action === "case.create")).toHaveLength(4);
    expect(audit.filter((a) => a.action === "case.import")).toMatchObject([{ actor: "disp", detail: { count: 4 } }]);
  });

  it("re-importing the same list says every 受理编号 is already there and changes nothing", async () => {
    const before = await tableCounts(w.db);
    const { text } = await upload("/dashboard/import/preview", { source: "中央督察", file: await xlsxFile(false) });
    expect(text).toContain('<strong id="existing-count">4</strong>');
    expect(text).toContain("均已存在");
    const again = await upload("/dashboard/import/commit", { source: "中央督察", fileName: "x.xlsx", sha256: "0".repeat(64), table: await tableJson(false) });
    expect(again.text).toContain("全部 4 条受理编号均已存在，未作任何改动");
    expect(await tableCounts(w.db)).toEqual(before);
  });

  it("lets only the office import", async () => {
    const { res } = await upload("/dashboard/import/preview", { source: "中央督察", file: await xlsxFile(false) }, "hh.head");
    expect(res.status).toBe(403);
  });

  it("keeps every statement of a large import within D1's 100 bound parameters", async () => {
    const rows = Array.from({ length: 250 }, (_, i) => ({
      externalNo: `D3SC2026112${String(i).padStart(5, "0")}`, source: "中央督察", batch: { name: "大批次", receivedOn: "2026-11-20" }, title: "t", content: "c",
      area: null, address: null, types: ["水"], focus: false, leadUnitId: 1, coUnitIds: [], ackBy: null, dueAt: 1, origin: {},
    }));
    const meta = { actor: "disp", source: "中央督察", at: 1, fileName: "f", sha256: "s" };
    const chunks = stageChunks(w.db, "imp", rows, meta);
    expect(chunks).toHaveLength(Math.ceil(rows.length / STAGE_CHUNK));
    const stmts = [...chunks.flat(), ...swapStatements(w.db, "imp", rows.length, new Map([["大批次", "2026-11-20"]]), meta)];
    for (const s of stmts) expect((s as unknown as { toSQL(): { params: unknown[] } }).toSQL().params.length).toBeLessThanOrEqual(MAX_PARAMS);
  });
});

describe("exporting the ledger", () => {
  it("writes the disclosure layout plus our columns, and reads back equal", async () => {
    const s = sessions.get("lead")!;
    const res = await w.app.request(`${ORIGIN}/dashboard/cases/export.xlsx?source=${encodeURIComponent("中央督察")}`, { headers: { cookie: s.cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    expect(res.headers.get("content-disposition")).toContain("filename*=UTF-8''");
    const [sheet] = await readXlsxFile(await res.arrayBuffer());
    expect(sheet.sheet).toBe("督办台账");
    expect(sheet.data[0]).toEqual([...EXPORT_HEADERS]);
    const body = sheet.data.slice(1);
    expect(body).toHaveLength(4);
    const col = (h: string) => EXPORT_HEADERS.indexOf(h as (typeof EXPORT_HEADERS)[number]);
    const byNo = new Map(body.map((r) => [r[col("受理编号")], r]));
    const first = byNo.get("D3SC202611200001")!;
    expect(first[col("交办问题基本情况")]).toBe(GOOD[0][3]);
    expect(first[col("污染类型")]).toBe("大气、噪声");
    expect(first[col("是否办结")]).toBe("正在办理");
    expect(first[col("牵头单位")]).toBe("荷花池街道");
    expect(first[col("交办日期")]).toBe("2026-11-20");
    expect(first[col("办理时限")]).toBe("2026-12-31");
    expect(first[col("逾期天数（工作日）")]).toBe(0);
    expect(body.map((r) => r[col("序号")])).toEqual([1, 2, 3, 4]);
    // A unit's export holds only its own cases.
    const unit = sessions.get("sm.head")!;
    const [own] = await readXlsxFile(await (await w.app.request(`${ORIGIN}/dashboard/cases/export.xlsx`, { headers: { cookie: unit.cookie } })).arrayBuffer());
    expect(own.data.slice(1).map((r) => r[col("受理编号")])).toEqual(["X3SC202611200002"]);
  });
});

describe("cell values as inspection teams write them", () => {
  it("reads dates, types, channels and deadline words leniently, and still refuses nonsense", async () => {
    expect(findDate("2025年5月28日")).toBe("2025-05-28");
    expect(findDate("第一批（2025.5.28）")).toBe("2025-05-28");
    expect(findDate("45805")).toBe("2025-05-28");
    expect(pollutionTypes("大气污染、噪音,扬尘,固废")).toEqual({ types: ["大气", "噪声", "其他"], unknown: [] });
    expect(pollutionTypes("光污染").unknown).toEqual(["光污染"]);
    expect([channelOf("电话", ""), channelOf("信访", ""), channelOf("", "X3SC2025"), channelOf("", "ABC"), channelOf("飞鸽", "")]).toEqual(["来电", "来信", "来信", undefined, null]);
    expect([yesNo("√"), yesNo(""), yesNo("否"), yesNo("也许")]).toEqual([true, false, false, undefined]);
    const rows = [["受理编号", "交办问题基本情况", "责任单位", "办理时限"], ["D3SC202611200101", "某处噪声", "金牛区荷花池街道", "立行立改"], ["D3SC202611200102", "某处噪声", "荷花池街道办事处", "长期坚持"], ["D3SC202611200103", "某处噪声", "", "看情况"]];
    const plan = planImport([{ name: "s", rows }], { units: await w.db.select().from(units), calendar: await w.deps.calendar(), now: w.clock(), source: "中央督察", defaultDueWorkingDays: 15 });
    if ("error" in plan) throw new Error(plan.error);
    expect(plan.rows.map((r) => r.leadUnitId)).toEqual([1, 1]);
    expect(plan.errors).toEqual([{ line: 4, column: "办理时限", message: expect.stringContaining("「看情况」无法识别") }]);
    expect(plan.missing).toContain("污染类型");
    const split = planImport([{ name: "s", rows: [["批次", "受理编号", "交办日期", "交办问题基本情况"], ["第二批", "D3SC202611200104", "2026-11-25", "某处噪声"]] }], { units: [], calendar: await w.deps.calendar(), now: w.clock(), source: "中央督察", defaultDueWorkingDays: 15 });
    if ("error" in split) throw new Error(split.error);
    expect(split.rows[0].batch).toEqual({ name: "中央督察第2批（2026-11-25）", receivedOn: "2026-11-25" });
  });
});
