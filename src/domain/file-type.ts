/** Identify uploads by their magic bytes, never by name or claimed type; images must also be whole and sane (R36). */
import { imageSize } from "image-size";

export type Sniffed = { mime: string; ext: string; image: boolean };

const startsWith = (b: Uint8Array, sig: number[], at = 0) => sig.every((x, i) => b[at + i] === x);

export function sniff(b: Uint8Array): Sniffed | undefined {
  if (b.length >= 3 && startsWith(b, [0xff, 0xd8, 0xff])) return { mime: "image/jpeg", ext: "jpg", image: true };
  if (b.length >= 8 && startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { mime: "image/png", ext: "png", image: true };
  if (b.length >= 12 && startsWith(b, [0x52, 0x49, 0x46, 0x46]) && startsWith(b, [0x57, 0x45, 0x42, 0x50], 8)) return { mime: "image/webp", ext: "webp", image: true };
  if (b.length >= 5 && startsWith(b, [0x25, 0x50, 0x44, 0x46, 0x2d])) return { mime: "application/pdf", ext: "pdf", image: false };
  if (b.length >= 4 && startsWith(b, [0x50, 0x4b, 0x03, 0x04])) return { mime: "application/zip", ext: "zip", image: false };
  // ISO media ("ftyp" box first): phone videos, attached as files (spec §2.3).
  if (b.length >= 12 && startsWith(b, [0x66, 0x74, 0x79, 0x70], 4)) {
    const brand = String.fromCharCode(...b.subarray(8, 12));
    return brand === "qt  " ? { mime: "video/quicktime", ext: "mov", image: false } : { mime: "video/mp4", ext: "mp4", image: false };
  }
  return undefined;
}

export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

/** Photos above this many pixels are refused before anything decodes them (decompression bombs, R36). */
export const MAX_IMAGE_PIXELS = 40_000_000;

const PNG_IEND = [0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82];

/** Whether the container is complete: a truncated photo, or one with something glued after its end, is not. */
function whole(b: Uint8Array, mime: string): boolean {
  if (mime === "image/png") return startsWith(b, PNG_IEND, b.length - PNG_IEND.length);
  if (mime === "image/webp") {
    const riff = (b[4] | (b[5] << 8) | (b[6] << 16) | (b[7] << 24)) >>> 0;
    return riff + 8 === b.length || riff + 9 === b.length; // RIFF chunks pad to even lengths
  }
  if (mime === "image/jpeg") {
    let end = b.length;
    while (end > 2 && b[end - 1] === 0x00) end--; // some cameras pad the file with zeros after EOI
    return b[end - 2] === 0xff && b[end - 1] === 0xd9;
  }
  return true;
}

/** Why a sniffed image may not be stored, in words for the sender; undefined when it is fine. */
export function imageProblem(b: Uint8Array, t: Sniffed): string | undefined {
  if (!t.image) return undefined;
  let size: { width?: number; height?: number };
  try {
    size = imageSize(b);
  } catch {
    return "照片文件已损坏或不完整，请重新拍摄或重新发送。";
  }
  const { width = 0, height = 0 } = size;
  if (width < 1 || height < 1) return "照片文件已损坏或不完整，请重新拍摄或重新发送。";
  if (width * height > MAX_IMAGE_PIXELS) return `照片像素过大（${width}×${height}，上限 4000 万像素），请压缩后重新发送。`;
  if (!whole(b, t.mime)) return "照片文件不完整（可能没有传完），请重新发送。";
  return undefined;
}
