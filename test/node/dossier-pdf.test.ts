/**
 * The PDF dossier (issue 14 item 7) printed by real Chromium: a closed case with photos → a PDF with an embedded
 * CJK font, page numbers and each photo's full SHA-256 in its text layer (pdftotext); a batch → a ZIP with one PDF
 * per closed case, read back entry by entry with its CRC-32 checked; every download audited; no Chromium → 501.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, inArray } from "drizzle-orm";
import { attachments, auditLog, batches, cases } from "../../src/db/schema.js";
import { chromiumPdf } from "../../src/web/pdf/chromium.js";
import { sha256Hex } from "../../src/files/types.js";
import { crc32, zipStream } from "../../src/web/pdf/zip.js";
import { say } from "../helpers/fixture.js";
import { encode, scene } from "../helpers/photos.js";
import { post, sessionFor, webApp } from "../helpers/web.js";

const pdfMaker = chromiumPdf();
const skip = !pdfMaker && !process.env.CI;
if (skip) console.warn("dossier-pdf.test.ts skipped: no Chromium (apt-get install -y chromium fonts-wqy-microhei poppler-utils). In CI this test always runs.");
const CLOSE_ALL = "核查：属实，经现场核实该店未安装油烟净化设施\n整改：已安装油烟净化器并投入使用\n分类：限期整改\n责任：约谈店主张某，责令整改\n回访：满意";

/** The text layer of a PDF, by pdftotext (poppler-utils; .ci/run installs it). */
function pdfText(pdf: Uint8Array, dir: string): string {
  const file = join(dir, `t-${Math.random().toString(36).slice(2)}.pdf`);
  writeFileSync(file, pdf);
  return execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" });
}
const latin1 = (b: Uint8Array) => Buffer.from(b).toString("latin1");
const pageCount = (pdf: Uint8Array) => (latin1(pdf).match(/\/Type\s*\/Page[^s]/g) ?? []).length;

/** Entries of a stored (method 0) ZIP, read from its central directory; each CRC-32 is checked against the bytes. */
function unzip(zip: Uint8Array): { name: string; bytes: Uint8Array }[] {
  const v = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const eocd = zip.length - 22;
  expect(v.getUint32(eocd, true)).toBe(0x06054b50);
  const n = v.getUint16(eocd + 10, true);
  let p = v.getUint32(eocd + 16, true);
  const out: { name: string; bytes: Uint8Array }[] = [];
  for (let i = 0; i < n; i++) {
    expect(v.getUint32(p, true)).toBe(0x02014b50);
    const [crc, size, nameLen, extra, comment, local] = [v.getUint32(p + 16, true), v.getUint32(p + 20, true), v.getUint16(p + 28, true), v.getUint16(p + 30, true), v.getUint16(p + 32, true), v.getUint32(p + 42, true)];
    const name = new TextDecoder().decode(zip.subarray(p + 46, p + 46 + nameLen));
    expect(v.getUint32(local, true)).toBe(0x04034b50);
    expect(v.getUint16(local + 8, true)).toBe(0); // stored
    const start = local + 30 + v.getUint16(local + 26, true) + v.getUint16(local + 28, true);
    const bytes = zip.subarray(start, start + size);
    expect(crc32(bytes), name).toBe(crc);
    out.push({ name, bytes });
    p += 46 + nameLen + extra + comment;
  }
  return out;
}

