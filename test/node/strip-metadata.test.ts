/** The shareable photo copy (R37): GPS, device and text metadata gone (checked by exifr), pixels and orientation kept. */
import { existsSync } from "node:fs";
import exifr from "exifr";
import fc from "fast-check";
import { imageSize } from "image-size";
import { chromium } from "playwright-core";
import { describe, expect, it } from "vitest";
import { imageProblem, sniff } from "../../src/domain/file-type.js";
import { exifOrientation, stripMetadata } from "../../src/domain/strip-metadata.js";
import { FIX, jpegWithGps, mp4WithGps, pngWithGps, tiffWithGps, webpWithGps } from "../helpers/exif.js";

const size = (b: Uint8Array) => imageSize(b);
const text = (b: Uint8Array) => Buffer.from(b).toString("latin1");
/** exifr reads JPEG, PNG and TIFF; for WebP it is handed the EXIF chunk's TIFF block (a chunk we failed to drop). */
function webpExif(b: Uint8Array): Uint8Array | undefined {
  for (let i = 12; i + 8 <= b.length; ) {
    const len = b[i + 4] | (b[i + 5] << 8) | (b[i + 6] << 16) | (b[i + 7] << 24);
    if (text(b.subarray(i, i + 4)) === "EXIF") return b.subarray(i + 8, i + 8 + len);
    i += 8 + len + (len & 1);
  }
  return undefined;
}
const all = async (b: Uint8Array) => {
  const src = text(b.subarray(8, 12)) === "WEBP" ? webpExif(b) : b;
  return src ? parse(src) : undefined;
};
const parse = (b: Uint8Array) => exifr.parse(Buffer.from(b), { tiff: true, exif: true, gps: true, xmp: true, iptc: true, icc: false, mergeOutput: true, translateValues: false });
const webpSize = size(FIX("site.webp"));
const planted = { "image/jpeg": jpegWithGps(), "image/png": pngWithGps(), "image/webp": webpWithGps(webpSize.width!, webpSize.height!) } as const;

describe("stripMetadata", () => {
  for (const [mime, original] of Object.entries(planted)) {
    it(`${mime}: the planted GPS, make, model and serial are readable before and gone after`, async () => {
      const before = await all(original);
      expect(before.latitude).toBeCloseTo(30.66, 2);
      expect(before.Make).toBe("Apple");
      expect(before.BodySerialNumber ?? before.SerialNumber).toBe("SN-F2LXK9Q7P");
      expect(imageProblem(original, sniff(original)!)).toBeUndefined();

      const copy = stripMetadata(original, mime);
      const after = (await all(copy)) ?? {};
      expect(after.latitude).toBeUndefined();
      expect(after.GPSLatitude).toBeUndefined();
      expect(after.Make).toBeUndefined();
      expect(after.Model).toBeUndefined();
      expect(after.BodySerialNumber).toBeUndefined();
      for (const needle of ["SN-F2LXK9Q7P", "iPhone", "GPSLatitude", "13812345678", "xmpmeta"]) expect(text(copy)).not.toContain(needle);
      // Still the same, whole, valid picture.
      expect(sniff(copy)?.mime).toBe(mime);
      expect(imageProblem(copy, sniff(copy)!)).toBeUndefined();
      expect({ w: size(copy).width, h: size(copy).height }).toEqual({ w: size(original).width, h: size(original).height });
      expect(stripMetadata(copy, mime)).toEqual(copy); // idempotent
      if (mime === "image/webp") expect(copy[20] & 0x0c).toBe(0); // VP8X no longer announces EXIF or XMP
    });
  }

  it("keeps a JPEG's Orientation so phone photos stay upright, and only that tag", async () => {
    const copy = stripMetadata(jpegWithGps(6), "image/jpeg");
    expect(await exifr.orientation(Buffer.from(copy))).toBe(6);
    expect(Object.keys((await exifr.parse(Buffer.from(copy), { tiff: true, mergeOutput: true, translateValues: false })) ?? {})).toEqual(["Orientation"]);
    expect(text(stripMetadata(jpegWithGps(1), "image/jpeg"))).not.toContain("Exif"); // upright: no EXIF at all
    expect(exifOrientation(Uint8Array.from([...Buffer.from("Exif\0\0", "latin1"), ...tiffWithGps(8)]))).toBe(8);
  });

  it("drops what phones append after the JPEG's end (a second image with its own EXIF)", () => {
    const copy = stripMetadata(jpegWithGps(), "image/jpeg");
    expect(copy[copy.length - 2]).toBe(0xff);
    expect(copy[copy.length - 1]).toBe(0xd9);
    expect(text(copy).indexOf("\xff\xd8", 2)).toBe(-1);
  });

  it("blanks position, make and serial in a phone video without moving a byte of the samples", () => {
    const video = mp4WithGps();
    expect(sniff(video)?.mime).toBe("video/mp4");
    for (const needle of ["+30.6600", "ISO6709", "iPhone", "SN-F2LXK9Q7P"]) expect(text(video)).toContain(needle);
    const copy = stripMetadata(video, "video/mp4");
    expect(copy.length).toBe(video.length);
    for (const needle of ["+30.6600", "ISO6709", "iPhone", "SN-F2LXK9Q7P", "\xa9xyz"]) expect(text(copy)).not.toContain(needle);
    // Same boxes at the same places: ftyp, moov (with mvhd and the track header), mdat byte-identical.
    const at = (b: Uint8Array, s: string) => text(b).indexOf(s);
    for (const t of ["ftyp", "moov", "mvhd", "trak", "tkhd", "mdat"]) expect(at(copy, t), t).toBe(at(video, t));
    expect(copy.subarray(at(video, "mdat"))).toEqual(video.subarray(at(video, "mdat")));
    expect(sniff(copy)?.mime).toBe("video/mp4");
    expect(stripMetadata(copy, "video/mp4")).toEqual(copy);
  });

  it("leaves clean photos and other files unchanged", () => {
    expect(stripMetadata(FIX("site.jpg"), "image/jpeg")).toEqual(FIX("site.jpg"));
    expect(stripMetadata(FIX("site.webp"), "image/webp")).toEqual(FIX("site.webp"));
    const pdf = new TextEncoder().encode("%PDF-1.4 /Author (张三)");
    expect(stripMetadata(pdf, "application/pdf")).toBe(pdf);
  });

  it("never throws on damaged or hostile bytes (2,000 runs)", () => {
    const seeds = [...Object.values(planted), mp4WithGps()];
    const mimes = [...Object.keys(planted), "video/mp4"];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), fc.nat(), (k, flips, cut) => {
        const b = seeds[k].slice(0, Math.max(4, seeds[k].length - (cut % 64)));
        for (const [at, v] of flips) b[at % b.length] = v;
        const out = stripMetadata(b, mimes[k]);
        expect(out.length).toBeLessThanOrEqual(b.length + 40);
      }),
      { numRuns: 2000 },
    );
  });

  it.skipIf(!existsSync("/usr/bin/chromium") && !process.env.CI)("the copies decode in Chromium", async () => {
    const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu"] });
    try {
      const page = await browser.newPage();
      for (const [mime, original] of Object.entries(planted)) {
        const src = `data:${mime};base64,${Buffer.from(stripMetadata(original, mime)).toString("base64")}`;
        const w = await page.evaluate(async (s) => {
          const img = new Image();
          img.src = s;
          await img.decode();
          return img.naturalWidth;
        }, src);
        expect(w, mime).toBeGreaterThan(0);
      }
    } finally {
      await browser.close();
    }
  });
});
