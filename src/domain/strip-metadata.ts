/**
 * The shareable copy of a photo (R37): the same pixels without EXIF, XMP, IPTC or text chunks, so no GPS position,
 * device serial or owner name leaves with it. Pure byte surgery on the container — nothing is decoded or
 * re-encoded, so it is fast, exact and safe on Workers. The original stays untouched as evidence.
 */
import { concatBytes } from "./bytes.js";

const u16be = (b: Uint8Array, i: number) => (b[i] << 8) | b[i + 1];
const u32be = (b: Uint8Array, i: number) => ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
const u32le = (b: Uint8Array, i: number) => (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;

/** EXIF Orientation (1–8) from a JPEG APP1 "Exif" payload, or undefined. Phones rotate with this tag, not pixels. */
export function exifOrientation(app1: Uint8Array): number | undefined {
  if (app1.length < 14 || String.fromCharCode(...app1.subarray(0, 4)) !== "Exif") return undefined;
  const t = app1.subarray(6);
  const le = t[0] === 0x49 && t[1] === 0x49;
  if (!le && !(t[0] === 0x4d && t[1] === 0x4d)) return undefined;
  const r16 = (i: number) => (le ? t[i] | (t[i + 1] << 8) : u16be(t, i));
  const r32 = (i: number) => (le ? u32le(t, i) : u32be(t, i));
  const ifd = r32(4);
  if (ifd + 2 > t.length) return undefined;
  const n = r16(ifd);
  for (let k = 0; k < n; k++) {
    const e = ifd + 2 + k * 12;
    if (e + 12 > t.length) return undefined;
    if (r16(e) === 0x0112) {
      const v = r16(e + 8);
      return v >= 1 && v <= 8 ? v : undefined;
    }
  }
  return undefined;
}

/** A minimal APP1 segment carrying only Orientation, so a rotated phone photo still shows upright. */
function orientationApp1(orientation: number): Uint8Array {
  const body = [
    ...[0x45, 0x78, 0x69, 0x66, 0, 0], // "Exif\0\0"
    ...[0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8], // big-endian TIFF, IFD0 at 8
    ...[0, 1], // one entry
    ...[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0], // Orientation, SHORT, 1
    ...[0, 0, 0, 0], // no next IFD
  ];
  const len = body.length + 2;
  return Uint8Array.from([0xff, 0xe1, len >> 8, len & 255, ...body]);
}

/** Segments kept before the scan: APP0 (JFIF), APP2 only as an ICC colour profile, APP14 (Adobe colour transform). */
const ICC = [0x49, 0x43, 0x43, 0x5f, 0x50, 0x52, 0x4f, 0x46, 0x49, 0x4c, 0x45, 0]; // "ICC_PROFILE\0"
const keepApp = (marker: number, seg: Uint8Array) => marker === 0xe0 || marker === 0xee || (marker === 0xe2 && ICC.every((x, k) => seg[4 + k] === x));

function stripJpeg(b: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [b.subarray(0, 2)];
  let i = 2;
  let orientation: number | undefined;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) return b; // not where a marker should be: leave the file alone rather than guess
    const marker = b[i + 1];
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    if (marker === 0xda) {
      // The scans verbatim, up to the image's EOI. In entropy-coded data 0xFF is followed only by 0x00 or a restart
      // marker, so the first FF D9 ends the image; what phones append after it (HDR gain maps, depth, previews)
      // are whole JPEGs with their own EXIF and are dropped.
      let end = b.indexOf(0xff, i + 2); // indexOf runs natively: a 10 MB photo is scanned in a few ms
      while (end !== -1 && end + 1 < b.length && b[end + 1] !== 0xd9) end = b.indexOf(0xff, end + 1);
      parts.push(end === -1 || end + 1 >= b.length ? b.subarray(i) : b.subarray(i, end + 2));
      break;
    }
    const len = u16be(b, i + 2);
    if (len < 2 || i + 2 + len > b.length) return b;
    const seg = b.subarray(i, i + 2 + len);
    const isApp = marker >= 0xe0 && marker <= 0xef;
    if (marker === 0xe1) orientation ??= exifOrientation(seg.subarray(4));
    if ((!isApp || keepApp(marker, seg)) && marker !== 0xfe) parts.push(seg); // 0xfe = COM (free text)
    i += 2 + len;
  }
  if (orientation && orientation !== 1) parts.splice(1, 0, orientationApp1(orientation));
  return concatBytes(parts);
}

