/**
 * Text similarity of two complaints without a dictionary (issue 13): character bigrams of the Han letters and
 * alphanumerics, compared by the Dice coefficient. Bigrams suit Chinese, whose words are mostly two characters;
 * the words every complaint uses (群众反映, 扰民, 严重 …) are dropped first so that they do not make unrelated
 * complaints look alike.
 */

/** Words that say nothing about which problem it is: how complaints are framed and padded. */
const FRAME = /群众|来电|市民|居民|住户|业主|网民|反映|反应|投诉|举报|称|表示|希望|要求|请求|恳请|尽快|处理|解决|查处|整治|相关部门|有关部门|部门|严重|影响|扰民|生活|休息|正常|长期|经常|一直|多次|问题|情况|现象|存在|导致|造成|周边|附近|我们|他们|非常|十分|特别|很大|每天|每晚|该|某|一家|一处|的|了|在|有|和|及|与|也|都|还|就|又|很|太|被|将|对|从|到|是/g;

/** The comparable letters of a text: half-width, lower case, Han and alphanumerics only, framing words removed. */
export function foldText(s: string): string {
  return s.normalize("NFKC").toLowerCase().replace(FRAME, " ").replace(/[^\p{Script=Han}a-z0-9 ]+/gu, " ");
}

/** Character n-grams inside each run of letters (a removed word breaks the run, so no n-gram spans it). */
export function ngrams(s: string, n = 2): Set<string> {
  const out = new Set<string>();
  for (const run of foldText(s).split(/\s+/)) {
    const cs = [...run];
    if (cs.length < n) { if (cs.length) out.add(run); continue; }
    for (let i = 0; i + n <= cs.length; i++) out.add(cs.slice(i, i + n).join(""));
  }
  return out;
}

/** Dice coefficient of two sets: 2|A∩B| / (|A|+|B|); 0 when both are empty. */
export function dice(a: Set<string>, b: Set<string>): number {
  if (a.size + b.size === 0) return 0;
  let common = 0;
  for (const x of a) if (b.has(x)) common++;
  return (2 * common) / (a.size + b.size);
}

/** Bigram Dice similarity of two texts, 0…1. */
export const textSimilarity = (a: string, b: string): number => dice(ngrams(a), ngrams(b));

/** How many comparable letters a text has (a text shorter than a few letters is matched on place only). */
export const letterCount = (s: string): number => [...foldText(s).replace(/\s+/g, "")].length;

/**
 * The text's trigrams worth looking up in the trigram index: from the runs of letters, spread over the text,
 * at most `max`. Common trigrams cost the index most and say least; spreading them keeps several phrasings' chance.
 */
export function lookupTrigrams(s: string, max = 8): string[] {
  const all = [...ngrams(s, 3)].filter((g) => [...g].length === 3);
  if (all.length <= max) return all;
  const step = all.length / max;
  return Array.from({ length: max }, (_, i) => all[Math.floor(i * step)]);
}
