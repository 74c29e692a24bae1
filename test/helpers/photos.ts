/**
 * Photos drawn in code for the evidence checks (evidence.md §6): distinct outdoor-like scenes from a seed, their
 * variants (recompressed, resized, cropped, brightened) and EXIF capture time / GPS planted into the JPEG.
 * Pure JS (jpeg-js), so the same photos can be made in Node and inside workerd.
 */
import jpeg from "jpeg-js";

export type Rgba = { width: number; height: number; data: Uint8Array };

/** mulberry32: the same seed always draws the same scene. */
const rng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
};

/** Sky, ground and ten coloured blobs with pixel noise. */
export function scene(seed: number, width: number, height: number): Rgba {
  const r = rng(seed);
  const hz = 0.3 + r() * 0.25;
  const blobs = Array.from({ length: 10 }, () => ({ x: r(), y: hz + r() * (1 - hz), rx: 0.03 + r() * 0.1, ry: 0.02 + r() * 0.06, c: [r() * 255, r() * 255, r() * 255] }));
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    const v = y / height;
    for (let x = 0; x < width; x++) {
      const u = x / width;
      let c = v < hz ? [170, 190, 230] : [90 + 40 * v, 80, 50];
      for (const b of blobs) if (((u - b.x) / b.rx) ** 2 + ((v - b.y) / b.ry) ** 2 < 1) c = b.c;
      const o = (y * width + x) * 4;
      for (let k = 0; k < 3; k++) data[o + k] = Math.max(0, Math.min(255, c[k] + (r() - 0.5) * 30));
      data[o + 3] = 255;
    }
  }
  return { width, height, data };
}

export const encode = (img: Rgba, quality = 90): Uint8Array => new Uint8Array(jpeg.encode({ ...img, data: img.data as unknown as Buffer }, quality).data);
export const decode = (bytes: Uint8Array): Rgba => {
  const d = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
  return { width: d.width, height: d.height, data: d.data };
};

/** Box-filtered downscale to `width` (keeps the aspect ratio). */
export function resize(img: Rgba, width: number): Rgba {
  const height = Math.round((img.height * width) / img.width);
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const x0 = Math.floor((x * img.width) / width), x1 = Math.max(x0 + 1, Math.floor(((x + 1) * img.width) / width));
    const y0 = Math.floor((y * img.height) / height), y1 = Math.max(y0 + 1, Math.floor(((y + 1) * img.height) / height));
    for (let k = 0; k < 4; k++) {
      let s = 0;
      for (let yy = y0; yy < y1; yy++) for (let xx = x0; xx < x1; xx++) s += img.data[(yy * img.width + xx) * 4 + k];
      data[(y * width + x) * 4 + k] = Math.round(s / ((y1 - y0) * (x1 - x0)));
    }
  }
  return { width, height, data };
}

/** Cut `frac` of the width and height, half from each side. */
export function crop(img: Rgba, frac: number): Rgba {
  const dx = Math.round((img.width * frac) / 2), dy = Math.round((img.height * frac) / 2);
  const width = img.width - 2 * dx, height = img.height - 2 * dy;
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) data.set(img.data.subarray(((y + dy) * img.width + dx) * 4, ((y + dy) * img.width + dx + width) * 4), y * width * 4);
  return { width, height, data };
}

export function brighten(img: Rgba, factor: number): Rgba {
  const data = img.data.map((v, i) => (i % 4 === 3 ? v : Math.min(255, Math.round(v * factor))));
  return { ...img, data };
}

const le16 = (n: number) => [n & 255, (n >> 8) & 255];
const le32 = (n: number) => [n & 255, (n >> 8) & 255, (n >> 16) & 255, (n >>> 24) & 255];
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0)).concat(0);
type Entry = { tag: number; type: number; data: number[]; count: number };

function ifd(at: number, entries: Entry[], next = 0): number[] {
  const head = [...le16(entries.length)];
  const tail: number[] = [];
  const dataAt = at + 2 + entries.length * 12 + 4;
  for (const e of [...entries].sort((a, b) => a.tag - b.tag)) {
    head.push(...le16(e.tag), ...le16(e.type), ...le32(e.count));
    if (e.data.length <= 4) head.push(...e.data, ...new Array(4 - e.data.length).fill(0));
    else {
      head.push(...le32(dataAt + tail.length));
      tail.push(...e.data, ...(e.data.length & 1 ? [0] : []));
    }
  }
  return [...head, ...le32(next), ...tail];
}

const dms = (deg: number) => {
  const a = Math.abs(deg), d = Math.floor(a), m = Math.floor((a - d) * 60), s = Math.round(((a - d) * 60 - m) * 60 * 10000);
  return [...le32(d), ...le32(1), ...le32(m), ...le32(1), ...le32(s), ...le32(10000)];
};

export type Planted = { time?: string; offset?: string; lat?: number; lon?: number; orientation?: number };

/** An EXIF APP1 (DateTimeOriginal "YYYY:MM:DD HH:MM:SS", OffsetTimeOriginal, GPS, Orientation) right after SOI. */
export function plantExif(jpg: Uint8Array, p: Planted): Uint8Array {
  const exifEntries: Entry[] = [];
  if (p.time) exifEntries.push({ tag: 0x9003, type: 2, count: 20, data: ascii(p.time) });
  if (p.offset) exifEntries.push({ tag: 0x9011, type: 2, count: 7, data: ascii(p.offset) });
  const gpsEntries: Entry[] =
    p.lat === undefined || p.lon === undefined
      ? []
      : [
          { tag: 1, type: 2, count: 2, data: ascii(p.lat < 0 ? "S" : "N") },
          { tag: 2, type: 5, count: 3, data: dms(p.lat) },
          { tag: 3, type: 2, count: 2, data: ascii(p.lon < 0 ? "W" : "E") },
          { tag: 4, type: 5, count: 3, data: dms(p.lon) },
        ];
  const ifd0: Entry[] = [{ tag: 0x010f, type: 2, count: 7, data: ascii("HUAWEI") }];
  if (p.orientation) ifd0.push({ tag: 0x0112, type: 3, count: 1, data: le16(p.orientation) });
  ifd0.push({ tag: 0x8769, type: 4, count: 1, data: le32(0) });
  if (gpsEntries.length) ifd0.push({ tag: 0x8825, type: 4, count: 1, data: le32(0) });
  // Two passes: the pointers need the sizes of the IFDs before them.
  const size0 = ifd(8, ifd0).length;
  const exifAt = 8 + size0;
  const exifBytes = ifd(exifAt, exifEntries);
  const gpsAt = exifAt + exifBytes.length;
  for (const e of ifd0) if (e.tag === 0x8769) e.data = le32(exifAt); else if (e.tag === 0x8825) e.data = le32(gpsAt);
  const tiff = [0x49, 0x49, 0x2a, 0, ...le32(8), ...ifd(8, ifd0), ...exifBytes, ...(gpsEntries.length ? ifd(gpsAt, gpsEntries) : [])];
  const payload = [0x45, 0x78, 0x69, 0x66, 0, 0, ...tiff];
  const len = payload.length + 2;
  return Uint8Array.from([0xff, 0xd8, 0xff, 0xe1, len >> 8, len & 255, ...payload, ...jpg.subarray(2)]);
}

export const base64 = (b: Uint8Array) => {
  let s = "";
  for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000));
  return btoa(s);
};
