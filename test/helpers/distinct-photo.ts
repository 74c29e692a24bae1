/** A distinct small JPEG per seed (a grid of coloured blocks), so no two sends in a test share a photo. */
import jpeg from "jpeg-js";

export function distinctPhoto(seed: number): Uint8Array {
  const width = 64, height = 48;
  const data = new Uint8Array(width * height * 4);
  let s = (seed * 2654435761) >>> 0;
  const rnd = () => ((s = (s * 1103515245 + 12345) >>> 0) >>> 16) & 255;
  const blocks = Array.from({ length: 12 }, () => [rnd(), rnd(), rnd()]);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const c = blocks[Math.floor(x / 16) + 4 * Math.floor(y / 16)];
      data.set([c[0], c[1], c[2], 255], (y * width + x) * 4);
    }
  return new Uint8Array(jpeg.encode({ width, height, data: data as unknown as Buffer }, 90).data);
}