/** PNG: drop eXIf and the text chunks (tEXt, zTXt, iTXt carry XMP and free text). Chunk CRCs are per chunk. */
const PNG_DROP = new Set(["eXIf", "tEXt", "zTXt", "iTXt"]);

function stripPng(b: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [b.subarray(0, 8)];
  let i = 8;
  while (i + 12 <= b.length) {
    const len = u32be(b, i);
    const type = String.fromCharCode(...b.subarray(i + 4, i + 8));
    const end = i + 12 + len;
    if (end > b.length) return b;
    if (!PNG_DROP.has(type)) parts.push(b.subarray(i, end));
    i = end;
    if (type === "IEND") break;
  }
  return concatBytes(parts);
}

/** WebP: drop the EXIF and XMP chunks, clear their flags in VP8X and fix the RIFF size. */
function stripWebp(b: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [];
  let i = 12;
  while (i + 8 <= b.length) {
    const type = String.fromCharCode(...b.subarray(i, i + 4));
    const len = u32le(b, i + 4);
    const end = i + 8 + len + (len & 1);
    if (i + 8 + len > b.length) return b;
    const chunk = b.slice(i, Math.min(end, b.length));
    if (type === "VP8X" && chunk.length > 8) chunk[8] &= ~(0x08 | 0x04); // EXIF and XMP present-flags
    if (type !== "EXIF" && type !== "XMP ") parts.push(chunk);
    i = end;
  }
  const body = concatBytes(parts);
  const header = b.slice(0, 12);
  const size = body.length + 4;
  header.set([size & 255, (size >> 8) & 255, (size >> 16) & 255, (size >>> 24) & 255], 4);
  return concatBytes([header, body]);
}

/**
 * MP4/MOV: phones write the position (©xyz, com.apple.quicktime.location.ISO6709), make and model into `udta` and
 * `meta` boxes under moov and its tracks. Each such box becomes a zero-filled `free` box of the same size, so no
 * byte moves and the sample offsets into mdat stay right.
 */
const MOV_META = new Set(["udta", "meta"]);

function boxes(b: Uint8Array, from: number, to: number, visit: (type: string, start: number, body: number, end: number) => void): boolean {
  let i = from;
  while (i + 8 <= to) {
    let size = u32be(b, i);
    let header = 8;
    if (size === 1) {
      if (i + 16 > to || u32be(b, i + 8) !== 0) return false; // > 4 GB: not an upload we accept
      size = u32be(b, i + 12);
      header = 16;
    } else if (size === 0) size = to - i;
    if (size < header || i + size > to) return false;
    visit(String.fromCharCode(...b.subarray(i + 4, i + 8)), i, i + header, i + size);
    i += size;
  }
  return true;
}

function stripMov(src: Uint8Array): Uint8Array {
  const b = src.slice();
  const blank = (start: number, body: number, end: number) => {
    b.set([0x66, 0x72, 0x65, 0x65], start + 4); // "free"
    b.fill(0, body, end);
  };
  const inner = (from: number, to: number): boolean =>
    boxes(b, from, to, (type, start, body, end) => {
      if (MOV_META.has(type)) blank(start, body, end);
      else if (type === "trak") inner(body, end);
    });
  // Blanking never moves a byte, so even a file that stops parsing half-way is safe to serve as far as it got.
  boxes(b, 0, b.length, (type, start, body, end) => {
    if (type === "moov") inner(body, end);
    else if (MOV_META.has(type)) blank(start, body, end);
  });
  return b;
}

/** The file without location and device metadata (photos, phone videos); other files are returned as they are. */
export function stripMetadata(bytes: Uint8Array, mime: string): Uint8Array {
  if (mime === "image/jpeg") return stripJpeg(bytes);
  if (mime === "image/png") return stripPng(bytes);
  if (mime === "image/webp") return stripWebp(bytes);
  if (mime === "video/mp4" || mime === "video/quicktime") return stripMov(bytes);
  return bytes;
}
