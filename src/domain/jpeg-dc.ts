/**
 * DC-only JPEG decoder: the 1/8-scale luma grid (one value per 8×8 block = the block's mean) without the inverse
 * DCT or colour conversion. A 12 MP photo needs ~1 MB here instead of ~300 MB for a full decode, so it fits
 * workerd's 128 MB isolate (evidence.md §2). Pure JS, identical output on Node and workerd.
 *
 * Ported from jpeg-js 0.4.4 lib/decoder.js (Copyright 2011 notmasteryet, Apache License 2.0; the package is
 * BSD-3-Clause), with the edits of evidence.md §2: one DC value per block, AC coefficients decoded only to skip
 * them, progressive AC scans skipped to the next marker, and the grid built from component 0.
 */

/** A Huffman table: codes ≤ 9 bits by direct lookup ((length << 8) | value), longer ones by canonical ranges. */
type Huff = { fast: Int32Array; maxcode: Int32Array; mincode: Int32Array; valptr: Int32Array; values: Uint8Array };
const FAST = 9;
type Component = { h: number; v: number; q: number; bpl: number; bpc: number; bplMcu: number; dc: Int32Array; pred: number; dcTable?: Huff; acTable?: Huff };
type Frame = { progressive: boolean; width: number; height: number; comps: Map<number, Component>; order: number[]; mcusPerLine: number; mcusPerColumn: number };
export type LumaGrid = { w: number; h: number; data: Uint8Array; width: number; height: number };

const MAX_PIXELS = 100e6; // refuse absurd frame sizes before allocating anything

/** JPEG Annex C canonical codes from the 16 code-length counts. */
function buildHuff(lengths: Uint8Array, values: Uint8Array): Huff {
  const h: Huff = { fast: new Int32Array(1 << FAST), maxcode: new Int32Array(18).fill(-1), mincode: new Int32Array(17), valptr: new Int32Array(17), values };
  let code = 0;
  let k = 0;
  for (let l = 1; l <= 16; l++) {
    h.valptr[l] = k;
    h.mincode[l] = code;
    for (let j = 0; j < lengths[l - 1]; j++, code++, k++) {
      if (k >= values.length) throw new Error("bad Huffman table");
      if (l <= FAST) h.fast.fill((l << 8) | values[k], code << (FAST - l), (code + 1) << (FAST - l));
    }
    if (lengths[l - 1]) h.maxcode[l] = code - 1;
    if (code > 1 << l) throw new Error("bad Huffman table");
    code <<= 1;
  }
  h.maxcode[17] = 0x7fffffff;
  return h;
}