describe.skipIf(skip)("PDF dossier on Node with Chromium", () => {
  let w: Awaited<ReturnType<typeof webApp>>;
  let dir: string;
  const ids: number[] = [];
  let batchId: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "duban-pdf-"));
    w = await webApp({ env: { pdf: pdfMaker } });
    const id = (reply: string) => Number(/#(\d+)/.exec(reply)![1]);
    for (let k = 0; k < 3; k++) {
      const c = id(await say(w.deps, "disp", "g-command", `交办 荷花池北街第${k + 1}家餐馆油烟直排 给 荷花池街道 限 12月30日`));
      await say(w.deps, "hh.officer", "g-hh", `签收 #${c}`);
      await say(w.deps, "hh.officer", "g-hh", `进展 #${c} 现场检查 整改前`, { images: [encode(scene(10 + k, 320, 240))] });
      if (k < 2) {
        expect(await say(w.deps, "hh.officer", "g-hh", `办结 #${c}\n${CLOSE_ALL}`, { images: [encode(scene(20 + k, 320, 240))] })).toContain("已提交");
        expect(await say(w.deps, "lead", "g-command", `通过 #${c}`)).toContain("审核通过");
      }
      ids.push(c);
    }
    [{ id: batchId }] = await w.db.insert(batches).values({ name: "2026年第二轮中央督察转办", source: "中央督察", receivedOn: "2026-11-20" }).returning({ id: batches.id });
    await w.db.update(cases).set({ batchId }).where(inArray(cases.id, ids));
  }, 120_000);
  afterAll(async () => {
    await w?.store.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("prints one case: %PDF, pages, an embedded font, page numbers and each photo's full SHA-256 in the text", { timeout: 120_000 }, async () => {
    const s = await sessionFor(w.db, "disp", w.clock());
    const res = await post(w.app, `/dashboard/cases/${ids[0]}/dossier.pdf`, { _csrf: s.csrf }, { cookie: s.cookie });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    expect(res.headers.get("content-disposition")).toContain(`dossier-${ids[0]}.pdf`);
    const pdf = new Uint8Array(await res.arrayBuffer());
    expect(latin1(pdf.subarray(0, 5))).toBe("%PDF-");
    expect(pageCount(pdf)).toBeGreaterThan(0);
    expect(latin1(pdf)).toMatch(/\/FontFile2/); // TrueType glyphs embedded, not a font reference
    const photos = await w.db.select().from(attachments).where(eq(attachments.caseId, ids[0]));
    expect(photos.length).toBe(2);
    expect(latin1(pdf)).toMatch(/\/Subtype\s*\/Image/); // the photos themselves, inlined
    const text = pdfText(pdf, dir);
    for (const p of photos) expect(text).toContain(p.sha256);
    expect(text).toContain("一案一档");
    expect(text).toMatch(/第\s*1\s*页\s*\/\s*共\s*\d+\s*页/); // the footer's page numbers
    const [audit] = await w.db.select().from(auditLog).where(eq(auditLog.action, "dossier.pdf"));
    expect(audit).toMatchObject({ actor: "disp", object: `case:${ids[0]}`, result: "ok", detail: { bytes: pdf.length, sha256: await sha256Hex(pdf) } });
  });

  it("zips the batch: one PDF per closed case (the open one left out), streamed, audited", { timeout: 180_000 }, async () => {
    const s = await sessionFor(w.db, "lead", w.clock());
    const res = await post(w.app, `/dashboard/batches/${batchId}/dossiers.zip`, { _csrf: s.csrf }, { cookie: s.cookie });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/zip");
    const entries = unzip(new Uint8Array(await res.arrayBuffer()));
    expect(entries.map((e) => e.name)).toEqual([expect.stringMatching(new RegExp(`^一案一档-${ids[0]}-`)), expect.stringMatching(new RegExp(`^一案一档-${ids[1]}-`))]);
    for (const e of entries) {
      expect(latin1(e.bytes.subarray(0, 5))).toBe("%PDF-");
      expect(pageCount(e.bytes)).toBeGreaterThan(0);
    }
    const [audit] = await w.db.select().from(auditLog).where(eq(auditLog.action, "dossier.zip"));
    expect(audit).toMatchObject({ actor: "lead", object: `batch:${batchId}`, detail: { cases: [ids[0], ids[1]] } });
  });

  it("follows the dossier's permissions: another unit gets 404, the auditor 403, and neither is audited", async () => {
    const other = await sessionFor(w.db, "sm.head", w.clock());
    expect((await post(w.app, `/dashboard/cases/${ids[0]}/dossier.pdf`, { _csrf: other.csrf }, { cookie: other.cookie })).status).toBe(404);
    const auditor = await sessionFor(w.db, "audit", w.clock());
    expect((await post(w.app, `/dashboard/cases/${ids[0]}/dossier.pdf`, { _csrf: auditor.csrf }, { cookie: auditor.cookie })).status).toBe(403);
    expect(await w.db.select().from(auditLog).where(eq(auditLog.action, "dossier.pdf"))).toHaveLength(1);
  });
});

