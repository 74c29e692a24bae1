/**
 * Where a complaint is about (issue 13): an address folded to comparable parts, and the named business or site
 * the words point at (…烧烤店, …厂, …工地, …小区, …河段). Pure; no dictionary — the parts are found by their
 * suffixes, which is how Chinese addresses are written.
 */

/** An address split into its parts; each part is folded (half-width, no spaces, aliases unified). */
export type Place = {
  district?: string; // 金牛区 / 某某县
  street?: string; // 荷花池街道 / 天回镇
  road?: string; // 金牛大道 / 一环路北三段
  number?: string; // 18 (号, 号院, 号附近 all give 18)
  compound?: string; // 蓝光小区 / 金色花园
  sites: string[]; // named businesses or sites, most specific first
};

const CN_DIGIT: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** 十八 → 18, 二百零五 → 205 (small numbers, as house numbers are written in words). */
function chineseNumber(s: string): number | undefined {
  if (/^[零〇一二两三四五六七八九]+$/.test(s) && s.length > 1) return Number([...s].map((c) => CN_DIGIT[c]).join(""));
  let total = 0;
  let cur = 0;
  for (const ch of s) {
    if (ch in CN_DIGIT) cur = CN_DIGIT[ch];
    else if (ch === "十") { total += (cur || 1) * 10; cur = 0; }
    else if (ch === "百") { total += cur * 100; cur = 0; }
    else return undefined;
  }
  return total + cur;
}

/** Aliases people use for the same thing; the right side is the canonical spelling. */
const ALIASES: [RegExp, string][] = [
  [/街道办事处|街道办|街办/g, "街道"],
  [/社区居委会|居委会/g, "社区"],
  [/号院|号楼院/g, "号"],
  [/(\d+)号?(?:附近|旁边|旁|对面|门口|门前|侧|处)/g, "$1号"],
  [/大街/g, "街"],
  [/马路/g, "路"],
  [/饭馆|餐馆|餐厅|饭店/g, "餐饮店"],
  [/烧烤摊|烤串店|串串店/g, "烧烤店"],
  [/建筑工地|施工工地|施工现场/g, "工地"],
];

