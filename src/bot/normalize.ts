/**
 * Text normalisation for chat commands (spec §3, reliability R10).
 *
 * Folds full-width ASCII (＃１２ → #12) and small-form punctuation, turns every Unicode space
 * (ideographic U+3000, NBSP, U+2005 that WeCom puts after a mention, …) into one ASCII space,
 * removes control and zero-width characters, trims each line and drops blank lines (newlines are
 * kept: 办结 is multi-line), and strips the leading @mentions. CJK text is otherwise left intact
 * ("、" and "。" stay). `normalize` is idempotent.
 */

/** C0/C1 controls (except tab/newline/CR, handled as whitespace), zero-width and bidi marks. */
const INVISIBLE = /[\u0000-\u0008\u000E-\u001F\u007F-\u0084\u0086-\u009F\u00AD\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\uFEFF\uFFF9-\uFFFB]/g;
/** Line breaks of every kind, folded to "\n". */
const LINE_BREAK = /\r\n|[\r\u000B\u000C\u0085\u2028\u2029]/g;
/** Full-width ASCII block U+FF01–U+FF5E maps to U+0021–U+007E. */
const FULL_WIDTH = /[\uFF01-\uFF5E]/g;
/** Small form variants (﹕﹔﹟ …) and a few look-alikes used as Chinese separators. */
const SMALL_FORMS = /[\uFE50-\uFE6B\u2236\uFE13\uFE10\uFE14]/g;
const LOOK_ALIKE: Record<string, string> = { "\u2236": ":", "\uFE13": ":", "\uFE10": ",", "\uFE14": ";" };
/** Whitespace other than "\n" (JS `\s` covers NBSP, U+2000–U+200A, U+202F, U+205F, U+3000, U+1680). */
const SPACE = /[^\S\n]+/g;
/** One or more leading mentions: "@name" followed by whitespace or the end of the text. */
const LEADING_MENTIONS = /^(?:@\S*(?:\s+|$))+/;

function foldChar(ch: string): string {
  const code = ch.charCodeAt(0);
  if (code >= 0xff01 && code <= 0xff5e) return String.fromCharCode(code - 0xfee0);
  return LOOK_ALIKE[ch] ?? ch.normalize("NFKC");
}

/** Character-level folding and whitespace clean-up, without touching mentions. */
export function fold(text: string): string {
  const s = toWellFormed(text)
    .replace(LINE_BREAK, "\n")
    .replace(INVISIBLE, "")
    .replace(FULL_WIDTH, foldChar)
    .replace(SMALL_FORMS, foldChar)
    .replace(SPACE, " ");
  return s
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .join("\n");
}

/** Strips every leading "@name" token (e.g. "@督办助手 @张三 签收 #12" → "签收 #12"). */
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

function toWellFormed(text: string): string {
  // String.prototype.toWellFormed exists from Node 20; keep a fallback for older runtimes.
  const s = text as string & { toWellFormed?: () => string };
  if (typeof s.toWellFormed === "function") return s.toWellFormed();
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");
}
