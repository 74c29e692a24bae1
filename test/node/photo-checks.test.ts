/** Issue 10: the photo facts and checks themselves — decoder, pHash on variants, EXIF time/place, distances. */
import { describe, expect, it } from "vitest";
import { checkPhoto, findingText, type Photo } from "../../src/domain/evidence-flags.js";
import { exifInstant, readExif } from "../../src/domain/exif.js";
import { haversineKm, photoDistanceKm, wgsToGcj } from "../../src/domain/geo.js";
import { decodeLumaDC } from "../../src/domain/jpeg-dc.js";
import { bandProbe, bands, hamming, orient, phash } from "../../src/domain/phash.js";
import { photoFacts } from "../../src/domain/photo-facts.js";
import { phaseFromText } from "../../src/domain/photo-phase.js";
import { brighten, crop, decode, encode, plantExif, resize, scene } from "../helpers/photos.js";

const ORIG = scene(1, 1200, 900);
const JPG = encode(ORIG, 90);
const hashOf = async (b: Uint8Array) => (await photoFacts(b, "image/jpeg")).phash!;

describe("DC-only decoder", () => {
  it("gives each 8×8 block's mean luma, as a full decode does", () => {
    const g = decodeLumaDC(JPG);
    expect([g.w, g.h, g.width, g.height]).toEqual([150, 113, 1200, 900]);
    const full = decode(JPG);
    let worst = 0;
    for (const [bx, by] of [[0, 0], [10, 20], [75, 56], [149, 111], [33, 90]]) {
      let s = 0;
      for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) {
        const o = ((by * 8 + y) * full.width + bx * 8 + x) * 4;
        s += (299 * full.data[o] + 587 * full.data[o + 1] + 114 * full.data[o + 2]) / 1000;
      }
      worst = Math.max(worst, Math.abs(s / 64 - g.data[by * g.w + bx]));
    }
    expect(worst).toBeLessThanOrEqual(4);
  });

  it("reads progressive (successive approximation), 4:4:4 and greyscale JPEGs to the same hash", async () => {
    // sharp (libjpeg-turbo/mozjpeg, Node only; present through miniflare) writes the variants jpeg-js cannot.
    const sharp = (await import("sharp")).default;
    const h = await hashOf(JPG);
    const variants = {
      progressive: await sharp(JPG).jpeg({ progressive: true, quality: 85 }).toBuffer(),
      mozjpeg: await sharp(JPG).jpeg({ mozjpeg: true, quality: 80 }).toBuffer(),
      full444: await sharp(JPG).jpeg({ chromaSubsampling: "4:4:4", quality: 85 }).toBuffer(),
    };
    for (const [name, b] of Object.entries(variants)) expect([name, hamming(h, await hashOf(new Uint8Array(b))) <= 2]).toEqual([name, true]);
    // Same quantisation, baseline vs progressive (DC first scan + successive-approximation refinement): same grid.
    const baseline = await sharp(JPG).jpeg({ quality: 85 }).toBuffer();
    expect(decodeLumaDC(new Uint8Array(variants.progressive)).data).toEqual(decodeLumaDC(new Uint8Array(baseline)).data);
    // A one-component (greyscale) JPEG reads like the same grey picture stored as three components.
    const grey = sharp(JPG).greyscale();
    const one = await grey.clone().jpeg({ quality: 85 }).toBuffer();
    const three = await grey.clone().toColourspace("srgb").jpeg({ quality: 85 }).toBuffer();
    expect(hamming(await hashOf(new Uint8Array(one)), await hashOf(new Uint8Array(three)))).toBeLessThanOrEqual(2);
  });

  it("refuses what it cannot read instead of guessing", () => {
    const arith = JPG.slice();
    const sof = arith.findIndex((b, i) => b === 0xff && arith[i + 1] === 0xc0);
    arith[sof + 1] = 0xc9; // arithmetic coding
    expect(() => decodeLumaDC(arith)).toThrow(/unsupported/);
    expect(() => decodeLumaDC(JPG.subarray(0, 600))).toThrow();
  });
});

