/**
 * Suspected repeats in an import preview (issue 13): for each new row, the earlier cases it may repeat (the
 * intakes' lookup, with one cache for the whole list: a list's rows share roads and words), and the other rows of
 * the same list about the same place, each flagged to the other. Within the list rows are compared only inside
 * blocks that share a place key (site, road + house number, compound, road), so a 5,000-row list costs pairs
 * per block, not 12.5 M pairs.
 */
import { findSimilar, similarCache, type SimilarOptions } from "../db/similar-cases.js";
import { prepare, scorePair, THRESHOLD, type Prepared } from "../domain/repeat-match.js";
import type { ImportRow } from "../sheets/import-rows.js";
import type { HandlerCtx } from "./context.js";
import type { IntakeSimilar } from "./similar-intake.js";

export type InListMatch = { line: number; externalNo: string; score: number };
export type RowMatches = { earlier: IntakeSimilar[]; inList: InListMatch[] };

/** Rows compared per block at most (the first ones of the list): bounds the pairs a crowded road can cost. */
export const BLOCK_CAP = 200;
/**
 * Smaller candidate pools than a single 交办's: a list's rows are thousands, and what one row's pools miss, the
 * shared cache often holds from its neighbours (same road, same words). bench/similar.ts measures both.
 */
export const IMPORT_POOLS: SimilarOptions = { placePool: 40, textPool: 25, perTrigram: 50 };
/** Other rows named per row at most. */
const IN_LIST_SHOWN = 3;

const tail = (road: string | undefined) => (road ? [...road].slice(-3).join("") : "");

/** The place keys a row is compared under; a row with no place has none (it is matched on earlier cases only). */
function blockKeys(p: Prepared): string[] {
  const { place } = p;
  const road = tail(place.road);
  const keys = place.sites.map((s) => ([...s].length > 3 ? `s:${s}` : `g:${road}:${s}`));
  if (road && place.number) keys.push(`n:${road}:${place.number}`);
  if (place.compound) keys.push(`c:${place.compound}`);
  if (road && !keys.length) keys.push(`r:${road}`);
  return keys;
}

/** Pairs of rows of one list that score as repeats of each other, by line, best first. */
export function inListMatches(rows: ImportRow[]): Map<number, InListMatch[]> {
  const prepared = rows.map((r) => prepare({ content: r.content, title: r.title, address: r.address, area: r.area, pollutionTypes: r.types }));
  const blocks = new Map<string, number[]>();
  prepared.forEach((p, i) => {
    for (const k of blockKeys(p)) {
      const b = blocks.get(k);
      if (!b) blocks.set(k, [i]);
      else if (b.length < BLOCK_CAP) b.push(i);
    }
  });
  const seen = new Set<string>();
  const out = new Map<number, InListMatch[]>();
  const add = (i: number, j: number, score: number) => {
    const list = out.get(rows[i].line) ?? [];
    list.push({ line: rows[j].line, externalNo: rows[j].externalNo, score });
    out.set(rows[i].line, list);
  };
  for (const b of blocks.values()) {
    for (let x = 0; x < b.length; x++) {
      for (let y = x + 1; y < b.length; y++) {
        const key = `${b[x]},${b[y]}`;
        if (seen.has(key)) continue;
        seen.add(key);
        // Either row may be the newer complaint about the place: the pair counts as its stronger reading.
        const score = Math.max(scorePair(prepared[b[y]], prepared[b[x]]).score, scorePair(prepared[b[x]], prepared[b[y]]).score);
        if (score < THRESHOLD) continue;
        add(b[x], b[y], score);
        add(b[y], b[x], score);
      }
    }
  }
  for (const [line, list] of out) out.set(line, list.sort((a, b) => b.score - a.score || a.line - b.line).slice(0, IN_LIST_SHOWN));
  return out;
}

/** Earlier cases and same-list rows each new row may repeat, by spreadsheet line (rows with neither are left out). */
export async function importMatches(ctx: Pick<HandlerCtx, "deps" | "units">, rows: ImportRow[]): Promise<Map<number, RowMatches>> {
  const out = new Map<number, RowMatches>();
  const inList = inListMatches(rows);
  const cache = similarCache();
  const units = new Map((await ctx.units()).map((u) => [u.id, u.name]));
  let failed = false;
  for (const r of rows) {
    let earlier: IntakeSimilar[] = [];
    if (!failed) {
      try {
        const found = await findSimilar(ctx.deps.db, { content: r.content, title: r.title, address: r.address, area: r.area, pollutionTypes: r.types }, IMPORT_POOLS, cache);
        earlier = found.map((s) => ({ ...s, unit: s.leadUnitId === null ? null : (units.get(s.leadUnitId) ?? null) }));
      } catch (e) {
        // A hint, not a gate: the preview goes on without it (and does not retry 5,000 times).
        ctx.deps.log.warn("similar.lookup_failed", { error: e instanceof Error ? e.name : "unknown", where: "import" });
        failed = true;
      }
    }
    const same = inList.get(r.line) ?? [];
    if (earlier.length || same.length) out.set(r.line, { earlier, inList: same });
  }
  return out;
}
