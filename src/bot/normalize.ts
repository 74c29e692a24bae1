/**
 * Text normalisation for chat commands (spec §3, reliability R10).
 *
 * Folds full-width ASCII (＃１２ → #12) and small-form punctuation, turns every Unicode space
 * (ideographic U+3000, NBSP, U+2005 that WeCom puts after a mention, …) into one ASCII space,
 * removes control and zero-width characters, trims each line and drops blank lines (newlines are
 * kept: 办结 is multi-line), and strips the leading @mentions. CJK text is otherwise left intact
 * ("、" and "。" stay). `normalize` is idempotent.
 */

import { fold } from "../domain/fold.js";

export { fold };

/** One or more leading mentions: "@name" followed by whitespace or the end of the text. */
const LEADING_MENTIONS = /^(?:@\S*(?:\s+|$))+/;

export function stripMentions(text: string): string {
  return text.replace(LEADING_MENTIONS, "").trim();
}

/** Strips only the first leading "@name" token. */
export function stripLeadingMention(text: string): string {
  return text.replace(/^@\S*(?:\s+|$)/, "").trim();
}

/**
 * Removes "@<bot name>" wherever it occurs (WeCom may put the mention at the end, and a name may
 * contain spaces), then normalises. Names are compared after folding.
 */
export function stripBotMentions(text: string, botNames: readonly string[]): string {
  let s = fold(text);
  for (const raw of botNames) {
    const name = fold(raw).replace(/^@/, "");
    if (name) s = s.split(`@${name}`).join(" ");
  }
  return normalize(s);
}

/** Full normalisation: `fold` then strip leading mentions. Idempotent. */
export function normalize(text: string): string {
  return stripMentions(fold(text));
}

/** UTF-8 length in bytes, counting a lone surrogate as U+FFFD (3 bytes) like TextEncoder. */
export function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}
