/**
 * A store-only ZIP writer (no compression: PDFs are compressed already) with CRC-32, streamed: each entry is
 * produced, written and dropped before the next is asked for, so memory holds one entry plus the central
 * directory. No dependency: ~80 lines are easier to keep than a package. Names are UTF-8 (flag bit 11).
 * Limits of plain ZIP (no ZIP64): entries and the archive under 4 GiB, at most 65,535 entries.
 */

const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(bytes: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

export type ZipEntry = { name: string; bytes: Uint8Array; modified: Date };

/** MS-DOS date and time (local fields of `d`, 2-second resolution, 1980 at the earliest). */
function dosTime(d: Date): { time: number; date: number } {
  const y = Math.max(1980, d.getFullYear());
  return { time: (d.getHours() << 11) | (d.getMinutes() << 5) | (d.getSeconds() >> 1), date: ((y - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate() };
}

const LIMIT = 0xffffffff;
const enc = new TextEncoder();

/** A ZIP of the entries `next()` yields one at a time; undefined ends the archive. */
/** `cancel` runs when the reader goes away before the end (a closed download): release what `next` holds. */
export function zipStream(next: () => Promise<ZipEntry | undefined>, cancel?: () => Promise<void>): ReadableStream<Uint8Array> {
  const central: Uint8Array[] = [];
  let offset = 0;
  let count = 0;
  let done = false;
  return new ReadableStream<Uint8Array>({
    async pull(ctl) {
      if (done) return;
      const e = await next();
      if (!e) {
        const dir = concat(central);
        const end = new Uint8Array(22);
        const v = new DataView(end.buffer);
        v.setUint32(0, 0x06054b50, true);
        v.setUint16(8, count, true);
        v.setUint16(10, count, true);
        v.setUint32(12, dir.length, true);
        v.setUint32(16, offset, true);
        ctl.enqueue(dir);
        ctl.enqueue(end);
        ctl.close();
        done = true;
        return;
      }
      const name = enc.encode(e.name);
      if (e.bytes.length >= LIMIT || offset + e.bytes.length + 30 + name.length >= LIMIT || count >= 0xffff) throw new RangeError("zip: too large for a plain (non-ZIP64) archive");
      const crc = crc32(e.bytes);
      const { time, date } = dosTime(e.modified);
      const local = new Uint8Array(30 + name.length);
      const l = new DataView(local.buffer);
      l.setUint32(0, 0x04034b50, true);
      l.setUint16(4, 20, true); // version needed: 2.0
      l.setUint16(6, 0x0800, true); // UTF-8 names
      l.setUint16(8, 0, true); // stored
      l.setUint16(10, time, true);
      l.setUint16(12, date, true);
      l.setUint32(14, crc, true);
      l.setUint32(18, e.bytes.length, true);
      l.setUint32(22, e.bytes.length, true);
      l.setUint16(26, name.length, true);
      local.set(name, 30);
      const cd = new Uint8Array(46 + name.length);
      const c = new DataView(cd.buffer);
      c.setUint32(0, 0x02014b50, true);
      c.setUint16(4, 20, true);
      c.setUint16(6, 20, true);
      c.setUint16(8, 0x0800, true);
      c.setUint16(12, time, true);
      c.setUint16(14, date, true);
      c.setUint32(16, crc, true);
      c.setUint32(20, e.bytes.length, true);
      c.setUint32(24, e.bytes.length, true);
      c.setUint16(28, name.length, true);
      c.setUint32(42, offset, true);
      cd.set(name, 46);
      central.push(cd);
      ctl.enqueue(local);
      ctl.enqueue(e.bytes);
      offset += local.length + e.bytes.length;
      count++;
    },
    async cancel() {
      done = true;
      await cancel?.();
    },
  });
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