describe("pHash", () => {
  it("stays within a few bits for recompressed, resized, 1280-px, cropped and brightened copies", async () => {
    const h = await hashOf(JPG);
    const full = decode(JPG);
    const variants = {
      q60: encode(full, 60),
      half: encode(resize(full, 600), 80),
      wecom: encode(resize(full, 1000), 75),
      crop4: encode(crop(full, 0.04), 85),
      bright: encode(brighten(full, 1.1), 85),
    };
    const d = Object.fromEntries(await Promise.all(Object.entries(variants).map(async ([k, b]) => [k, hamming(h, await hashOf(b))])));
    expect(Math.max(d.q60, d.half, d.wecom, d.bright)).toBeLessThanOrEqual(4);
    expect(d.crop4).toBeLessThanOrEqual(7);
  });

  it("does not hash images under 128 px a side (too few cells to compare)", async () => {
    const tiny = await photoFacts(encode(scene(7, 96, 72), 90), "image/jpeg");
    expect([tiny.photoCheck, tiny.phash]).toEqual(["no_visual", null]);
    expect((await photoFacts(encode(scene(7, 128, 128), 90), "image/jpeg")).photoCheck).toBe("ok");
  });

  it("keeps distinct scenes far apart (≥ 12 bits)", async () => {
    const hs = await Promise.all([1, 2, 3, 4, 5, 6].map((s) => hashOf(encode(scene(s, 640, 480), 85))));
    for (let i = 0; i < hs.length; i++) for (let j = i + 1; j < hs.length; j++) expect(hamming(hs[i], hs[j])).toBeGreaterThanOrEqual(12);
  });

  it("bands: two hashes ≤7 bits apart share a band within one bit", () => {
    const a = "ccb748c3b54a3aa5";
    const flip = (h: string, bit: number) => (BigInt(`0x${h}`) ^ (1n << BigInt(bit))).toString(16).padStart(16, "0");
    let b = a;
    for (const bit of [0, 1, 17, 18, 33, 34, 63]) b = flip(b, bit); // 2+2+2+1 bits spread over all four bands
    expect(hamming(a, b)).toBe(7);
    const hit = bands(a).some((x, i) => bandProbe(x).includes(bands(b)[i]));
    expect(hit).toBe(true);
  });

  it("turns the grid upright per EXIF Orientation before hashing", () => {
    const g = { w: 3, h: 2, width: 24, height: 16, data: Uint8Array.from([1, 2, 3, 4, 5, 6]) };
    expect([...orient(g, 6).data]).toEqual([4, 1, 5, 2, 6, 3]);
    expect([...orient(g, 8).data]).toEqual([3, 6, 2, 5, 1, 4]);
    expect(phash(orient(orient(g, 3), 3))).toBe(phash(g));
  });
});

describe("EXIF capture time and place", () => {
  it("reads DateTimeOriginal as business time (+08:00) unless an offset is written", async () => {
    expect(exifInstant("2026:11:02 09:41:07", undefined)).toBe(Date.parse("2026-11-02T01:41:07Z"));
    expect(exifInstant("2026:11:02 09:41:07", "+09:00")).toBe(Date.parse("2026-11-02T00:41:07Z"));
    expect(exifInstant("0000:00:00 00:00:00", undefined)).toBeUndefined();
    const planted = plantExif(JPG, { time: "2026:11:02 09:41:07", lat: 30.6577, lon: 104.0658 });
    const f = await readExif(planted);
    expect(f.takenAt).toBe(Date.parse("2026-11-02T01:41:07Z"));
    expect(f.lat).toBeCloseTo(30.6577, 4);
    expect(f.lon).toBeCloseTo(104.0658, 4);
    expect(await readExif(JPG)).toEqual({ takenAt: undefined, orientation: undefined });
  });

  it("pHash ignores the planted metadata", async () => {
    expect(await hashOf(plantExif(JPG, { time: "2026:11:02 09:41:07" }))).toBe(await hashOf(JPG));
  });
});

