/**
 * Import of hand-over lists and export of the ledger: columns found by header in any order, per-row errors
 * with nothing written, all-or-nothing import, idempotent re-import, and an export read back with read-excel-file.
 */
import { readFileSync } from "node:fs";
import { eq } from "drizzle-orm";
import readXlsxFile from "read-excel-file/universal";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../../src/cli.js";
import { MAX_PARAMS, STAGE_CHUNK, stageChunks, swapStatements } from "../../src/db/import-cases.js";
import { auditLog, batches, caseEvents, cases, units } from "../../src/db/schema.js";
import { EXPORT_HEADERS } from "../../src/web/excel/export-rows.js";
import { planImport, sheetAsText } from "../../src/sheets/import-rows.js";
import { readTable, TableReadError } from "../../src/sheets/read.js";
import { parseCsv } from "../../src/sheets/csv.js";
import { channelOf, findDate, pollutionTypes, yesNo } from "../../src/sheets/values.js";
import { GOOD, handoverXlsx } from "../fixtures/handover.js";
import { ORIGIN, sessionFor, tableCounts, webApp } from "../helpers/web.js";
import { sha256Hex } from "../../src/files/types.js";

let w: Awaited<ReturnType<typeof webApp>>;
beforeAll(async () => {
  w = await webApp();
  for (const u of ["disp", "lead", "hh.head", "sm.head"]) sessions.set(u, await sessionFor(w.db, u, w.clock()));
});
afterAll(() => w.store.cleanup());

let confirm: Record<string, string> = {};
/** A small hand-over list as CSV text: 受理编号, 交办问题基本情况, 责任单位, 办理时限. */
const csvOf = (...rows: string[][]) => ["受理编号,交办问题基本情况,责任单位,办理时限", ...rows.map((r) => `${r.join(",")},荷花池街道,2026-12-31`)].join("\n");
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
    expect(text).not.toContain('name="previewId"');
    // Post the bad table to the commit route anyway: no preview of the server's stands behind it.
    const forged = await upload("/dashboard/import/commit", { previewId: crypto.randomUUID(), table: await tableJson(true) });
    expect(forged.res.status).toBe(409);
    expect(forged.text).toContain("请重新上传文件");
    expect(await tableCounts(w.db)).toEqual(before);
  });

  it("imports the fixed list all at once: one batch, cases, created events and audit rows", async () => {
    const uploaded = await handoverXlsx(false);
    const { text } = await upload("/dashboard/import/preview", { source: "中央督察", file: new File([uploaded as Uint8Array<ArrayBuffer>], "交办清单.xlsx") });
    expect(text).toContain('<strong id="fresh-count">4</strong>');
    confirm = { previewId: hidden(text, "previewId"), table: hidden(text, "table") };
    const done = await upload("/dashboard/import/commit", confirm);
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
    // The recorded hash is the server's, of the bytes uploaded (issue 16 item 8).
    const fileHash = await sha256Hex(uploaded);
    expect(audit.filter((a) => a.action === "case.import")).toMatchObject([{ actor: "disp", detail: { count: 4, sha256: fileHash, file: "交办清单.xlsx" } }]);
  });

  it("re-importing the same list says every 受理编号 is already there and changes nothing", async () => {
    const before = await tableCounts(w.db);
    const { text } = await upload("/dashboard/import/preview", { source: "中央督察", file: await xlsxFile(false) });
    expect(text).toContain('<strong id="existing-count">4</strong>');
    expect(text).toContain("均已存在");
    const again = await upload("/dashboard/import/commit", confirm);
    expect(again.text).toContain("全部 4 条受理编号均已存在，未作任何改动");
    expect(await tableCounts(w.db)).toEqual(before);
  });

  it("imports only the table the server parsed from the upload, for the person who uploaded it", async () => {
    const { text } = await upload("/dashboard/import/preview", { source: "省督察", file: new File([csvOf(["D3SC202611209001", "某处噪声一"], ["D3SC202611209002", "某处噪声二"])], "b.csv") });
    const previewId = hidden(text, "previewId");
    const table = JSON.parse(hidden(text, "table")) as string[][];
    expect(text).toContain(`<code id="file-sha256">${await sha256Hex(new TextEncoder().encode(csvOf(["D3SC202611209001", "某处噪声一"], ["D3SC202611209002", "某处噪声二"])))}</code>`);
    const before = await tableCounts(w.db);
    // A row added to the posted table: refused, nothing written.
    const added = await upload("/dashboard/import/commit", { previewId, table: JSON.stringify([...table, ["D3SC202611209003", "某处噪声三", "荷花池街道", "2026-12-31"]]) });
    expect(added.res.status).toBe(409);
    expect(added.text).toContain("提交的表格与上传的文件不一致，未导入任何数据");
    // Another person's confirm with this preview id: as if it did not exist.
    const other = await upload("/dashboard/import/commit", { previewId, table: JSON.stringify(table) }, "lead");
    expect(other.res.status).toBe(409);
    expect(other.text).toContain("预览已过期或不存在");
    expect(await tableCounts(w.db)).toEqual(before);
    // Hidden fields of the old form are ignored: the source and hash come from the server's record.
    const ok = await upload("/dashboard/import/commit", { previewId, table: JSON.stringify(table), source: "12345", sha256: "0".repeat(64) });
    expect(ok.text).toContain("已导入 2 件");
    const [imp] = (await w.db.select().from(auditLog).where(eq(auditLog.action, "case.import"))).slice(-1);
    expect(imp.detail).toMatchObject({ file: "b.csv", sha256: await sha256Hex(new TextEncoder().encode(csvOf(["D3SC202611209001", "某处噪声一"], ["D3SC202611209002", "某处噪声二"]))) });
    expect((await w.db.select().from(cases).where(eq(cases.externalNo, "D3SC202611209001")))[0].source).toBe("省督察");
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
    const res = await exportAs("lead", `?source=${encodeURIComponent("中央督察")}`);
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
    const [own] = await readXlsxFile(await (await exportAs("sm.head")).arrayBuffer());
    expect(own.data.slice(1).map((r) => r[col("受理编号")])).toEqual(["X3SC202611200002"]);
  });

  it("audits every export: who, which filter (search text masked), how many rows, which format", async () => {
    const exports = async () => (await w.db.select().from(auditLog).where(eq(auditLog.action, "ledger.export"))).length;
    const before = await exports();
    const res = await exportAs("disp", `?source=${encodeURIComponent("中央督察")}&q=${encodeURIComponent("13812345678")}`);
    expect(res.status).toBe(200);
    const [row] = (await w.db.select().from(auditLog).where(eq(auditLog.action, "ledger.export"))).slice(-1);
    expect(row).toMatchObject({ actor: "disp", result: "ok", source: "web", detail: { format: "xlsx", rows: 0, filter: { source: "中央督察" } } });
    expect(JSON.stringify(row.detail)).not.toContain("13812345678");
    expect((row.detail as { filter: { q?: string } }).filter.q).toBeTruthy();
    const all = await exportAs("disp");
    const [sheet] = await readXlsxFile(await all.arrayBuffer());
    const [last] = (await w.db.select().from(auditLog).where(eq(auditLog.action, "ledger.export"))).slice(-1);
    expect(last.detail).toEqual({ format: "xlsx", rows: sheet.data.length - 1, filter: {} });
    expect(await exports()).toBe(before + 2);
    // Without the session's CSRF token nothing is exported and nothing written; the old GET link only redirects.
    const s = sessions.get("disp")!;
    const forged = await w.app.request(`${ORIGIN}/dashboard/cases/export.xlsx`, { method: "POST", headers: { cookie: s.cookie, origin: ORIGIN, "content-type": "application/x-www-form-urlencoded" }, body: "_csrf=wrong" });
    expect(forged.status).toBe(403);
    const old = await w.app.request(`${ORIGIN}/dashboard/cases/export.xlsx?source=${encodeURIComponent("中央督察")}`, { headers: { cookie: s.cookie } });
    expect(old.status).toBe(303);
    expect(old.headers.get("location")).toBe(`/dashboard/cases?source=${encodeURIComponent("中央督察")}`);
    expect(await exports()).toBe(before + 2);
  });
});