/** Decode one scan's entropy-coded data, keeping DC values only; returns the bytes consumed. */
function decodeScan(data: Uint8Array, start: number, frame: Frame, comps: Component[], restart: number, ss: number, ah: number, al: number): number {
  let offset = start;
  // Bit buffer: up to 32 bits ahead; at a marker it feeds zeros without moving past it (the scan's end).
  let acc = 0;
  let nbits = 0;
  const fill = () => {
    while (nbits <= 24) {
      let byte = 0;
      if (offset >= data.length) throw new Error("truncated scan");
      if (data[offset] !== 0xff) byte = data[offset++];
      else if (data[offset + 1] === 0) {
        byte = 0xff;
        offset += 2;
      }
      acc = ((acc << 8) | byte) >>> 0;
      nbits += 8;
    }
  };
  const receive = (n: number): number => {
    if (n === 0) return 0;
    if (nbits < n) fill();
    nbits -= n;
    return (acc >>> nbits) & ((1 << n) - 1);
  };
  const bit = () => receive(1);
  const huff = (h: Huff | undefined): number => {
    if (!h) throw new Error("missing Huffman table");
    if (nbits < 16) fill();
    const e = h.fast[(acc >>> (nbits - FAST)) & ((1 << FAST) - 1)];
    if (e) {
      nbits -= e >> 8;
      return e & 255;
    }
    for (let l = FAST + 1; l <= 16; l++) {
      const code = (acc >>> (nbits - l)) & ((1 << l) - 1);
      if (code <= h.maxcode[l]) {
        nbits -= l;
        return h.values[h.valptr[l] + code - h.mincode[l]];
      }
    }
    throw new Error("invalid Huffman sequence");
  };
  const extend = (n: number) => {
    const v = receive(n);
    return v >= 1 << (n - 1) ? v : v + (-1 << n) + 1;
  };
  const baseline = (c: Component, i: number) => {
    const t = huff(c.dcTable);
    c.dc[i] = c.pred += t === 0 ? 0 : extend(t);
    for (let k = 1; k < 64; ) {
      const rs = huff(c.acTable);
      const s = rs & 15;
      const r = rs >> 4;
      if (s === 0) {
        if (r < 15) break;
        k += 16;
        continue;
      }
      k += r + 1;
      receive(s); // AC value: read past it, not kept
    }
  };
  const dcFirst = (c: Component, i: number) => {
    const t = huff(c.dcTable);
    c.dc[i] = c.pred += t === 0 ? 0 : extend(t) << al;
  };
  const dcRefine = (c: Component, i: number) => {
    c.dc[i] |= bit() << al;
  };
  const fn = frame.progressive ? (ah === 0 ? dcFirst : dcRefine) : baseline;
  const single = comps.length === 1;
  const expected = single ? comps[0].bpl * comps[0].bpc : frame.mcusPerLine * frame.mcusPerColumn;
  const interval = restart || expected;
  const isRst = (b: number) => b >= 0xd0 && b <= 0xd7;
  // The next marker: 0xFF followed by anything but a stuffed 0x00.
  const toMarker = () => {
    while (offset < data.length - 1 && !(data[offset] === 0xff && data[offset + 1] !== 0)) offset++;
  };
  // A progressive AC scan carries no DC: skip it whole.
  if (frame.progressive && ss > 0) {
    toMarker();
    return offset - start;
  }
  let mcu = 0;
  while (mcu < expected) {
    for (const c of comps) c.pred = 0;
    for (let n = 0; n < interval && mcu < expected; n++, mcu++) {
      if (single) {
        const c = comps[0];
        fn(c, ((mcu / c.bpl) | 0) * c.bplMcu + (mcu % c.bpl));
      } else {
        const mr = (mcu / frame.mcusPerLine) | 0;
        const mc = mcu % frame.mcusPerLine;
        for (const c of comps) for (let j = 0; j < c.v; j++) for (let k = 0; k < c.h; k++) fn(c, (mr * c.v + j) * c.bplMcu + mc * c.h + k);
      }
    }
    acc = 0; // the rest of the byte is padding; nothing was read past the marker
    nbits = 0;
    toMarker();
    if (mcu < expected && data[offset] === 0xff && isRst(data[offset + 1])) offset += 2;
    else break;
  }
  if (mcu >= expected) toMarker();
  return offset - start;
}