describe("distances", () => {
  it("a WGS-84 vs GCJ-02 mix-up alone is not 'far'; 3.2 km is", () => {
    const p = { lat: 30.6577, lon: 104.0658 };
    const [glat, glon] = wgsToGcj(p.lat, p.lon);
    expect(photoDistanceKm(p, { lat: glat, lon: glon })).toBeLessThan(0.05);
    const q = { lat: p.lat + 0.02878, lon: p.lon };
    expect(haversineKm(p.lat, p.lon, q.lat, q.lon)).toBeCloseTo(3.2, 1);
    // Either photo may have been written in GCJ-02: the smaller reading counts, never more than ~0.7 km off.
    expect(photoDistanceKm(p, q)).toBeGreaterThan(2.5);
    expect(photoDistanceKm(p, q)).toBeLessThanOrEqual(3.2);
  });
});

describe("findings", () => {
  const base: Photo = { id: 10, caseId: 2, sha256: "x", phash: null, takenAt: null, gpsLat: null, gpsLon: null, phase: "after", createdAt: Date.parse("2026-12-01T02:00:00Z"), photoCheck: "ok" };
  const c = { id: 2, createdAt: Date.parse("2026-11-20T02:00:00Z") };
  const policy = { photoOldDays: 3, photoFarMeters: 1000 };
  it("names the capture date and the dispatch date", () => {
    const r = checkPhoto({ ...base, takenAt: Date.parse("2026-11-02T02:00:00Z") }, c, [], [], [], policy);
    expect(r.findings.map((f) => findingText(f, "Asia/Shanghai"))).toEqual(["拍摄时间 11月2日 早于交办时间 11月20日"]);
  });
  it("an old photo taken after dispatch is 'old', one minutes before dispatch is nothing", () => {
    const old = checkPhoto({ ...base, takenAt: Date.parse("2026-11-25T02:00:00Z") }, c, [], [], [], policy);
    expect(old.findings.map((f) => findingText(f, "Asia/Shanghai"))).toEqual(["拍摄时间 11月25日，比上传早 6 天"]);
    expect(checkPhoto({ ...base, takenAt: c.createdAt - 5 * 60_000 }, { ...c }, [], [], [], { ...policy, photoOldDays: 30 }).findings).toEqual([]);
  });
  it("no metadata is a note, not a flag", () => {
    expect(checkPhoto(base, c, [], [], [], policy)).toEqual({ findings: [], notes: ["no_metadata"] });
  });
  it("the words sent with a photo set its phase", () => {
    expect(["整改后照片", "整改完成", "问题已整改", "现场情况", "整改前", "整改前后对比：整改后"].map(phaseFromText)).toEqual(["after", "after", "after", "before", "before", "before"]);
    expect(phaseFromText("收到")).toBeUndefined();
  });
});

describe("照片 #N 第2张 改为整改后 and 通过 with a note, parsed", async () => {
  const { parse } = await import("../../src/bot/parse.js");
  const ref = { kind: "id", id: 12 };
  it("reads the photo numbers and the phase", () => {
    expect(parse("照片 #12 第2张 改为整改后")).toEqual({ name: "remark_photo", ref, nos: [2], phase: "after" });
    expect(parse("照片 #12 第2、3张改为整改前")).toEqual({ name: "remark_photo", ref, nos: [2, 3], phase: "before" });
    expect(parse("照片 #12 第1-3张 改成整改后")).toEqual({ name: "remark_photo", ref, nos: [1, 2, 3], phase: "after" });
    expect(parse("照片 #12 第二张 改为整改后")).toMatchObject({ error: "BAD_VALUE" });
  });
  it("a caption that starts with 照片 and names no case lets the photos through", () => {
    expect(parse("照片已上传")).toMatchObject({ error: "UNKNOWN_COMMAND" });
    expect(parse("照片 #12 整改后")).toMatchObject({ error: "UNKNOWN_COMMAND" });
    expect(parse("照片 #12 第2张 改为")).toMatchObject({ error: "BAD_VALUE" });
  });
  it("通过 keeps the reviewer's note", () => {
    expect(parse("通过 #12 已现场核实")).toEqual({ name: "approve_closure", ref, note: "已现场核实" });
    expect(parse("通过 #12")).toEqual({ name: "approve_closure", ref });
  });
});
