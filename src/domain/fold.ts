/**
 * Character-level folding of typed text (spec §3, R10), below every layer that compares what people type: the chat
 * parser (src/bot/normalize.ts) and name matching (src/domain/match-unit.ts). Folds full-width ASCII (＃１２ → #12)
 * and small-form punctuation, turns every Unicode space into one ASCII space, removes control and zero-width
 * characters, trims each line and drops blank lines (newlines are kept: 办结 is multi-line).
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

function toWellFormed(text: string): string {
  // String.prototype.toWellFormed exists from Node 20; keep a fallback for older runtimes.
  const s = text as string & { toWellFormed?: () => string };
  if (typeof s.toWellFormed === "function") return s.toWellFormed();
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");
}