/** Half-width, no spaces or punctuation, Chinese house numbers as digits, aliases unified. */
export function foldPlace(text: string): string {
  let s = text.normalize("NFKC").toLowerCase().replace(/[\s·,，。;；:：、()（）【】\[\]"“”'‘’!！?？-]+/g, "");
  s = s.replace(/([零〇一二两三四五六七八九十百]+)(?=号|栋|幢|单元|组)/g, (m) => String(chineseNumber(m) ?? m));
  for (const [re, to] of ALIASES) s = s.replace(re, to);
  return s;
}

// A part is a run of up to 8 name characters before its suffix; its left edge is cut at the part before it
// (区 before 街道, 街道 before 路 …) or at a verb of complaining, so the text's own words can be parsed too.
const N = "[\\p{Script=Han}a-z0-9]";
const part = (min: number, suffix: string) => new RegExp(`(${N}{${min},8}?)(${suffix})`, "u");
const DISTRICT = part(1, "(?<![小社园])区|县");
const STREET = part(2, "街道|镇|乡");
const ROAD = part(1, "大道|路|街(?!道)|巷|胡同");
const COMPOUND = part(2, "小区|花园|家园|公寓|大厦|新村|村");
const NUMBER = /(\d{1,5})号/;
// Words that end a part's left edge in running text; the short ones (的, 在, 门口) only for sites, as road and
// street names contain them (营门口街道).
const VERBS = "反映|投诉|举报|来电|位于|地处";
const cut = (before: string) => new RegExp(`^.*(?:${VERBS}|${before})`, "u");
// Each part is cut at the parts that come before it in an address (a street name may contain 路: 西安路街道).
const CUT_DISTRICT = cut("省|市");
const CUT_STREET = cut("省|市|(?<![小社园])区|县");
const CUT_ROAD = cut("省|市|(?<![小社园])区|县|街道|镇|乡");
const LEFT_CUT = cut("某|该|一家|那家|这家|称|到|又|了|就|还|也|和|跟|被|把|从|附近|旁边|对面|门口|路口|的|在|有|内|里|省|市|(?<![小社园])区|县|街道|镇|乡|大道|路|街|巷|号|栋|幢|单元|楼下|楼上|楼|底下|旁|边|组|\\d");
// 有家烧烤店 → 烧烤店, 有个家具作坊 → 家具作坊: a lone 家 or 个 is a measure word, but not in 家具/家电/个体.
const FILLER = /^(?:某|该|一家|一处|这处|那处|一块|这块|那块|这家|那家|一个|这个|那个|家(?![具电居禽政庭])|个(?![体人]))+/;

function partOf(re: RegExp, s: string, left: RegExp): string | undefined {
  const m = re.exec(s);
  if (!m) return undefined;
  const body = m[1].replace(left, "").replace(FILLER, "");
  return body ? body + m[2] : undefined;
}

/** Kinds of business or site people complain about; the word before names which one. */
const SITE_KINDS = "店|厂|工地|小区|河段|河道|排口|排污口|养殖场|搅拌站|洗车场|加油站|农贸市场|菜市场|市场|作坊|酒吧|ktv|砂石场|采石场|公司|学校|医院|酒店|宾馆|超市|垃圾站|中转站";
const SITE = new RegExp(`(${N}{1,8}?)(${SITE_KINDS})(?!子)`, "gu"); // 茶店子 is a place name, not a 店

/** Site names in text order, each cut at its left edge and without 某/该. */
export function sitesOf(folded: string): string[] {
  const out: string[] = [];
  for (const m of folded.matchAll(SITE)) {
    const name = m[1].replace(LEFT_CUT, "").replace(FILLER, "") + m[2];
    // A kind alone counts when it is a word of its own (某KTV, 一家工地), not a lone 店 or 厂.
    if ([...name].length >= 2 && !out.includes(name)) out.push(name);
  }
  return out;
}

/** The parts of an address (and of the complaint text, which often carries the address itself). */
export function parsePlace(address: string | null | undefined, text = "", area?: string | null): Place {
  const a = foldPlace(address ?? "");
  const t = foldPlace(text);
  const first = (re: RegExp, left: RegExp, x = a, y = t) => partOf(re, x, left) ?? partOf(re, y, left);
  const street = first(STREET, CUT_STREET);
  // 西安路街道 is a street, not a road: the road is looked for with the street's name taken out.
  const drop = (s: string) => (street ? s.replaceAll(street, " ") : s);
  const road = first(ROAD, CUT_ROAD, drop(a), drop(t));
  const num = (NUMBER.exec(a) ?? (road ? new RegExp(`${road}(\\d{1,5})号`).exec(t) : null))?.[1];
  const sites = [...sitesOf(a), ...sitesOf(t)].filter((s, i, all) => all.indexOf(s) === i);
  // 区域 (行政区域) only fills what the address and text leave open.
  const zone = area ? parsePlace(area) : undefined;
  return {
    district: first(DISTRICT, CUT_DISTRICT) ?? zone?.district,
    street: street ?? zone?.street,
    road,
    number: num === undefined ? undefined : String(Number(num)),
    compound: first(COMPOUND, LEFT_CUT),
    sites,
  };
}

/** Two site names name the same place: equal, or one contains the other (老王烧烤店 / 烧烤店 is not enough: both ≥ 3). */
export function sameSite(a: string, b: string): boolean {
  if (a === b) return true;
  const [s, l] = a.length <= b.length ? [a, b] : [b, a];
  const kind = kindOf(s);
  if (kind !== kindOf(l)) return false;
  if ([...s].length >= 3 && l.includes(s)) return true;
  // 五金店 / 五金加工店: the shorter name's words (五金) stand inside the longer one's, before the same kind word.
  const stem = s.slice(0, s.length - kind.length);
  return [...stem].length >= 2 && l.slice(0, l.length - kind.length).includes(stem);
}

/** The kind word at the end of a site name (烧烤店 → 烧烤店's kind 店; used so 烧烤店 never equals 火锅店). */
export function kindOf(site: string): string {
  return new RegExp(`(?:${SITE_KINDS})$`, "u").exec(site)?.[0] ?? "";
}

export type PlaceMatch = {
  /** site: same named business/site; number: same road and house number; compound: same 小区; road: same road only; street: same 街道/镇 only. */
  level: "site" | "number" | "compound" | "road" | "street" | "none";
  /** The two say different places: different house numbers on one road, or differently named sites of one kind. */
  conflict: boolean;
  /** What matched, for the reasons shown to people. */
  what?: string;
};

const described = (p: Place): Place => ({ ...p, sites: [...new Set(p.sites.map(bare))], compound: p.compound === undefined ? undefined : bare(p.compound) });

/** One road written with or without what comes before it (荷花池大安西路 / 大安西路). */
export function sameRoad(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  const [s, l] = a.length <= b.length ? [a, b] : [b, a];
  return s === l || ([...s].length >= 3 && l.endsWith(s));
}

/** Words that describe a site without naming it: 老旧小区, 老小区 and 居民小区 are all just "a 小区". */
const DESCRIBES = /^(?:老旧|破旧|老|旧|居民|住宅|一个|附近的?)+/;

/** A site or compound written as a description (老旧小区) compares as its bare kind (小区). */
function bare(site: string): string {
  const kind = kindOf(site);
  return kind && site.replace(DESCRIBES, "") === kind ? kind : site;
}

export function comparePlaces(p: Place, q: Place): PlaceMatch {
  const a = described(p);
  const b = described(q);
  const site = a.sites.find((x) => b.sites.some((y) => sameSite(x, y)));
  const onRoad = sameRoad(a.road, b.road);
  const numberConflict = onRoad && !!a.number && !!b.number && a.number !== b.number;
  // Named sites of one kind that differ (某烧烤店 vs 某火锅店, 甲工地 vs 乙工地) are different places.
  const siteConflict = !site && a.sites.some((x) => b.sites.some((y) => kindOf(x) === kindOf(y) && !sameSite(x, y)));
  const compoundConflict = !!a.compound && !!b.compound && a.compound !== b.compound && !a.compound.includes(b.compound) && !b.compound.includes(a.compound);
  // Two roads or two streets named and different: different places, whatever the shop is called.
  const streetConflict = (!!a.street && !!b.street && a.street !== b.street) || (!!a.road && !!b.road && !onRoad);
  const conflict = numberConflict || (siteConflict && !(onRoad && a.number && a.number === b.number)) || compoundConflict || streetConflict;
  if (site) return { level: "site", conflict: numberConflict || streetConflict, what: site };
  if (onRoad && a.number && a.number === b.number) return { level: "number", conflict: streetConflict, what: `${a.road}${a.number}号` };
  if (a.compound && a.compound === b.compound) return { level: "compound", conflict: streetConflict, what: a.compound };
  if (onRoad) return { level: "road", conflict, what: a.road };
  if (a.street && a.street === b.street) return { level: "street", conflict, what: a.street };
  return { level: "none", conflict };
}

const phrase = (w: string) => `"${w.replaceAll('"', '""')}"`;
const long = (t: string | undefined): t is string => !!t && [...t].length >= 3;

/**
 * FTS5 trigram queries that find earlier cases at this place (each term ≥ 3 characters, as trigrams need).
 * `named`: proper site names and the compound, and a kind of business together with its road (烧烤店 AND
 * 大安西路) — a kind alone would match a whole city; `road`: the road alone (its newest cases).
 * A road is looked up by its last four characters, so 荷花池大安西路 finds 大安西路.
 */
export function placeQueries(p: Place): { named?: string; road?: string } {
  const road = p.road && [...p.road].length > 4 ? [...p.road].slice(-4).join("") : p.road;
  const named: string[] = [];
  for (const s of p.sites.filter(long).slice(0, 4)) named.push([...s].length > 3 ? phrase(s) : long(road) ? `(${phrase(s)} AND ${phrase(road)})` : phrase(s));
  if (long(p.compound) && !p.sites.includes(p.compound)) named.push(phrase(p.compound));
  return { named: named.length ? named.join(" OR ") : undefined, road: long(road) ? phrase(road) : undefined };
}
