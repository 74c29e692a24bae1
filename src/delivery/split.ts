/** Byte-safe splitting for WeCom's limits (R19): never cut a code point, a markdown link or an <@mention>. */
const enc = new TextEncoder();
const bytes = (s: string) => enc.encode(s).byteLength;

export const LIMITS = { markdown: 4096, text: 2048 } as const;

/** Pieces that must never be broken: links, mentions and font tags with their text, else one code point. */
const ATOM = /\[[^\]\n]*\]\([^)\s]*\)|<@[^>\s]+>|<font color="[a-z]+">[^<]*<\/font>|[\s\S]/gu;

/** Split into chunks of at most `limit` UTF-8 bytes, preferring line breaks; concatenation gives back the input. */
export function splitMessage(text: string, limit: number): string[] {
  if (bytes(text) <= limit) return [text];
  const chunks: string[] = [];
  let cur = "";
  let curBytes = 0;
  let lastBreak = -1; // index in `cur` just after the last newline
  for (const atom of text.match(ATOM) ?? []) {
    const b = bytes(atom);
    if (curBytes + b > limit && cur) {
      // Prefer cutting after the last newline when that keeps a reasonable chunk.
      if (lastBreak > 0 && lastBreak >= cur.length / 2) {
        chunks.push(cur.slice(0, lastBreak));
        cur = cur.slice(lastBreak);
      } else {
        chunks.push(cur);
        cur = "";
      }
      curBytes = bytes(cur);
      lastBreak = -1;
    }
    if (b > limit) {
      // A single oversized atom (a huge link): fall back to code points so nothing is lost.
      for (const cp of atom) {
        const cb = bytes(cp);
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
