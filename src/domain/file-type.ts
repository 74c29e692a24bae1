/** Identify uploads by their magic bytes, never by name or claimed type (R36). */
export type Sniffed = { mime: string; ext: string; image: boolean };

const startsWith = (b: Uint8Array, sig: number[], at = 0) => sig.every((x, i) => b[at + i] === x);

export function sniff(b: Uint8Array): Sniffed | undefined {
  if (b.length >= 3 && startsWith(b, [0xff, 0xd8, 0xff])) return { mime: "image/jpeg", ext: "jpg", image: true };
  if (b.length >= 8 && startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { mime: "image/png", ext: "png", image: true };
  if (b.length >= 12 && startsWith(b, [0x52, 0x49, 0x46, 0x46]) && startsWith(b, [0x57, 0x45, 0x42, 0x50], 8)) return { mime: "image/webp", ext: "webp", image: true };
  if (b.length >= 5 && startsWith(b, [0x25, 0x50, 0x44, 0x46, 0x2d])) return { mime: "application/pdf", ext: "pdf", image: false };
  if (b.length >= 4 && startsWith(b, [0x50, 0x4b, 0x03, 0x04])) return { mime: "application/zip", ext: "zip", image: false };
  return undefined;
}

export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
