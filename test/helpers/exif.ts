/**
 * Phone-like metadata planted into the image fixtures: an EXIF block with GPS position, make/model, body serial
 * and Orientation, plus XMP/text where the format has it — so tests can check what the shareable copy drops.
 */
import { readFileSync } from "node:fs";

export const FIX = (name: string) => new Uint8Array(readFileSync(new URL(`../fixtures/images/${name}`, import.meta.url)));

const le16 = (n: number) => [n & 255, (n >> 8) & 255];
const le32 = (n: number) => [n & 255, (n >> 8) & 255, (n >> 16) & 255, (n >>> 24) & 255];
const ascii = (s: string) => [...Buffer.from(`${s}\0`, "latin1")];

type Entry = { tag: number; type: number; count: number; data: number[] };

/** One little-endian IFD at `at`; values longer than 4 bytes go right after it. Returns its bytes. */
function ifd(at: number, entries: Entry[], pointers: Record<number, number> = {}): number[] {
  const head: number[] = [...le16(entries.length)];
  const tail: number[] = [];
  const dataStart = at + 2 + entries.length * 12 + 4;
  for (const e of entries) {
    const value = e.tag in pointers ? le32(pointers[e.tag]) : e.data;
    head.push(...le16(e.tag), ...le16(e.type), ...le32(e.count));
    if (value.length <= 4) head.push(...value, ...new Array(4 - value.length).fill(0));
    else {
      head.push(...le32(dataStart + tail.length));
      tail.push(...value, ...(value.length & 1 ? [0] : []));
    }
  }
  return [...head, 0, 0, 0, 0, ...tail];
}

const rational = (...vals: [number, number][]) => vals.flatMap(([n, d]) => [...le32(n), ...le32(d)]);

/** A TIFF ("II") block: IFD0 (Make, Model, Orientation, →Exif, →GPS), Exif IFD (serial), GPS IFD (30.66 N, 104.06 E). */
export function tiffWithGps(orientation = 6): Uint8Array {
  const ifd0Entries: Entry[] = [
    { tag: 0x010f, type: 2, count: 6, data: ascii("Apple") },
    { tag: 0x0110, type: 2, count: 10, data: ascii("iPhone 15") },
    { tag: 0x0112, type: 3, count: 1, data: le16(orientation) },
    { tag: 0x8769, type: 4, count: 1, data: le32(0) },
    { tag: 0x8825, type: 4, count: 1, data: le32(0) },
  ];
  const exifEntries: Entry[] = [{ tag: 0xa431, type: 2, count: 13, data: ascii("SN-F2LXK9Q7P") }];
  const gpsEntries: Entry[] = [
    { tag: 0x0001, type: 2, count: 2, data: ascii("N") },
    { tag: 0x0002, type: 5, count: 3, data: rational([30, 1], [39, 1], [3600, 100]) },
    { tag: 0x0003, type: 2, count: 2, data: ascii("E") },
    { tag: 0x0004, type: 5, count: 3, data: rational([104, 1], [3, 1], [3600, 100]) },
  ];
  const ifd0At = 8;
  const ifd0Len = ifd(ifd0At, ifd0Entries, { 0x8769: 0, 0x8825: 0 }).length;
  const exifAt = ifd0At + ifd0Len;
  const exifBytes = ifd(exifAt, exifEntries);
  const gpsAt = exifAt + exifBytes.length;
  const ifd0Bytes = ifd(ifd0At, ifd0Entries, { 0x8769: exifAt, 0x8825: gpsAt });
  return Uint8Array.from([0x49, 0x49, 0x2a, 0x00, ...le32(8), ...ifd0Bytes, ...exifBytes, ...ifd(gpsAt, gpsEntries)]);
}