describe.skipIf(skip)("a browser that fails", () => {
  it("answers 503 in Chinese with the print view, logs it, and audits no download", async () => {
    const errors: string[] = [];
    // A real launch of something that is not a browser (CHROMIUM_PATH set wrong): playwright's launch fails.
    const w = await webApp({ env: { pdf: chromiumPdf("/bin/false") } });
    w.deps.log = { ...w.deps.log, error: (msg: string) => void errors.push(msg) };
    try {
      const c = Number(/#(\d+)/.exec(await say(w.deps, "disp", "g-command", "交办 荷花池南街扬尘 给 荷花池街道 限 12月30日"))![1]);
      const s = await sessionFor(w.db, "disp", w.clock());
      const res = await post(w.app, `/dashboard/cases/${c}/dossier.pdf`, { _csrf: s.csrf }, { cookie: s.cookie });
      expect(res.status).toBe(503);
      expect(await res.text()).toContain(`href="/dashboard/cases/${c}/dossier"`);
      expect(errors).toContain("dossier PDF failed");
      expect(await w.db.select().from(auditLog).where(eq(auditLog.action, "dossier.pdf"))).toEqual([]);
    } finally {
      await w.store.cleanup();
    }
  });
});

describe("the ZIP writer", () => {
  it("asks for one entry at a time as the reader pulls, and writes an archive Python's zipfile accepts (names, CRC-32)", async () => {
    let asked = 0;
    const big = new Uint8Array(300_000).map((_, i) => (i * 7919) % 251);
    const small = (n: number) => new TextEncoder().encode(`entry ${n}`);
    const stream = zipStream(async () => (++asked <= 3 ? { name: `第${asked}件.pdf`, bytes: asked === 2 ? big : small(asked), modified: new Date(2026, 11, 2, 10, 30) } : undefined));
    const reader = stream.getReader();
    const parts: Uint8Array[] = [];
    const first = await reader.read();
    parts.push(first.value!);
    expect(asked).toBe(1); // bounded: entries are produced as the body is read, not up front
    for (let r = await reader.read(); !r.done; r = await reader.read()) parts.push(r.value);
    expect(asked).toBe(4);
    const dir = mkdtempSync(join(tmpdir(), "duban-zip-"));
    try {
      writeFileSync(join(dir, "t.zip"), Buffer.concat(parts));
      const script = "import zipfile,sys\nz=zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None\nfor i in z.infolist(): print(i.filename, i.file_size, '%08x' % i.CRC)";
      const out = execFileSync("python3", ["-c", script, join(dir, "t.zip")], { encoding: "utf8" });
      const hex = (b: Uint8Array) => crc32(b).toString(16).padStart(8, "0");
      expect(out.trim().split("\n")).toEqual([`第1件.pdf 7 ${hex(small(1))}`, `第2件.pdf 300000 ${hex(big)}`, `第3件.pdf 7 ${hex(small(3))}`]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("computes the standard CRC-32", () => {
    expect(crc32(new TextEncoder().encode("123456789")).toString(16)).toBe("cbf43926");
  });
});

describe("without Chromium (as on Workers)", () => {
  it("answers 501 in Chinese, pointing to the browser print view, and writes nothing", async () => {
    const w = await webApp();
    try {
      const c = Number(/#(\d+)/.exec(await say(w.deps, "disp", "g-command", "交办 荷花池南街扬尘 给 荷花池街道 限 12月30日"))![1]);
      const s = await sessionFor(w.db, "disp", w.clock());
      const res = await post(w.app, `/dashboard/cases/${c}/dossier.pdf`, { _csrf: s.csrf }, { cookie: s.cookie });
      expect(res.status).toBe(501);
      const html = await res.text();
      expect(html).toContain("不能生成 PDF");
      expect(html).toContain(`href="/dashboard/cases/${c}/dossier"`);
      expect(await w.db.select().from(auditLog).where(eq(auditLog.action, "dossier.pdf"))).toEqual([]);
      // The way in: 下载 PDF on the dossier page, 批次归档 on the ledger filtered by a batch.
      const dossier = await (await w.app.request(`/dashboard/cases/${c}/dossier`, { headers: { cookie: s.cookie } })).text();
      expect(dossier).toContain(`action="/dashboard/cases/${c}/dossier.pdf"`);
      expect(dossier).toContain("下载 PDF");
      const [{ id: b }] = await w.db.insert(batches).values({ name: "第一批", source: "中央督察", receivedOn: "2026-11-20" }).returning({ id: batches.id });
      const ledger = await (await w.app.request(`/dashboard/cases?batch=${b}`, { headers: { cookie: s.cookie } })).text();
      expect(ledger).toContain(`action="/dashboard/batches/${b}/dossiers.zip"`);
      expect(ledger).toContain("批次归档（PDF 压缩包）");
      expect(await (await w.app.request("/dashboard/cases", { headers: { cookie: s.cookie } })).text()).not.toContain("批次归档");
    } finally {
      await w.store.cleanup();
    }
  });
});
