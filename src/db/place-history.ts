/**
 * 同一地点历史 on the case page (issue 13): the complaints merged into this case (their text and dates), the case
 * this complaint was merged into, and other cases about the same place (findSimilar: the FTS place and text
 * candidates, scored; open and closed, not cancelled), each with its closures and 回头看 patrols. Bounded: links
 * by id through their indexes, at most PLACE_CASES similar cases, at most EVENTS_CAP closure/patrol events.
 */
import { sql } from "drizzle-orm";
import type { CaseState } from "../domain/codes.js";
import { findSimilar } from "./similar-cases.js";
import type { cases } from "./schema.js";
import type { Db } from "./types.js";

type CaseRow = typeof cases.$inferSelect;

/** Other cases about the same place shown on the page. */
export const PLACE_CASES = 5;
const MERGED_CAP = 50;
const EVENTS_CAP = 200;

export type MergedComplaint = { id: number; title: string; content: string; createdAt: number; mergedAt: number; by: string; source: string; externalNo: string | null };
export type PlaceEvent = { caseId: number; kind: "closure_approved" | "patrol_ok" | "rebound"; at: number; text: string | null; merged: boolean };
export type PlaceCase = {
  id: number; title: string; state: CaseState; createdAt: number; closedAt: number | null; leadUnitId: number | null; coUnitIds: number[];
  reboundCount: number; mergedCount: number;
  /** "self": this case; "into": the case this complaint was merged into; "similar": found by place and text. */
  relation: "self" | "into" | "similar"; reasons: string[]; events: PlaceEvent[];
};
/** `similarFailed`: the similar-case lookup failed; the page says so and shows the rest (a lookup never blocks it). */
export type PlaceHistory = { merged: MergedComplaint[]; cases: PlaceCase[]; similarFailed: boolean };

const ids = (xs: number[]) => JSON.stringify(xs);

/** The place history of case `c` (already loaded and visible to the viewer; the page filters the others by canView). */
export async function loadPlaceHistory(db: Db, c: CaseRow, onSimilarError?: (e: unknown) => void): Promise<PlaceHistory> {
  const [merged, [into], similar] = await Promise.all([
    db.all<MergedComplaint>(sql`
      select m.id, m.title, m.content, m.created_at as createdAt, l.at as mergedAt, l.by, m.source, m.external_no as externalNo
      from case_links l join cases m on m.id = l.case_id
      where l.other_id = ${c.id} and l.kind = 'merged' and l.undone_at is null order by l.at, l.id limit ${MERGED_CAP}`),
    db.all<{ id: number }>(sql`select other_id as id from case_links where case_id = ${c.id} and kind = 'merged' and undone_at is null limit 1`),
    findSimilar(db, { content: c.content, title: c.title, address: c.address, area: c.area, pollutionTypes: c.pollutionTypes, excludeId: c.id }, { limit: PLACE_CASES }).catch((e: unknown) => void onSimilarError?.(e)),
  ]);
  const intoId = into ? Number(into.id) : undefined;
  const others = (similar ?? []).filter((s) => s.id !== intoId);
  const wanted = [c.id, ...(intoId ? [intoId] : []), ...others.map((s) => s.id)];
  const [rows, events] = await Promise.all([
    db.all<Omit<PlaceCase, "relation" | "reasons" | "events" | "coUnitIds"> & { coUnitIds: string }>(sql`
      select id, title, state, created_at as createdAt, closed_at as closedAt, lead_unit_id as leadUnitId, co_unit_ids as coUnitIds,
        rebound_count as reboundCount, merged_count as mergedCount
      from cases where id in (select value from json_each(${ids(wanted)}))`),
    db.all<{ caseId: number; kind: PlaceEvent["kind"]; at: number; text: string | null; data: string | null }>(sql`
      select case_id as caseId, kind, at, text, data from case_events
      where case_id in (select value from json_each(${ids(wanted)})) and kind in ('closure_approved', 'patrol_ok', 'rebound')
      order by at, id limit ${EVENTS_CAP}`),
  ]);
  const byId = new Map(rows.map((r) => [Number(r.id), r]));
  const relation = (id: number): PlaceCase["relation"] => (id === c.id ? "self" : id === intoId ? "into" : "similar");
  const placeCases = wanted.flatMap((id): PlaceCase[] => {
    const r = byId.get(id);
    if (!r) return [];
    const evs = events
      .filter((e) => Number(e.caseId) === id)
      .map((e) => ({ caseId: id, kind: e.kind, at: Number(e.at), text: e.text, merged: Boolean(e.data && JSON.parse(e.data).merged) }));
    const reasons = others.find((s) => s.id === id)?.reasons ?? [];
    return [{ ...r, id, coUnitIds: JSON.parse(r.coUnitIds) as number[], relation: relation(id), reasons, events: evs }];
  });
  return { merged: merged.map((m) => ({ ...m, id: Number(m.id) })), cases: placeCases, similarFailed: similar === undefined };
}