const XMP = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="30,39.6N"/></rdf:RDF></x:xmpmeta>`;

function jpegSegment(marker: number, payload: number[]): number[] {
  const len = payload.length + 2;
  return [0xff, marker, len >> 8, len & 255, ...payload];
}

/** site.jpg with EXIF (GPS, serial), XMP, a comment, and a second JPEG with its own EXIF glued after EOI. */
export function jpegWithGps(orientation = 6): Uint8Array {
  const base = [...FIX("site.jpg")];
  const exif = jpegSegment(0xe1, [...Buffer.from("Exif\0\0", "latin1"), ...tiffWithGps(orientation)]);
  const xmp = jpegSegment(0xe1, [...Buffer.from("http://ns.adobe.com/xap/1.0/\0", "latin1"), ...Buffer.from(XMP)]);
  const com = jpegSegment(0xfe, [...Buffer.from("owner: 张三 13812345678")]);
  const trailer = [0xff, 0xd8, ...exif, ...base.slice(2)]; // e.g. an HDR gain map with its own metadata
  return Uint8Array.from([0xff, 0xd8, ...exif, ...xmp, ...com, ...base.slice(2), ...trailer]);
}

function pngChunk(type: string, data: number[]): number[] {
  const body = [...Buffer.from(type, "latin1"), ...data];
  let c = ~0;
  for (const b of body) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  c = ~c >>> 0;
  const len = data.length;
  return [len >>> 24, (len >> 16) & 255, (len >> 8) & 255, len & 255, ...body, c >>> 24, (c >> 16) & 255, (c >> 8) & 255, c & 255];
}

/** site.png with an eXIf chunk (GPS, serial) and an iTXt XMP chunk after IHDR. */
export function pngWithGps(): Uint8Array {
  const b = [...FIX("site.png")];
  const ihdrEnd = 8 + 8 + 13 + 4;
  const xmp = pngChunk("iTXt", [...Buffer.from("XML:com.adobe.xmp\0\0\0\0\0", "latin1"), ...Buffer.from(XMP)]);
  return Uint8Array.from([...b.slice(0, ihdrEnd), ...pngChunk("eXIf", [...tiffWithGps()]), ...xmp, ...b.slice(ihdrEnd)]);
}

function riffChunk(type: string, data: number[]): number[] {
  return [...Buffer.from(type, "latin1"), ...le32(data.length), ...data, ...(data.length & 1 ? [0] : [])];
}

/** site.webp (simple VP8) turned into an extended WebP with VP8X, EXIF and XMP chunks. */
export function webpWithGps(width: number, height: number): Uint8Array {
  const b = [...FIX("site.webp")];
  const vp8 = b.slice(12);
  const vp8x = riffChunk("VP8X", [0x08 | 0x04, 0, 0, 0, ...le32(width - 1).slice(0, 3), ...le32(height - 1).slice(0, 3)]);
  const body = [...Buffer.from("WEBP", "latin1"), ...vp8x, ...vp8, ...riffChunk("EXIF", [...tiffWithGps()]), ...riffChunk("XMP ", [...Buffer.from(XMP)])];
  return Uint8Array.from([...Buffer.from("RIFF", "latin1"), ...le32(body.length), ...body]);
}

function box(type: string, ...children: number[][]): number[] {
  const body = children.flat();
  const size = body.length + 8;
  return [size >>> 24, (size >> 16) & 255, (size >> 8) & 255, size & 255, ...Buffer.from(type, "latin1"), ...body];
}
const bytes = (s: string) => [...Buffer.from(s)];

/** A phone-like MP4: position and device in moov/udta, moov/meta (Apple keys) and a track's udta; samples in mdat. */
export function mp4WithGps(): Uint8Array {
  const ftyp = box("ftyp", bytes("isom"), [0, 0, 2, 0], bytes("isomiso2mp41"));
  const udta = box("udta", box("\xa9xyz", [0, 18, 0x15, 0xc7], bytes("+30.6600+104.0600/")), box("\xa9mod", bytes("iPhone 15")));
  const meta = box("meta", [0, 0, 0, 0], box("keys", bytes("com.apple.quicktime.location.ISO6709")), box("ilst", bytes("+30.6600+104.0600+500.000/ SN-F2LXK9Q7P")));
  const trak = box("trak", box("tkhd", new Array(84).fill(0)), box("udta", box("\xa9xyz", bytes("+30.6600+104.0600/"))));
  const moov = box("moov", box("mvhd", new Array(100).fill(0)), udta, meta, trak);
  const mdat = box("mdat", bytes("frame-data-0123456789".repeat(8)));
  return Uint8Array.from([...ftyp, ...moov, ...mdat]);
}
