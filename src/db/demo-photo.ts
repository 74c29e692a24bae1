/**
 * A small PNG drawn in code for the demo district's after-photos (sky, ground and a few blocks from a seed), so the
 * seeded 已办结 and 待审核 cases pass the closure gate honestly (issue 10). Web-standard APIs only: Node and workerd.
 */
const CRC = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

async function deflate(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream("deflate"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** A 160×120 RGB PNG; the same seed always draws the same picture, different seeds different ones. */
export async function demoPhoto(seed: number): Promise<Uint8Array> {
  const width = 160, height = 120;
  let s = (seed * 2654435761) >>> 0 || 1;
  const rnd = () => ((s = (s * 1103515245 + 12345) >>> 0) >>> 8) / 2 ** 24;
  const horizon = 0.3 + rnd() * 0.3;
  const blocks = Array.from({ length: 6 }, () => ({ x: rnd(), y: horizon + rnd() * (1 - horizon), w: 0.05 + rnd() * 0.2, h: 0.05 + rnd() * 0.15, c: [rnd() * 255, rnd() * 255, rnd() * 255] }));
  const raw = new Uint8Array(height * (1 + width * 3));
  for (let y = 0; y < height; y++) {
    const v = y / height;
    for (let x = 0; x < width; x++) {
      const u = x / width;
      let c = v < horizon ? [150 + 60 * v, 180 + 40 * v, 235] : [110 - 30 * v, 100 - 20 * v, 70];
      for (const b of blocks) if (u >= b.x && u < b.x + b.w && v >= b.y && v < b.y + b.h) c = b.c;
      raw.set(c.map((n) => Math.max(0, Math.min(255, Math.round(n)))), y * (1 + width * 3) + 1 + x * 3);
    }
  }
  const header = new Uint8Array(13);
  const hv = new DataView(header.buffer);
  hv.setUint32(0, width);
  hv.setUint32(4, height);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
  const parts = [Uint8Array.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk("IHDR", header), chunk("IDAT", await deflate(raw)), chunk("IEND", new Uint8Array())];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) (out.set(p, at), (at += p.length));
  return out;
}