describe("duban export", () => {
  it("writes the whole ledger to a file and an audit row with actor cli", async () => {
    const env = { ...process.env };
    Object.assign(process.env, { DATABASE_URL: `file:${join(w.store.dir, "test.db")}`, FILES_DIR: join(w.store.dir, "files"), LOG_LEVEL: "error", WECOM_MODE: "off", DEMO_SEED: "false" });
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    try {
      const file = join(w.store.dir, "cli-export.xlsx");
      expect(await main(["export", file])).toBe(0);
      // A copy: a small Buffer may be a view into Node's shared pool, whose .buffer starts with other bytes.
      const [sheet] = await readXlsxFile(new Uint8Array(readFileSync(file)).buffer);
      const [row] = (await w.db.select().from(auditLog).where(eq(auditLog.actor, "cli"))).filter((a) => a.action === "ledger.export");
      expect(row).toMatchObject({ source: "cli", result: "ok", detail: { format: "xlsx", rows: sheet.data.length - 1, filter: {} } });
    } finally {
      log.mockRestore();
      process.env = env;
    }
  });
});

/** 导出 Excel as the ledger's form sends it: a POST with the session's CSRF token, the filters in the query. */
async function exportAs(userId: string, query = "") {
  const s = sessions.get(userId) ?? (await sessionFor(w.db, userId, w.clock()));
  sessions.set(userId, s);
  const body = new URLSearchParams({ _csrf: s.csrf });
  return w.app.request(`${ORIGIN}/dashboard/cases/export.xlsx${query}`, { method: "POST", headers: { cookie: s.cookie, origin: ORIGIN, "content-type": "application/x-www-form-urlencoded" }, body });
}

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
