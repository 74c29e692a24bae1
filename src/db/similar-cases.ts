/**
 * Earlier cases a new complaint may repeat (issue 13): candidates come from the FTS5 trigram index case_search
 * (by the place's names and by a few of the text's trigrams, each query with a LIMIT — never a scan of cases),
 * then src/domain/repeat-match.ts scores each. Open and closed cases of every source and batch; cancelled ones
 * are not offered (nothing can be merged into them), nor pairs recorded as 不是重复.
 */
import { and, eq, inArray, isNull, or, sql } from "drizzle-orm";
import { caseLinks, cases } from "./schema.js";
import type { Db } from "./types.js";
import { placeQueries } from "../domain/place.js";
import { lookupTrigrams } from "../domain/similarity.js";
import { prepare, scorePair, THRESHOLD, type Complaint } from "../domain/repeat-match.js";
import type { CaseState } from "../domain/codes.js";

export type SimilarQuery = Complaint & { excludeId?: number };
export type SimilarOptions = { limit?: number; threshold?: number; placePool?: number; textPool?: number };
export type SimilarCase = {
  id: number; title: string; state: CaseState; closedAt: number | null; area: string | null; address: string | null;
  leadUnitId: number | null; score: number; reasons: string[];
};

const phrase = (w: string) => `"${w.replaceAll('"', '""')}"`;

async function hits(db: Db, expr: string | undefined, order: "recent" | "rank", limit: number): Promise<number[]> {
  if (!expr) return [];
  const by = order === "rank" ? sql`order by rank` : sql`order by rowid desc`;
  const rows = await db.all<{ id: number }>(sql`select rowid as id from case_search where case_search match ${expr} ${by} limit ${limit}`);
  return rows.map((r) => Number(r.id));
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
export async function findSimilar(db: Db, q: SimilarQuery, opts: SimilarOptions = {}): Promise<SimilarCase[]> {
  const { limit = 3, threshold = THRESHOLD, placePool = 100, textPool = 50 } = opts;
  const me = prepare(q);
  const text = q.content || q.title || "";
  // Newest first for the place's names (a place's latest cases matter most); bm25 for the words.
  const at = placeQueries(me.place);
  const grams = me.short ? [] : lookupTrigrams(text);
  const ids = new Set([
    ...(await hits(db, at.named, "recent", placePool)),
    ...(await hits(db, at.road, "recent", textPool)),
    ...(await hits(db, grams.length ? grams.map(phrase).join(" OR ") : undefined, "rank", textPool)),
  ]);
  if (q.excludeId !== undefined) {
    ids.delete(q.excludeId);
    for (const x of await decided(db, q.excludeId)) ids.delete(x);
  }
  if (!ids.size) return [];
  const rows = await db
    .select({ id: cases.id, title: cases.title, content: cases.content, address: cases.address, area: cases.area, pollutionTypes: cases.pollutionTypes, state: cases.state, closedAt: cases.closedAt, leadUnitId: cases.leadUnitId })
    .from(cases)
    .where(inArray(cases.id, [...ids]));
  return rows
    .filter((r) => r.state !== "cancelled")
    .map((r) => ({ r, s: scorePair(me, prepare(r)) }))
    .filter(({ s }) => s.score >= threshold)
    .sort((x, y) => y.s.score - x.s.score || y.r.id - x.r.id)
    .slice(0, limit)
    .map(({ r, s }) => ({ id: r.id, title: r.title, state: r.state, closedAt: r.closedAt, area: r.area, address: r.address, leadUnitId: r.leadUnitId, score: s.score, reasons: s.reasons }));
}
