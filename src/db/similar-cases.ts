/**
 * Earlier cases a new complaint may repeat (issue 13): candidates come from the FTS5 trigram index case_search
 * (by the place's names, its road and house number, and a few of the text's trigrams, each query newest first with a
 * LIMIT — never a scan of cases, never a ranking of every hit),
 * then src/domain/repeat-match.ts scores each. Open and closed cases of every source and batch; cancelled ones
 * are not offered (nothing can be merged into them), nor pairs recorded as 不是重复.
 */
import { and, eq, inArray, isNull, or, sql } from "drizzle-orm";
import { caseLinks, cases } from "./schema.js";
import type { Db } from "./types.js";
import { placeQueries } from "../domain/place.js";
import { lookupTrigrams } from "../domain/similarity.js";
import { prepare, scorePair, THRESHOLD, type Complaint, type Prepared } from "../domain/repeat-match.js";
import type { CaseState } from "../domain/codes.js";

export type SimilarQuery = Complaint & { excludeId?: number };
/** Pools bound the work per lookup: at most placePool + 2 × textPool candidate rows are loaded and scored. */
export type SimilarOptions = { limit?: number; threshold?: number; placePool?: number; textPool?: number; perTrigram?: number };
export type SimilarCase = {
  id: number; title: string; state: CaseState; closedAt: number | null; area: string | null; address: string | null;
  leadUnitId: number | null; score: number; reasons: string[];
};

const phrase = (w: string) => `"${w.replaceAll('"', '""')}"`;

/**
 * Newest hits of one MATCH, as a subquery. Newest first lets FTS5 walk the doclist backwards and stop at the
 * LIMIT; bm25 would first count every row holding each term (its IDF), which at 1 M cases took 0.4–0.9 s for
 * the common trigrams of a complaint (bench/similar.ts).
 */
const newest = (expr: string, limit: number) => sql`select rowid as id from (select rowid from case_search where case_search match ${expr} order by rowid desc limit ${limit})`;

type Candidate = { r: CandidateRow; p: Prepared };
type CandidateRow = Pick<typeof cases.$inferSelect, "id" | "title" | "content" | "address" | "area" | "pollutionTypes" | "state" | "closedAt" | "leadUnitId">;

/**
 * Kept across the lookups of one import preview (thousands of rows about a district's few roads): each query's
 * hits and each candidate's row, parsed once. Lives as long as the preview; never across requests.
 */
export type SimilarCache = { hits: Map<string, number[]>; rows: Map<number, Candidate> };
export const similarCache = (): SimilarCache => ({ hits: new Map(), rows: new Map() });

async function hits(db: Db, expr: string | undefined, limit: number, cache?: SimilarCache): Promise<number[]> {
  if (!expr) return [];
  const key = `${limit}:${expr}`;
  const known = cache?.hits.get(key);
  if (known) return known;
  const ids = (await db.all<{ id: number }>(newest(expr, limit))).map((r) => Number(r.id));
  cache?.hits.set(key, ids);
  return ids;
}

/**
 * Cases sharing the most of the text's trigrams: each trigram's newest `per` hits, counted. A rare trigram's list
 * is complete, a common one's holds only recent rows, so the count works as a bounded IDF. One statement per
 * trigram (D1 refuses a compound SELECT of that many terms); an import's cache keeps each list for its other rows.
 */
async function textHits(db: Db, grams: string[], per: number, limit: number, cache?: SimilarCache): Promise<number[]> {
  const n = new Map<number, number>();
  for (const g of grams) for (const id of await hits(db, phrase(g), per, cache)) n.set(id, (n.get(id) ?? 0) + 1);
  return [...n].sort((a, b) => b[1] - a[1] || b[0] - a[0]).slice(0, limit).map(([id]) => id);
}

/** The road (its last four characters, as placeQueries looks it up) with the house number: 太升南路73号. */
function numberPhrase(road: string | undefined, number: string | undefined): string | undefined {
  if (!road || !number) return undefined;
  return phrase(`${[...road].slice(-4).join("")}${number}号`);
}

/** Ids the case was decided not to repeat (不是重复, either order) or is already merged with. */
async function decided(db: Db, id: number): Promise<Set<number>> {
  const rows = await db
    .select({ a: caseLinks.caseId, b: caseLinks.otherId })
    .from(caseLinks)
    .where(and(isNull(caseLinks.undoneAt), or(eq(caseLinks.caseId, id), eq(caseLinks.otherId, id))));
  return new Set(rows.map((r) => (r.a === id ? r.b : r.a)));
}

/** The strongest 1–3 (opts.limit) earlier cases the complaint may repeat, best first, with their reasons. */
export async function findSimilar(db: Db, q: SimilarQuery, opts: SimilarOptions = {}, cache?: SimilarCache): Promise<SimilarCase[]> {
  const { limit = 3, threshold = THRESHOLD, placePool = 100, textPool = 50, perTrigram = 100 } = opts;
  const me = prepare(q);
  const text = q.content || q.title || "";
  // Newest first throughout: a place's latest cases matter most, and no query ranks (see `newest`).
  const at = placeQueries(me.place);
  const grams = me.short ? [] : lookupTrigrams(text);
  const ids = new Set([
    ...(await hits(db, at.named, placePool, cache)),
    ...(await hits(db, numberPhrase(me.place.road, me.place.number), textPool, cache)),
    ...(await hits(db, at.road, textPool, cache)),
    ...(await textHits(db, grams, perTrigram, textPool, cache)),
  ]);
  if (q.excludeId !== undefined) {
    ids.delete(q.excludeId);
    for (const x of await decided(db, q.excludeId)) ids.delete(x);
  }
  if (!ids.size) return [];
  const candidates = await loadCandidates(db, [...ids], cache);
  return candidates
    .filter(({ r }) => r.state !== "cancelled")
    .map(({ r, p }) => ({ r, s: scorePair(me, p) }))
    .filter(({ s }) => s.score >= threshold)
    .sort((x, y) => y.s.score - x.s.score || y.r.id - x.r.id)
    .slice(0, limit)
    .map(({ r, s }) => ({ id: r.id, title: r.title, state: r.state, closedAt: r.closedAt, area: r.area, address: r.address, leadUnitId: r.leadUnitId, score: s.score, reasons: s.reasons }));
}

/** The candidates' rows by id (never a scan), parsed; those already in the cache are not read again. */
async function loadCandidates(db: Db, ids: number[], cache?: SimilarCache): Promise<Candidate[]> {
  const missing = cache ? ids.filter((id) => !cache.rows.has(id)) : ids;
  const read: Candidate[] = [];
  for (let i = 0; i < missing.length; i += 500) {
    const rows = await db
      .select({ id: cases.id, title: cases.title, content: cases.content, address: cases.address, area: cases.area, pollutionTypes: cases.pollutionTypes, state: cases.state, closedAt: cases.closedAt, leadUnitId: cases.leadUnitId })
      .from(cases)
      .where(inArray(cases.id, missing.slice(i, i + 500)));
    for (const r of rows) read.push({ r, p: prepare(r) });
  }
  if (!cache) return read;
  for (const c of read) cache.rows.set(c.r.id, c);
  return ids.map((id) => cache.rows.get(id)).filter((c): c is Candidate => c !== undefined);
}
