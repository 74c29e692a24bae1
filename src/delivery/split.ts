/**
 * Byte-safe splitting for chat limits (R19), for any channel: chunks of at most `limit` UTF-8 bytes that never cut
 * a code point or an "atom" (a markdown link, an inline tag with its text, a self-contained tag such as a mention).
 * Channels pass their own atoms when their markup differs; `packBlocks` keeps whole blocks together first.
 */
const enc = new TextEncoder();
export const utf8Bytes = (s: string) => enc.encode(s).byteLength;

/** Markdown links, `<tag …>text</tag>`, `<…>` without spaces, else one code point. */
export const MARKUP_ATOMS = /\[[^\]\n]*\]\([^)\s]*\)|<([a-z]+)[^<>\n]*>[^<\n]*<\/\1>|<[^<>\s]+>|[\s\S]/gu;

/** Split into chunks of at most `limit` UTF-8 bytes, preferring line breaks; concatenation gives back the input. */
export function splitBytes(text: string, limit: number, atoms: RegExp = MARKUP_ATOMS): string[] {
  if (utf8Bytes(text) <= limit) return [text];
  const chunks: string[] = [];
  let cur = "";
  let curBytes = 0;
  let lastBreak = -1; // index in `cur` just after the last newline
  for (const atom of text.match(atoms) ?? []) {
    const b = utf8Bytes(atom);
    if (curBytes + b > limit && cur) {
      // Prefer cutting after the last newline when that keeps a reasonable chunk.
      if (lastBreak > 0 && lastBreak >= cur.length / 2) {
        chunks.push(cur.slice(0, lastBreak));
        cur = cur.slice(lastBreak);
      } else {
        chunks.push(cur);
        cur = "";
      }
      curBytes = utf8Bytes(cur);
      lastBreak = -1;
    }
    if (b > limit) {
      // A single oversized atom (a huge link): fall back to code points so nothing is lost.
      for (const cp of atom) {
        const cb = utf8Bytes(cp);
        if (curBytes + cb > limit) {
          chunks.push(cur);
          cur = "";
          curBytes = 0;
        }
        cur += cp;
        curBytes += cb;
      }
      continue;
    }
    cur += atom;
    curBytes += b;
    if (atom === "\n") lastBreak = cur.length;
  }
  if (cur) chunks.push(cur);
  return chunks;
}

/** Old name of `splitBytes` with the default atoms. */
export const splitMessage = (text: string, limit: number) => splitBytes(text, limit);

/**
 * Pack rendered blocks (one string each) into chunks joined by `sep`, cutting only between blocks; a block that
 * alone exceeds the limit is split with `splitBytes` and its pieces stand as chunks of their own.
 */
export function packBlocks(blocks: string[], limit: number, sep = "\n", atoms: RegExp = MARKUP_ATOMS): string[] {
  const out: string[] = [];
  const sepBytes = utf8Bytes(sep);
  let cur: string[] = [];
  let curBytes = 0; // bytes of cur.join(sep), kept as we go rather than re-encoding the chunk per block
  const flush = () => {
    if (cur.length) out.push(cur.join(sep));
    cur = [];
    curBytes = 0;
  };
  for (const b of blocks) {
    const bb = utf8Bytes(b);
    const joined = cur.length ? curBytes + sepBytes + bb : bb;
    if (joined <= limit) {
      cur.push(b);
      curBytes = joined;
      continue;
    }
    flush();
    if (bb <= limit) {
      cur = [b];
      curBytes = bb;
    } else out.push(...splitBytes(b, limit, atoms));
  }
  flush();
  return out;
}
