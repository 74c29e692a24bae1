/**
 * Is a new complaint a repeat of an earlier case (issue 13)? Place first, words second: the same named site or
 * the same house number is strong evidence, the same road or street weak; a conflict (another house number,
 * another road, another shop of the same kind, another pollution type) rules the pair out however alike the
 * words are. Thresholds are measured on test/fixtures/complaint-pairs.ts (docs/architecture.md "Repeat complaints").
 */
import { comparePlaces, parsePlace, sameRoad, type Place, type PlaceMatch } from "./place.js";
import { letterCount, ngrams, dice } from "./similarity.js";
import { inferPollutionTypes } from "./pollution-infer.js";
import { localParts } from "./calendar.js";
import { STATE_LABEL } from "./labels.js";
import type { CaseState } from "./codes.js";

export type Complaint = { content: string; title?: string; address?: string | null; area?: string | null; pollutionTypes?: readonly string[] };

/** Prepared once per complaint: the parsed place, bigrams and pollution types. */
export type Prepared = { place: Place; grams: Set<string>; types: string[]; short: boolean; /** the complainant says it happens again */ recurs: boolean };

/** Fewer comparable letters than this: the words say too little, the pair is matched on place only. */
export const SHORT_TEXT = 6;
/** A pair scoring at least this is suggested. */
export const THRESHOLD = 0.6;

export function prepare(c: Complaint): Prepared {
  const text = c.content || c.title || "";
  const place = parsePlace(c.address, text, c.area);
  // The words are compared without the place's names: the place is scored on its own, once.
  let words = text.normalize("NFKC");
  for (const s of [...place.sites, place.road, place.compound]) if (s) words = words.replaceAll(s, " ");
  return { place, grams: ngrams(words), types: c.pollutionTypes?.length ? [...c.pollutionTypes] : typesOf(text, place.sites), short: letterCount(text) < SHORT_TEXT, recurs: RECURS.test(text) };
}

/**
 * Words that say the problem is back — "又在排", "再次", "还在", "仍然", "反复" — as a repeat complaint is usually
 * worded. In the newer complaint, with a place match (road or closer, no conflict), they add RECUR_BONUS: a kind of business on the same
 * road (茶店子东街那家印刷厂又在排…) is then suggested although the words differ.
 */
const RECURS = /又(?!名|称)|再次|再度|还在|仍在|仍然|依旧|依然|反复|重新出现|死灰复燃/;
const RECUR_BONUS = 0.1;

/** Everyday words for a type that the ledger's inference does not need but complaints use. */
const MORE: [RegExp, string][] = [[/脏水|黑水|臭水|黄水|水沟|排水|自来水|水龙头|浑浊/, "水"], [/灰尘|尘土|落灰|一层灰|烟/, "大气"]];

/**
 * Pollution types from the words, leaving out the site's name (老王烧烤店 says nothing about noise there) and the
 * smell words that go with water and rubbish too (臭, 气味).
 */
function typesOf(text: string, sites: string[]): string[] {
  let t = text.normalize("NFKC");
  for (const s of sites) t = t.replaceAll(s, " ");
  const named = [...inferPollutionTypes(t.replace(/气味|异味|味道|难闻|臭/g, " ")), ...MORE.filter(([re]) => re.test(t)).map(([, k]) => k)];
  return [...new Set(named)]; // smell alone (又臭了) names no type: it neither matches nor conflicts
}

// Weight of each place level: a named site or a house number almost decides; a road or street alone does not.
const PLACE_WEIGHT: Record<PlaceMatch["level"], number> = { site: 0.6, number: 0.55, compound: 0.45, road: 0.2, street: 0.1, none: 0 };
/** A site name of three characters or fewer is a kind of business (烧烤店), not a proper name (老王烧烤店); more on the same road or street. */
const GENERIC_SITE = 0.3;

export type Score = { score: number; place: PlaceMatch; text: number; sameType: boolean; reasons: string[] };

export function scorePair(a: Prepared, b: Prepared): Score {
  const place = comparePlaces(a.place, b.place);
  const text = a.short || b.short ? 0 : dice(a.grams, b.grams);
  const sameType = a.types.some((t) => b.types.includes(t));
  const typeConflict = a.types.length > 0 && b.types.length > 0 && !sameType;
  const out = (score: number, reasons: string[]): Score => ({ score: Math.round(score * 100) / 100, place, text, sameType, reasons });
  if (place.conflict || typeConflict) return out(0, []);
  const generic = place.level === "site" && [...(place.what ?? "")].length <= 3;
  // A kind of business on the same road (大安西路某烧烤店, as the lists anonymise it) is nearly a place of its own.
  const onRoad = sameRoad(a.place.road, b.place.road);
  const sameStreet = !!a.place.street && a.place.street === b.place.street;
  let score = generic ? GENERIC_SITE + (onRoad ? 0.2 : sameStreet ? 0.1 : 0) : PLACE_WEIGHT[place.level];
  score += 0.5 * text + (sameType ? 0.1 : 0);
  // `a` is the newer complaint: its own words say the problem is back (an earlier case's 又 says nothing of this one).
  const recur = a.recurs && place.level !== "none" && place.level !== "street";
  if (recur) score += RECUR_BONUS;
  // Short texts carry no words to compare: a strong place match with no conflict is enough.
  if ((a.short || b.short) && (place.level === "site" || place.level === "number") && !generic) score = Math.max(score, THRESHOLD);
  const reasons: string[] = [];
  if (place.level !== "none" && place.what) reasons.push(place.level === "site" ? `同一处：${place.what}` : place.level === "number" ? `同一门牌：${place.what}` : `同在${place.what}`);
  if (text >= 0.2) reasons.push(`文字相近 ${Math.round(text * 100)}%`);
  if (sameType) reasons.push(`同为${a.types.filter((t) => b.types.includes(t)).join("、")}污染`);
  if (recur) reasons.push("投诉称问题再次出现");
  return out(score, reasons);
}

/** How a suggestion is named to people: "#57 title（已办结 11月12日，荷花池街道）" (区域, else the lead unit). */
export function similarLine(s: { id: number; title: string; state: CaseState; closedAt: number | null; area: string | null; address: string | null }, tz: string, unitName?: string): string {
  const when = s.state === "closed" && s.closedAt ? ` ${(({ month, day }) => `${month}月${day}日`)(localParts(s.closedAt, tz))}` : "";
  const where = s.area ?? unitName ?? s.address;
  return `#${s.id} ${s.title}（${STATE_LABEL[s.state]}${when}${where ? `，${where}` : ""}）`;
}
