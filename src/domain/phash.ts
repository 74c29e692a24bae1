/**
 * 64-bit perceptual hash (DCT pHash) of a luma grid, bit-exact as evidence.md §2 "Canonical hash": box-average to
 * 32×32 with integer cell edges, unnormalised 2-D DCT-II, the 8×8 low frequencies 1–8 × 1–8, bit = coefficient
 * above the median. Survives recompression, resizing and brightness changes (≤4 bits on our test scenes), unlike
 * SHA-256; different scenes were ≥16 bits apart.
 */
import type { LumaGrid } from "./jpeg-dc.js";

/** Mean of each cell of an N×M split of the grid, cell edges at floor(i*w/N). */
export function boxAverage(g: Pick<LumaGrid, "w" | "h" | "data">, n: number, m: number): Float64Array {
  const out = new Float64Array(n * m);
  for (let j = 0; j < m; j++) {
    const y0 = Math.floor((j * g.h) / m);
    const y1 = Math.max(y0 + 1, Math.floor(((j + 1) * g.h) / m));
    for (let i = 0; i < n; i++) {
      const x0 = Math.floor((i * g.w) / n);
      const x1 = Math.max(x0 + 1, Math.floor(((i + 1) * g.w) / n));
      let sum = 0;
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) sum += g.data[Math.min(y, g.h - 1) * g.w + Math.min(x, g.w - 1)];
      out[j * n + i] = sum / ((y1 - y0) * (x1 - x0));
    }
  }
  return out;
}

const N = 32;
const COS = (() => {
  const t = new Float64Array(9 * N);
  for (let k = 0; k < 9; k++) for (let n = 0; n < N; n++) t[k * N + n] = Math.cos((Math.PI / N) * (n + 0.5) * k);
  return t;
})();

/** pHash as 16 hex digits, most significant bit first. */
export function phash(g: Pick<LumaGrid, "w" | "h" | "data">): string {
  const px = boxAverage(g, N, N);
  // Rows first (v, horizontal frequency), then columns (u, vertical), only frequencies 1–8 are needed.
  const rows = new Float64Array(N * 9);
  for (let y = 0; y < N; y++) for (let v = 1; v <= 8; v++) {
    let s = 0;
    for (let x = 0; x < N; x++) s += px[y * N + x] * COS[v * N + x];
    rows[y * 9 + v] = s;
  }
  const coef: number[] = [];
  for (let u = 1; u <= 8; u++) for (let v = 1; v <= 8; v++) {
    let s = 0;
    for (let y = 0; y < N; y++) s += rows[y * 9 + v] * COS[u * N + y];
    coef.push(s);
  }
  const sorted = [...coef].sort((a, b) => a - b);
  const median = (sorted[31] + sorted[32]) / 2;
  let hex = "";
  for (let i = 0; i < 64; i += 4) {
    let nib = 0;
    for (let b = 0; b < 4; b++) nib = (nib << 1) | (coef[i + b] > median ? 1 : 0);
    hex += nib.toString(16);
  }
  return hex;
}

/** The four 16-bit bands of a hash, most significant first (the index keys). */
export function bands(hex: string): [number, number, number, number] {
  return [0, 4, 8, 12].map((i) => parseInt(hex.slice(i, i + 4), 16)) as [number, number, number, number];
}

export function hamming(a: string, b: string): number {
  let d = 0;
  for (let i = 0; i < 16; i += 4) {
    let x = parseInt(a.slice(i, i + 4), 16) ^ parseInt(b.slice(i, i + 4), 16);
    while (x) {
      x &= x - 1;
      d++;
    }
  }
  return d;
}

/** A band and every value one bit away: with 4 bands, two hashes ≤7 bits apart share one band within 1 bit. */
export function bandProbe(band: number): number[] {
  return [band, ...Array.from({ length: 16 }, (_, k) => band ^ (1 << k))];
}

/** Turn the grid upright per EXIF Orientation (1–8), so a photo and its rotated copy hash alike. */
export function orient(g: LumaGrid, orientation: number | undefined): LumaGrid {
  if (!orientation || orientation === 1 || orientation > 8) return g;
  const swap = orientation >= 5;
  const w = swap ? g.h : g.w;
  const h = swap ? g.w : g.h;
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    // Source coordinates for each output pixel (TIFF orientation tags).
    let sx: number, sy: number;
    switch (orientation) {
      case 2: sx = g.w - 1 - x; sy = y; break;
      case 3: sx = g.w - 1 - x; sy = g.h - 1 - y; break;
      case 4: sx = x; sy = g.h - 1 - y; break;
      case 5: sx = y; sy = x; break;
      case 6: sx = y; sy = g.h - 1 - x; break;
      case 7: sx = g.w - 1 - y; sy = g.h - 1 - x; break;
      default: sx = g.w - 1 - y; sy = x; break; // 8
    }
    out[y * w + x] = g.data[sy * g.w + sx];
  }
  return { ...g, w, h, data: out };
}
