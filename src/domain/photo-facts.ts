/**
 * What a photo itself tells us, read from the untouched original at receipt (before any metadata is stripped):
 * its pHash (JPEG only, via the DC-only decoder so a 12 MP photo fits workerd's 128 MB) and its EXIF capture time,
 * place and orientation. Never throws: a decoder failure is recorded as "failed" (未能检查) and the upload goes on.
 */
import { readExif } from "./exif.js";
import { decodeLumaDC } from "./jpeg-dc.js";
import { bands, orient, phash } from "./phash.js";

export type PhotoFacts = {
  photoCheck: "ok" | "no_visual" | "failed";
  phash: string | null;
  ph0: number | null;
  ph1: number | null;
  ph2: number | null;
  ph3: number | null;
  takenAt: number | null;
  gpsLat: number | null;
  gpsLon: number | null;
};

const MIN_GRID = 16;

export async function photoFacts(bytes: Uint8Array, mime: string): Promise<PhotoFacts> {
  const jpeg = mime === "image/jpeg";
  let exif: Awaited<ReturnType<typeof readExif>> = {};
  if (jpeg) exif = await readExif(bytes); // PNG/WebP from phones carry no camera EXIF worth trusting
  let hash: string | null = null;
  let check: PhotoFacts["photoCheck"] = "no_visual"; // PNG, WebP: stored and SHA-256'd, not hashed (see architecture.md)
  if (jpeg) {
    try {
      const grid = decodeLumaDC(bytes);
      // Below 128 px a side the 1/8 grid has too few cells for a meaningful hash: tiny images matched each other.
      if (grid.w >= MIN_GRID && grid.h >= MIN_GRID) {
        hash = phash(orient(grid, exif.orientation));
        check = "ok";
      }
    } catch {
      check = "failed";
    }
  }
  const b = hash ? bands(hash) : null;
  return {
    photoCheck: check,
    phash: hash,
    ph0: b?.[0] ?? null,
    ph1: b?.[1] ?? null,
    ph2: b?.[2] ?? null,
    ph3: b?.[3] ?? null,
    takenAt: exif.takenAt ?? null,
    gpsLat: exif.lat ?? null,
    gpsLon: exif.lon ?? null,
  };
}
