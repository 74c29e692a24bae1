/**
 * R37 over HTTP: the photo everyone sees has no GPS or device tags (parsed with exifr); the untouched original goes
 * only to the office's evidence holders, by POST, and every read leaves an audit row naming the file's SHA-256.
 */
import exifr from "exifr";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { attachments, auditLog } from "../../src/db/schema.js";
import { sha256Hex } from "../../src/files/types.js";
import { say } from "../helpers/fixture.js";
import { jpegWithGps, mp4WithGps } from "../helpers/exif.js";
import { get, post, sessionFor, totalChanges, webApp } from "../helpers/web.js";

const hex = async (b: Uint8Array) => sha256Hex(b);

describe("photo originals and their shareable copies (R37)", () => {
  let w: Awaited<ReturnType<typeof webApp>>;
  let caseId: number;
  let fileId: number;
  const original = jpegWithGps();
  beforeAll(async () => {
    w = await webApp();
    caseId = Number(/#(\d+)/.exec(await say(w.deps, "disp", "g-command", "交办 金牛大道某烧烤店油烟扰民 给 荷花池 限 5个工作日"))![1]);
    await say(w.deps, "hh.officer", "g-hh", `签收 #${caseId}`);
    expect(await say(w.deps, "hh.officer", "g-hh", `进展 #${caseId} 现场照片 整改前`, { images: [original] })).toContain("附件 1 个");
    [{ id: fileId }] = await w.db.select({ id: attachments.id }).from(attachments).where(eq(attachments.caseId, caseId));
  });
  afterAll(() => w.store.cleanup());

  it("stores the original untouched and records its SHA-256 in the audit log at receipt", async () => {
    const [row] = await w.db.select().from(attachments).where(eq(attachments.id, fileId));
    expect(row.sha256).toBe(await hex(original));
    const stored = await w.deps.files.get(row.storageKey);
    expect(stored!.bytes).toEqual(original);
    const [receipt] = await w.db.select().from(auditLog).where(and(eq(auditLog.action, "evidence.receive"), eq(auditLog.object, `case:${caseId}`)));
    expect(receipt.detail).toEqual({ files: [{ sha256: row.sha256, size: original.length, mime: "image/jpeg" }] });
  });

  it("shows every reader, officer included, a copy without GPS, make, model or serial", async () => {
    const officer = await sessionFor(w.db, "hh.officer", w.clock());
    const res = await get(w.app, `/dashboard/files/${fileId}`, officer.cookie);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/jpeg");
    const copy = new Uint8Array(await res.arrayBuffer());
    const tags = (await exifr.parse(Buffer.from(copy), { tiff: true, exif: true, gps: true, xmp: true, mergeOutput: true, translateValues: false })) ?? {};
    expect([tags.latitude, tags.Make, tags.Model, tags.BodySerialNumber]).toEqual([undefined, undefined, undefined, undefined]);
    expect(tags.Orientation).toBe(6); // still shown upright
    expect((await exifr.gps(Buffer.from(original)))?.latitude).toBeCloseTo(30.66, 2); // while the original has it
  });

  it("refuses the original to officers and unit heads (403) and never on a GET", async () => {
    for (const u of ["hh.officer", "hh.head", "acct"]) {
      const s = await sessionFor(w.db, u, w.clock());
      const res = await post(w.app, `/dashboard/files/${fileId}/original`, { _csrf: s.csrf, reason: "核查整改情况" }, { cookie: s.cookie });
      expect(res.status, u).toBe(403);
      expect(new Uint8Array(await res.arrayBuffer())).not.toEqual(original);
    }
    const disp = await sessionFor(w.db, "disp", w.clock());
    expect((await get(w.app, `/dashboard/files/${fileId}/original`, disp.cookie)).status).toBe(404);
    const page = await (await get(w.app, `/dashboard/cases/${caseId}`, (await sessionFor(w.db, "hh.officer", w.clock())).cookie)).text();
    expect(page).not.toContain("下载原件");
  });

  it("serves a phone video without its position, and its original only to the office", async () => {
    const video = mp4WithGps();
    await say(w.deps, "hh.officer", "g-hh", `进展 #${caseId} 现场视频`, { images: [video] });
    const [row] = await w.db.select().from(attachments).where(and(eq(attachments.caseId, caseId), eq(attachments.mime, "video/mp4")));
    const officer = await sessionFor(w.db, "hh.officer", w.clock());
    const copy = Buffer.from(await (await get(w.app, `/dashboard/files/${row.id}`, officer.cookie)).arrayBuffer()).toString("latin1");
    expect(copy.length).toBe(video.length);
    expect(copy).not.toContain("+30.6600");
    const disp = await sessionFor(w.db, "disp", w.clock());
    expect(await (await get(w.app, `/dashboard/cases/${caseId}`, disp.cookie)).text()).toContain(`action="/dashboard/files/${row.id}/original"`);
    const res = await post(w.app, `/dashboard/files/${row.id}/original`, { _csrf: disp.csrf, reason: "回头看核查视频原件" }, { cookie: disp.cookie });
    expect(await hex(new Uint8Array(await res.arrayBuffer()))).toBe(await hex(video));
  });

  it("gives the dispatcher the byte-identical original and audits the read", async () => {
    const disp = await sessionFor(w.db, "disp", w.clock());
    const page = await (await get(w.app, `/dashboard/cases/${caseId}`, disp.cookie)).text();
    expect(page).toContain(`action="/dashboard/files/${fileId}/original"`);
    // Without a reason nothing is read and nothing is written.
    const quiet = await totalChanges(w.db);
    const noReason = await post(w.app, `/dashboard/files/${fileId}/original`, { _csrf: disp.csrf, reason: "看看" }, { cookie: disp.cookie });
    expect(noReason.status).toBe(400);
    expect(await noReason.text()).toContain("请填写下载事由（至少 4 个字）");
    expect(await totalChanges(w.db)).toBe(quiet);
    const before = await totalChanges(w.db);
    const res = await post(w.app, `/dashboard/files/${fileId}/original`, { _csrf: disp.csrf, reason: "督察回头看调取原始照片" }, { cookie: disp.cookie });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toMatch(/^attachment;/);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const body = new Uint8Array(await res.arrayBuffer());
    expect(await hex(body)).toBe(await hex(original));
    expect(await totalChanges(w.db)).toBeGreaterThan(before);
    const reads = await w.db.select().from(auditLog).where(eq(auditLog.action, "evidence.original_read"));
    expect(reads).toHaveLength(2); // the video's, then this photo's
    expect(reads[1]).toMatchObject({ actor: "disp", object: `case:${caseId}`, result: "ok", detail: { attachmentId: fileId, sha256: await hex(original), reason: "督察回头看调取原始照片" } });
    // Without the session's CSRF token the POST is refused and nothing is read.
    expect((await post(w.app, `/dashboard/files/${fileId}/original`, { _csrf: "forged", reason: "督察回头看调取原始照片" }, { cookie: disp.cookie })).status).toBe(403);
    expect(await w.db.select().from(auditLog).where(eq(auditLog.action, "evidence.original_read"))).toHaveLength(2);
  });
});
