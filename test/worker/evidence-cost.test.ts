/**
 * Issue 10 item 4, in workerd: the photo facts of a 1280-px and a 12 MP JPEG computed inside the isolate (DC-only
 * decode, no full-size pixel buffer). Asserts the result, only logs the cost (timing is never asserted; figures go
 * to docs/performance.md by hand from this log).
 */
import { describe, expect, it } from "vitest";
import { photoFacts } from "../../src/domain/photo-facts.js";
import { encode, type Rgba } from "../helpers/photos.js";

/** Blocks with pixel noise (so the file is photo-sized, ~0.3 byte/pixel): cheap to draw at 12 MP in the isolate. */
function blocks(w: number, h: number): Rgba {
  const data = new Uint8Array(w * h * 4);
  let s = 1;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const o = (y * w + x) * 4;
    const v = y < h * 0.4 ? 190 : ((x >> 7) ^ (y >> 7)) & 1 ? 120 : 60;
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const n = (s >>> 26) - 32;
    data[o] = v + n; data[o + 1] = v + (n >> 1); data[o + 2] = v - 20 + n; data[o + 3] = 255;
  }
  return { width: w, height: h, data };
}

describe("photo facts inside workerd", () => {
  it("hashes a 1280-px and a 12 MP JPEG", async () => {
    for (const [w, h] of [[1280, 960], [4000, 3000]]) {
      const jpg = encode(blocks(w, h), 80);
      const runs: number[] = [];
      let facts;
      for (let i = 0; i < 3; i++) {
        const t = performance.now(); // frozen between I/O in workerd: see the log note below
        facts = await photoFacts(jpg, "image/jpeg");
        runs.push(performance.now() - t);
      }
      expect(facts!.photoCheck).toBe("ok");
      expect(facts!.phash).toMatch(/^[0-9a-f]{16}$/);
      console.log(`[evidence-cost] workerd ${w}×${h} ${(jpg.length / 2 ** 20).toFixed(2)} MiB: photoFacts ${runs.map((r) => r.toFixed(0)).join(" / ")} ms`);
    }
  }, 120_000);
});