/** The 1/8-scale luma grid of a JPEG (baseline, extended or progressive). Throws on anything it cannot read. */
export function decodeLumaDC(data: Uint8Array): LumaGrid {
  let offset = 0;
  const u16 = () => {
    const v = (data[offset] << 8) | data[offset + 1];
    offset += 2;
    return v;
  };
  if (u16() !== 0xffd8) throw new Error("not a JPEG");
  const qt: Int32Array[] = [];
  const dcTables: Huff[] = [];
  const acTables: Huff[] = [];
  let frame: Frame | undefined;
  let restart = 0;
  let dcSeen = false;
  while (offset < data.length - 1) {
    const marker = u16();
    if (marker === 0xffd9) break;
    if (marker === 0xffff) { offset--; continue; } // fill byte
    if (marker < 0xff00) throw new Error("marker expected");
    if (marker >= 0xffd0 && marker <= 0xffd7) continue;
    const len = u16();
    const end = offset + len - 2;
    if (marker === 0xffdb) {
      while (offset < end) {
        const spec = data[offset++];
        const t = new Int32Array(64);
        // Only entry 0 (the DC step) matters here; read past the rest.
        for (let j = 0; j < 64; j++) t[j] = spec >> 4 ? u16() : data[offset++];
        qt[spec & 15] = t;
      }
    } else if (marker === 0xffc0 || marker === 0xffc1 || marker === 0xffc2) {
      if (frame) throw new Error("only single-frame JPEGs");
      offset++; // precision
      const height = u16();
      const width = u16();
      if (!width || !height || width * height > MAX_PIXELS) throw new Error("bad frame size");
      const n = data[offset++];
      const comps = new Map<number, Component>();
      const order: number[] = [];
      for (let i = 0; i < n; i++) {
        const id = data[offset];
        const h = data[offset + 1] >> 4;
        const v = data[offset + 1] & 15;
        if (h < 1 || v < 1 || h > 4 || v > 4) throw new Error("bad sampling factor");
        comps.set(id, { h, v, q: data[offset + 2], bpl: 0, bpc: 0, bplMcu: 0, dc: new Int32Array(0), pred: 0 });
        order.push(id);
        offset += 3;
      }
      const maxH = Math.max(...[...comps.values()].map((c) => c.h));
      const maxV = Math.max(...[...comps.values()].map((c) => c.v));
      const mcusPerLine = Math.ceil(width / 8 / maxH);
      const mcusPerColumn = Math.ceil(height / 8 / maxV);
      for (const c of comps.values()) {
        c.bpl = Math.ceil((Math.ceil(width / 8) * c.h) / maxH);
        c.bpc = Math.ceil((Math.ceil(height / 8) * c.v) / maxV);
        c.bplMcu = mcusPerLine * c.h;
        c.dc = new Int32Array(c.bplMcu * mcusPerColumn * c.v);
      }
      frame = { progressive: marker === 0xffc2, width, height, comps, order, mcusPerLine, mcusPerColumn };
    } else if (marker >= 0xffc3 && marker <= 0xffcf && marker !== 0xffc4 && marker !== 0xffc8 && marker !== 0xffcc) {
      throw new Error("unsupported JPEG coding (lossless or arithmetic)");
    } else if (marker === 0xffc4) {
      while (offset < end) {
        const spec = data[offset++];
        const lengths = data.slice(offset, offset + 16);
        offset += 16;
        const total = lengths.reduce((a, b) => a + b, 0);
        const values = data.slice(offset, offset + total);
        offset += total;
        (spec >> 4 ? acTables : dcTables)[spec & 15] = buildHuff(lengths, values);
      }
    } else if (marker === 0xffdd) {
      restart = u16();
    } else if (marker === 0xffda) {
      if (!frame) throw new Error("scan before frame");
      const n = data[offset++];
      const comps: Component[] = [];
      for (let i = 0; i < n; i++) {
        const c = frame.comps.get(data[offset++]);
        const spec = data[offset++];
        if (!c) throw new Error("unknown component");
        c.dcTable = dcTables[spec >> 4];
        c.acTable = acTables[spec & 15];
        comps.push(c);
      }
      const ss = data[offset++];
      offset++; // end of spectral selection: only 0 (DC) vs >0 (AC) matters
      const a = data[offset++];
      if (ss === 0 && comps.includes(frame.comps.get(frame.order[0])!)) dcSeen = true;
      offset += decodeScan(data, offset, frame, comps, restart, ss, a >> 4, a & 15);
      continue;
    }
    offset = end;
  }
  if (!frame || !dcSeen) throw new Error("no image data");
  const y = frame.comps.get(frame.order[0])!;
  const q0 = qt[y.q]?.[0];
  if (q0 === undefined) throw new Error("missing quantisation table");
  const out = new Uint8Array(y.bpl * y.bpc);
  for (let r = 0; r < y.bpc; r++) {
    for (let c = 0; c < y.bpl; c++) out[r * y.bpl + c] = Math.max(0, Math.min(255, Math.round(128 + (y.dc[r * y.bplMcu + c] * q0) / 8)));
  }
  return { w: y.bpl, h: y.bpc, data: out, width: frame.width, height: frame.height };
}
